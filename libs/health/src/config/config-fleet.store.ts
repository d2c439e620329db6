import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { parseJsonText } from '../shared/json-text';
import { errorText } from '../shared/error-text';
import type { ConfigLayer } from './config-patch';
import { EMPTY_LAYER, layerToJson, mergePatch, parsePatch, sanitizeActor } from './config-patch';

/** The most bytes the fleet's stored configuration may hold; a larger value is not read. */
export const MAX_FLEET_STATE_BYTES = 1024 * 1024;

/** The highest revision: far beyond any real count of changes, and safe as a double in Lua. */
export const MAX_FLEET_REVISION = 2 ** 50;

/** What the fleet keeps in Redis: its runtime layer and the revision that wrote it. */
export interface FleetState {
  revision: number;
  layer: ConfigLayer;
  actor?: string;
  at?: string;
}

/**
 * The stored value as read: its digest (what a compare-and-set compares), and either the
 * state in it or why it cannot be used (`problem`, naming the kind of fault, never the content).
 */
export interface StoredRead {
  /** `''` when the key is absent; the SHA-1 of a string; `type:<t>` for another Redis type. */
  digest: string;
  state?: FleetState;
  problem?: string;
  /** The revision the value claims, when it has a readable one (also beside a problem). */
  revision?: number;
}

/** Reads the key in one round trip, without transferring a value over the size bound. */
const READ = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'none' then return {''} end
if t ~= 'string' then return {'type:' .. t} end
local n = redis.call('STRLEN', KEYS[1])
local v = redis.call('GET', KEYS[1])
if n > tonumber(ARGV[1]) then return {redis.sha1hex(v), n} end
return {redis.sha1hex(v), n, v}`;

/**
 * Writes the new state only when the stored value is still the one the change was based on
 * (same digest), and publishes it on the same name: one round trip, no lost update between
 * instances. SET replaces a value of any type (a reset over junk).
 */
const COMPARE_AND_SET = `
local t = redis.call('TYPE', KEYS[1])['ok']
local digest = ''
if t == 'string' then digest = redis.sha1hex(redis.call('GET', KEYS[1]))
elseif t ~= 'none' then digest = 'type:' .. t end
if digest ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[1], ARGV[2])
return 1`;

export async function readStored(redis: Redis, key: string): Promise<StoredRead> {
  const reply = (await redis.eval(READ, 1, key, String(MAX_FLEET_STATE_BYTES))) as unknown[];
  const [digest, length, text] = reply as [string, number?, string?];
  if (digest === '') return { digest, state: { revision: 0, layer: EMPTY_LAYER }, revision: 0 };
  if (digest.startsWith('type:')) {
    return { digest, problem: `the key holds a Redis ${digest.slice(5)}, not a string` };
  }
  if (text === undefined) {
    return { digest, problem: `${length} bytes, over the ${MAX_FLEET_STATE_BYTES}-byte bound` };
  }
  try {
    const state = parseState(text);
    return { digest, state, revision: state.revision };
  } catch (error) {
    return { digest, problem: errorText(error), revision: claimedRevision(text) };
  }
}

/** The revision a value that is not a valid state claims, if it is JSON with a sound one. */
function claimedRevision(text: string): number | undefined {
  try {
    const { revision } = JSON.parse(text) as { revision?: unknown };
    return Number.isSafeInteger(revision) && (revision as number) >= 0
      ? (revision as number)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `text` if the key still has `digest`; true when written (and published). */
export async function compareAndSet(
  redis: Redis,
  key: string,
  digest: string,
  text: string,
): Promise<boolean> {
  return (await redis.eval(COMPARE_AND_SET, 1, key, digest, text)) === 1;
}

/** The digest a stored text has (what `readStored` reports for it). */
export function digestOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The JSON stored for a state. */
export function stateText(state: FleetState): string {
  return JSON.stringify({
    revision: state.revision,
    layer: layerToJson(state.layer),
    ...(state.actor ? { actor: state.actor } : {}),
    ...(state.at ? { at: state.at } : {}),
  });
}

const STATE_KEYS: ReadonlySet<string> = new Set(['revision', 'layer', 'actor', 'at']);

/**
 * A stored state, validated as any door's input: only known keys, the layer as a patch
 * (never quoting its values), `actor` sanitised. Throws naming the first fault.
 */
export function parseState(text: string): FleetState {
  const value = parseJsonText(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  const state = value as Record<string, unknown>;
  for (const key of Object.keys(state)) {
    if (!STATE_KEYS.has(key)) throw new Error('a key other than revision, layer, actor and at');
  }
  const { revision, layer, actor, at } = state;
  if (!Number.isSafeInteger(revision) || (revision as number) < 0) {
    throw new Error('no revision (an integer >= 0)');
  }
  if ((revision as number) > MAX_FLEET_REVISION) {
    throw new Error(`revision over ${MAX_FLEET_REVISION}`);
  }
  const actorText = sanitizeActor(actor);
  return {
    revision: revision as number,
    layer: mergePatch(EMPTY_LAYER, parsePatch(layer ?? {}, { quote: false })),
    ...(actorText ? { actor: actorText } : {}),
    ...(typeof at === 'string' && at.length <= 40 ? { at } : {}),
  };
}
