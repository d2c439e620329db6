import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import type { FleetState, StoredRead } from './config-fleet.store';
import {
  compareAndSet,
  digestOf,
  MAX_FLEET_REVISION,
  MAX_FLEET_STATE_BYTES,
  readStored,
  stateText,
} from './config-fleet.store';
import { errorText } from '../shared/error-text';
import { HealthConfigurationError } from '../shared/errors';
import type { ConfigChangeEvent, ConfigLayer } from './config-patch';
import {
  describeChanges,
  EMPTY_LAYER,
  layerPatch,
  mergePatch,
  parsePatch,
  sameLayer,
} from './config-patch';
import { HealthService } from '../core/health.service';
import type { ConfigFleetOptions } from './config-fleet.options';
import { describeTarget } from './config-fleet.options';
import type { ResolvedConfigSettings } from './config.options';
import { CONFIG_SETTINGS } from './config.options';
import { HealthConfigService } from './health-config.service';

/** The default key (and channel) of the fleet's configuration. */
export const CONFIG_FLEET_KEY = 'health:config';

/** A Redis command that does not answer in this time (a stopped server) fails the change. */
const COMMAND_TIMEOUT_MS = 1000;

/** How long startup waits to load the fleet's configuration before going on without it. */
const STARTUP_LOAD_MS = 2000;

/** The stored key is read this often too, whatever the messages say (one may have been lost). */
const RECONCILE_MS = 15_000;

/** How many times a change is retried when another instance changed the configuration first. */
const ATTEMPTS = 5;

/** Thrown when the fleet's store cannot take a change; the message says whether it may still apply. */
export class ConfigFleetUnavailableError extends Error {
  override readonly name = 'ConfigFleetUnavailableError';
}

/** A change applied through the fleet: this instance's event and the fleet's revision. */
export type FleetChangeEvent = ConfigChangeEvent & { revision: number };

/** How this instance stands with the fleet's stored configuration (`GET <base>/config`). */
export interface FleetStatus {
  /** The revision applied here (0: none yet). */
  revision: number;
  /** Whether the store answers now. */
  connected: boolean;
  /** The revision stored in Redis, when it could be read (null: unreadable or unknown). */
  storedRevision: number | null;
  /** Whether this instance runs what is stored (false: see `problem`). */
  inSync: boolean;
  /** Why this instance differs from the store, or why the store cannot be read. */
  problem?: string;
}

/** How a command ended: `failed` was refused or never sent; `unknown` sent, no answer in time. */
type Outcome<T> =
  { ok: true; value: T } | { ok: false; kind: 'failed' | 'unknown'; reason: string };

/**
 * The runtime configuration of a fleet (`configFleet`, env `HEALTH_CONFIG_REDIS_URL`): an admin
 * change is stored in Redis with a revision (written only over the value it was based on) and
 * published. The stored key is the truth: a message only says "read it again", so no message can
 * set a configuration or a revision; the key is also read when the connection comes back and
 * every 15 s. A stored state this instance cannot apply is not applied and does not count as
 * applied. Off without options: the admin endpoint then changes this instance only.
 */
@Injectable()
export class ConfigFleet implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthConfigFleet');
  private readonly options?: ConfigFleetOptions;
  private readonly key: string;
  private redis?: Redis;
  private subscriber?: Redis;
  /** The fleet's layer as this instance applied it (checks it does not have left out). */
  private applied: { revision: number; layer: ConfigLayer; digest: string } = {
    revision: 0,
    layer: EMPTY_LAYER,
    digest: '',
  };
  /** The latest read of the store, and why it is not what runs here, if it is not. */
  private lastRead?: StoredRead;
  private problem?: string;
  /** One read-and-apply or change at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private syncQueued = false;
  private timer?: NodeJS.Timeout;
  private lastError?: string;
  private closing = false;

  constructor(
    private readonly health: HealthService,
    private readonly config: HealthConfigService,
    @Inject(CONFIG_SETTINGS) settings: ResolvedConfigSettings,
  ) {
    this.options = settings.configFleet;
    this.key = this.options?.key ?? CONFIG_FLEET_KEY;
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
    const loaded = new Promise<void>((resolve) => {
      // Subscribed (again) once both connections are up, then the stored state is read: a change
      // published while this instance was away is not missed.
      const resubscribe = (): void => {
        if (this.redis?.status !== 'ready' || this.subscriber?.status !== 'ready') return;
        this.subscriber.subscribe(this.key).then(
          () => this.sync().then(resolve),
          (error: unknown) => this.noteError(error),
        );
      };
      this.subscriber!.on('ready', resubscribe);
      this.redis!.on('ready', () => {
        this.lastError = undefined;
        resubscribe();
      });
    });
    // What a message holds is never applied: it only says the key changed.
    this.subscriber.on('message', () => void this.sync());
    this.timer = setInterval(() => void this.sync(), RECONCILE_MS);
    this.timer.unref();
    await this.loadAtStartup(loaded);
  }

  onModuleDestroy(): void {
    this.closing = true;
    clearInterval(this.timer);
    this.redis?.disconnect();
    this.subscriber?.disconnect();
  }

  /**
   * Applies a JSON merge patch to the fleet: validated here first (a bad value throws a
   * `HealthConfigurationError` and nothing is stored), then stored with the next revision and
   * published, then applied here. Throws `ConfigFleetUnavailableError` when Redis does not take
   * it; its message says whether nothing was applied or the outcome is not known.
   */
  async change(patch: unknown, who: { actor?: string } = {}): Promise<FleetChangeEvent> {
    // A bad patch is refused as such, whether or not Redis answers.
    this.config.previewConfiguration(patch);
    const parsed = parsePatch(patch, { quote: true });
    return this.exclusive(() => this.commit(who, (layer) => mergePatch(layer, parsed)));
  }

  /** Drops every runtime value, on every instance; also replaces a stored value that is junk. */
  reset(who: { actor?: string } = {}): Promise<FleetChangeEvent> {
    return this.exclusive(() => this.commit(who, () => EMPTY_LAYER, true));
  }

  /** Reads the store now, applies what it holds if this instance can, and says where it stands. */
  async status(): Promise<FleetStatus> {
    await this.sync();
    const read = this.lastRead;
    const storedRevision = read?.revision ?? null;
    const inSync = read !== undefined && read.digest === this.applied.digest && !this.problem;
    return {
      revision: this.applied.revision,
      connected: this.connected,
      storedRevision,
      inSync,
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  private async commit(
    who: { actor?: string },
    next: (layer: ConfigLayer) => ConfigLayer,
    reset = false,
  ): Promise<FleetChangeEvent> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = await this.read('did not take the change');
      if (read.state) this.adopt(read);
      else if (!reset) {
        throw new ConfigFleetUnavailableError(
          `the fleet's stored configuration (key ${this.key}) is unreadable (${read.problem}): nothing applied; DELETE the configuration to reset it`,
        );
      }
      const base = read.state ?? { revision: this.applied.revision, layer: EMPTY_LAYER };
      const layer = next(base.layer);
      // What this change changes, validated against this instance's checks.
      const delta = layerPatch(base.layer, layer);
      this.config.previewConfiguration(delta);
      if (read.state && sameLayer(layer, base.layer)) {
        // Nothing to store; a reset still drops what code set on this instance.
        const event = reset
          ? this.config.resetConfiguration(who)
          : this.config.applyConfiguration({}, who);
        return { ...event, revision: base.revision };
      }
      const state: FleetState = {
        revision: Math.min(base.revision + 1, MAX_FLEET_REVISION),
        layer,
        ...(who.actor ? { actor: who.actor } : {}),
        at: new Date().toISOString(),
      };
      const text = stateText(state);
      if (Buffer.byteLength(text) > MAX_FLEET_STATE_BYTES) {
        throw new HealthConfigurationError(
          'checks',
          `${Buffer.byteLength(text)} bytes`,
          `a fleet configuration of at most ${MAX_FLEET_STATE_BYTES} bytes`,
        );
      }
      if (!(await this.write(read.digest, text, state.revision))) continue;
      const event = reset
        ? this.config.resetConfiguration(who)
        : this.config.applyConfiguration(delta, who);
      this.applied = {
        revision: state.revision,
        layer: this.registeredOnly(layer),
        digest: digestOf(text),
      };
      this.problem = undefined;
      this.lastRead = { digest: digestOf(text), state, revision: state.revision };
      return { ...event, revision: state.revision };
    }
    throw new ConfigFleetUnavailableError(
      `the fleet's configuration changed ${ATTEMPTS} times while this change was made: nothing applied, try again`,
    );
  }

  /**
   * Writes over `digest`; false when another change came first. A write that got no answer in
   * time is checked by reading the key again: the change is either there, or its outcome is not
   * known (a paused or failing-over Redis may still apply it), and the error says so.
   */
  private async write(digest: string, text: string, revision: number): Promise<boolean> {
    const written = await this.command(() => compareAndSet(this.redis!, this.key, digest, text));
    if (written.ok) return written.value;
    if (written.kind === 'failed') {
      throw this.unavailable(`did not take the change (${written.reason}): nothing applied`);
    }
    const check = await this.command(() => readStored(this.redis!, this.key));
    if (check.ok && check.value.digest === digestOf(text)) return true;
    throw this.unavailable(
      `did not confirm the change within ${COMMAND_TIMEOUT_MS} ms (${written.reason}): ` +
        `it may still be applied on every instance; GET the configuration and look at ` +
        `fleet.storedRevision (${revision} if it was) before trying again`,
    );
  }

  private async loadAtStartup(loaded: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      loaded.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), STARTUP_LOAD_MS);
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

  /** Reads the store and applies it; calls while one runs are folded into one more read. */
  private sync(): Promise<void> {
    if (this.syncQueued || !this.redis) return this.queue.then(() => undefined);
    this.syncQueued = true;
    return this.exclusive(async () => {
      this.syncQueued = false;
      const read = await this.command(() => readStored(this.redis!, this.key));
      if (!read.ok) return;
      this.lastRead = read.value;
      if (read.value.state) this.adopt(read.value);
      else this.refuse(read.value.problem!, 'the stored configuration is unreadable');
    });
  }

  /** Runs `task` after every earlier one has finished (a failure does not stop the queue). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Applies a stored state here when it differs from what runs here: only what changed. */
  private adopt(read: StoredRead): void {
    const state = read.state!;
    if (read.digest === this.applied.digest) return;
    const layer = this.registeredOnly(state.layer, state.revision);
    try {
      const event = this.config.applyConfiguration(layerPatch(this.applied.layer, layer), {
        ...(state.actor ? { actor: state.actor } : {}),
        quote: false,
      });
      this.applied = { revision: state.revision, layer, digest: read.digest };
      this.problem = undefined;
      if (event.changes.length > 0) {
        this.logger.log(
          `configuration v${event.version} from fleet revision ${state.revision}` +
            `${event.actor ? ` by ${event.actor}` : ''}: ${describeChanges(event.changes)}`,
        );
      }
    } catch (error) {
      // Not applied, and not counted as applied: the next change or a fixed key is.
      this.refuse(errorText(error), `revision ${state.revision} not applied here`);
    }
  }

  /** Notes (and logs once) why the stored state does not run here. */
  private refuse(reason: string, what: string): void {
    const problem = `${what}: ${reason}`;
    if (problem === this.problem) return;
    this.problem = problem;
    this.config.noteFailure();
    this.logger.warn(
      `fleet configuration (key ${this.key}) ${problem}; keeping version ${this.config.version}`,
    );
  }

  /** The layer without checks this instance does not have (another version of the service). */
  private registeredOnly(layer: ConfigLayer, revision?: number): ConfigLayer {
    const missing = [...layer.checks.keys()].filter((name) => !this.health.has(name));
    if (missing.length === 0) return layer;
    if (revision !== undefined) {
      this.logger.warn(
        `fleet revision ${revision} sets checks this instance does not have, left out here: ${missing.slice(0, 20).join(', ')}`,
      );
    }
    return {
      defaults: layer.defaults,
      checks: new Map([...layer.checks].filter(([name]) => this.health.has(name))),
    };
  }

  private async read(what: string): Promise<StoredRead> {
    const read = await this.command(() => readStored(this.redis!, this.key));
    // Nothing was written yet, whatever the read's fault.
    if (!read.ok) throw this.unavailable(`${what} (${read.reason}): nothing applied`);
    this.lastRead = read.value;
    return read.value;
  }

  /** Runs a Redis command with a deadline, telling a refusal from a missing answer. */
  private async command<T>(run: () => Promise<T>): Promise<Outcome<T>> {
    if (!this.redis) return { ok: false, kind: 'failed', reason: 'the store is not started' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({ ok: false, kind: 'unknown', reason: `no answer in ${COMMAND_TIMEOUT_MS} ms` }),
        COMMAND_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([
        run().then((value): Outcome<T> => ({ ok: true, value })),
        timeout,
      ]);
    } catch (error) {
      this.noteError(error);
      return { ok: false, kind: 'failed', reason: errorText(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private unavailable(what: string): ConfigFleetUnavailableError {
    const target = this.options ? ` ${describeTarget(this.options.redisUrl)}` : '';
    return new ConfigFleetUnavailableError(`the fleet configuration store${target} ${what}`);
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
