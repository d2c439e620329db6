import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import { errorText } from './error-text';
import { HealthConfigurationError } from './errors';
import type { ConfigChangeEvent, ConfigLayer } from './health-configuration';
import { layerPatch, mergePatch } from './health-configuration';
import { HealthService } from './health.service';

/** Where a fleet of instances keeps its shared runtime configuration. */
export interface ConfigFleetOptions {
  /** `redis://` or `rediss://` URL of the Redis the instances share. */
  redisUrl: string;
  /**
   * The key holding the configuration, also the channel changes are published on. Services that
   * share one Redis need one key each. Default `health:config`.
   */
  key?: string;
  /** More ioredis connection options (`username`, `password`, `db`, `tls`). */
  connection?: Readonly<Record<string, unknown>>;
}

/** The default key (and channel) of the fleet's configuration. */
export const CONFIG_FLEET_KEY = 'health:config';

/** A Redis command that does not answer in this time (a stopped server) fails the change. */
const COMMAND_TIMEOUT_MS = 1000;

/** How long startup waits to load the fleet's configuration before going on without it. */
const STARTUP_LOAD_MS = 2000;

/** How many times a change is retried when another instance changed the configuration first. */
const ATTEMPTS = 5;

/** Thrown when the fleet's store cannot take a change: nothing was applied anywhere. */
export class ConfigFleetUnavailableError extends Error {
  override readonly name = 'ConfigFleetUnavailableError';
}

/** What the fleet keeps in Redis: its runtime layer and the revision that wrote it. */
interface FleetState {
  revision: number;
  layer: ConfigLayer;
  actor?: string;
  at?: string;
}

/** A change applied through the fleet: this instance's event and the fleet's revision. */
export type FleetChangeEvent = ConfigChangeEvent & { revision: number };

const EMPTY: ConfigLayer = { defaults: {}, checks: {} };

/**
 * Writes the new state only when the stored revision is the one the change was based on, and
 * publishes it on the same name: one round trip, no lost update between instances.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
local revision = 0
if current then revision = cjson.decode(current).revision end
if revision ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[1], ARGV[2])
return 1`;

/**
 * The runtime configuration of a fleet (`configFleet`, env `HEALTH_CONFIG_REDIS_URL`): an admin
 * change is stored in Redis with a revision and published; every instance applies it on the
 * message, and an instance that starts (or reconnects) later loads the stored one. Off without
 * options: the admin endpoint then changes this instance only.
 */
@Injectable()
export class ConfigFleet implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthConfigFleet');
  private readonly options?: ConfigFleetOptions;
  private readonly key: string;
  private redis?: Redis;
  private subscriber?: Redis;
  /** The fleet's layer as this instance applied it (checks it does not have left out). */
  private applied: { revision: number; layer: ConfigLayer } = { revision: 0, layer: EMPTY };
  /** The revision this instance is writing: its own message must not apply it twice. */
  private pending?: number;
  private lastError?: string;
  private closing = false;

  constructor(
    private readonly health: HealthService,
    @Inject(MODULE_OPTIONS_TOKEN) options: HealthModuleOptions,
  ) {
    const fleet = options?.configFleet;
    if (fleet !== undefined) validateFleetOptions(fleet);
    this.options = fleet;
    this.key = fleet?.key ?? CONFIG_FLEET_KEY;
  }

  /** Whether changes go through the fleet's store. */
  get enabled(): boolean {
    return this.options !== undefined;
  }

  /** The fleet revision this instance runs (0: none loaded yet). */
  get revision(): number {
    return this.applied.revision;
  }

  /** Whether the store answers now. */
  get connected(): boolean {
    return this.redis?.status === 'ready';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options) return;
    const RedisClient = loadPeer<typeof import('ioredis')>(
      'ioredis',
      `${PACKAGE_NAME} configFleet`,
    ).Redis;
    const connect = (): Redis => {
      const client = new RedisClient(this.options!.redisUrl, {
        ...this.options!.connection,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 2000,
        disconnectTimeout: 100,
        retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
      });
      client.on('error', (error: unknown) => this.noteError(error));
      return client;
    };
    this.redis = connect();
    this.subscriber = connect();
    // Subscribed (again) once both connections are up, then the stored state is read: a change
    // published while this instance was away is not missed.
    const sync = (): void => {
      if (this.redis?.status !== 'ready' || this.subscriber?.status !== 'ready') return;
      this.subscriber
        .subscribe(this.key)
        .then(() => this.refresh())
        .then(
          () => this.loaded(),
          (error: unknown) => this.noteError(error),
        );
    };
    this.subscriber.on('ready', sync);
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.redis.on('ready', () => {
      this.lastError = undefined;
      sync();
    });
    await this.loadAtStartup();
  }

  onModuleDestroy(): void {
    this.closing = true;
    this.redis?.disconnect();
    this.subscriber?.disconnect();
  }

  /**
   * Applies a JSON merge patch to the fleet: validated here first (a bad value throws a
   * `HealthConfigurationError` and nothing is stored), then stored with the next revision and
   * published, then applied here. Throws `ConfigFleetUnavailableError` when Redis cannot take
   * it: then nothing changed anywhere.
   */
  async change(patch: unknown, who: { actor?: string } = {}): Promise<FleetChangeEvent> {
    // A bad patch is refused as such, whether or not Redis answers.
    this.health.previewConfiguration(patch);
    return this.commit(who, (layer) => mergePatch(layer, patch));
  }

  /** Drops every runtime value, on every instance. */
  reset(who: { actor?: string } = {}): Promise<FleetChangeEvent> {
    return this.commit(who, () => EMPTY, true);
  }

  private async commit(
    who: { actor?: string },
    next: (layer: ConfigLayer) => ConfigLayer,
    reset = false,
  ): Promise<FleetChangeEvent> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const state = await this.read();
      this.adopt(state);
      const layer = next(state.layer);
      // What this change changes, validated against this instance's checks.
      const delta = layerPatch(state.layer, layer);
      this.health.previewConfiguration(delta);
      if (JSON.stringify(layer) === JSON.stringify(state.layer)) {
        // Nothing to store; a reset still drops what code set on this instance.
        const event = reset
          ? this.health.resetConfiguration(who)
          : this.health.applyConfiguration({}, who);
        return { ...event, revision: state.revision };
      }
      const revision = state.revision + 1;
      const stored: FleetState = {
        revision,
        layer,
        ...(who.actor ? { actor: who.actor } : {}),
        at: new Date().toISOString(),
      };
      this.pending = revision;
      let written: boolean;
      try {
        written = await this.write(state.revision, stored);
      } finally {
        this.pending = undefined;
      }
      if (!written) continue;
      const event = reset
        ? this.health.resetConfiguration(who)
        : this.health.applyConfiguration(delta, who);
      // A later revision's message may have been applied first: it already holds this change.
      if (this.applied.revision < revision) {
        this.applied = { revision, layer: this.registeredOnly(layer) };
      }
      return { ...event, revision };
    }
    throw new ConfigFleetUnavailableError(
      `the fleet's configuration changed ${ATTEMPTS} times while this change was made: nothing applied, try again`,
    );
  }

  /** Resolves the first load (subscribed, then the stored state read). */
  private loaded: () => void = () => undefined;

  private async loadAtStartup(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.loaded = () => {
          done = true;
          resolve();
        };
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STARTUP_LOAD_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!done) {
      this.logger.warn(
        `fleet configuration store ${describeTarget(this.options!.redisUrl)} not reachable at startup: ` +
          'running on file, environment and options values until it is',
      );
    }
  }

  /** Reads the stored state and applies it if it is newer than what runs here. */
  private async refresh(): Promise<void> {
    this.adopt(await this.read());
  }

  private receive(message: string): void {
    let state: FleetState;
    try {
      state = parseState(message);
    } catch (error) {
      this.logger.warn(`ignored a fleet configuration message: ${errorText(error)}`);
      return;
    }
    if (state.revision === this.pending) return;
    this.adopt(state);
  }

  /** Applies a newer fleet state here: only what changed since the last one applied. */
  private adopt(state: FleetState): void {
    if (state.revision <= this.applied.revision) return;
    const layer = this.registeredOnly(state.layer);
    try {
      const event = this.health.applyConfiguration(layerPatch(this.applied.layer, layer), {
        ...(state.actor ? { actor: state.actor } : {}),
      });
      this.applied = { revision: state.revision, layer };
      if (event.changes.length > 0) {
        const what = event.changes
          .map((c) => `${c.path} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`)
          .join(', ');
        this.logger.log(
          `configuration v${event.version} from fleet revision ${state.revision}` +
            `${state.actor ? ` by ${state.actor}` : ''}: ${what}`,
        );
      }
    } catch (error) {
      this.health.noteConfigReloadFailure();
      this.logger.warn(
        `fleet configuration revision ${state.revision} not applied, keeping version ` +
          `${this.health.configVersion}: ${errorText(error)}`,
      );
      // Not retried on every message: the next revision is.
      this.applied = { ...this.applied, revision: state.revision };
    }
  }

  /** The layer without checks this instance does not have (another version of the service). */
  private registeredOnly(layer: ConfigLayer): ConfigLayer {
    return {
      defaults: layer.defaults,
      checks: Object.fromEntries(
        Object.entries(layer.checks).filter(([name]) => this.health.has(name)),
      ),
    };
  }

  private async read(): Promise<FleetState> {
    const text = await this.command(() => this.redis!.get(this.key));
    if (text === null) return { revision: 0, layer: EMPTY };
    try {
      return parseState(text);
    } catch (error) {
      throw new ConfigFleetUnavailableError(
        `the fleet's stored configuration (key ${this.key}) is unreadable: ${errorText(error)}`,
      );
    }
  }

  private async write(expected: number, state: FleetState): Promise<boolean> {
    const result = await this.command(() =>
      this.redis!.eval(COMPARE_AND_SET, 1, this.key, String(expected), JSON.stringify(state)),
    );
    return result === 1;
  }

  /** Runs a Redis command with a deadline; any failure is `ConfigFleetUnavailableError`. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    if (!this.redis) {
      throw new ConfigFleetUnavailableError('the fleet configuration store is not started');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer in ${COMMAND_TIMEOUT_MS} ms`)),
        COMMAND_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      this.noteError(error);
      throw new ConfigFleetUnavailableError(
        `the fleet configuration store ${describeTarget(this.options!.redisUrl)} did not take the change (${errorText(error)}): nothing applied`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs once per distinct message; never the URL's credentials. */
  private noteError(error: unknown): void {
    const message = errorText(error);
    if (this.closing || message === this.lastError) return;
    this.lastError = message;
    this.logger.warn(
      `fleet configuration store ${describeTarget(this.options!.redisUrl)}: ${message}`,
    );
  }
}

function parseState(text: string): FleetState {
  const state = JSON.parse(text) as Partial<FleetState> | null;
  if (
    state === null ||
    typeof state !== 'object' ||
    !Number.isSafeInteger(state.revision) ||
    (state.revision as number) < 0
  ) {
    throw new Error('no revision');
  }
  return {
    revision: state.revision as number,
    layer: mergePatch(EMPTY, state.layer ?? {}),
    ...(typeof state.actor === 'string' ? { actor: state.actor } : {}),
  };
}

/** Host, port and database of a Redis URL: never its user name or password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Throws a `HealthConfigurationError` naming the bad `configFleet` option. */
export function validateFleetOptions(fleet: ConfigFleetOptions): void {
  if (fleet === null || typeof fleet !== 'object') {
    throw new HealthConfigurationError('configFleet', fleet, 'an object with redisUrl');
  }
  const url = fleet.redisUrl;
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new HealthConfigurationError(
      'configFleet.redisUrl',
      typeof url === 'string' ? describeTarget(url) : url,
      'a redis:// or rediss:// URL',
    );
  }
  if (fleet.key !== undefined && (typeof fleet.key !== 'string' || fleet.key.trim() === '')) {
    throw new HealthConfigurationError('configFleet.key', fleet.key, 'a non-empty Redis key');
  }
}
