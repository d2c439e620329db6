import { Injectable, Logger } from '@nestjs/common';
import type { CheckRegistry } from '../core/check-registry';
import { readinessCovers } from '../core/check-registry';
import type { ResolvedCheck } from '../core/check-runner';
import type { HealthConfiguration, SettingsOverlay } from '../core/check-settings';
import { configurationDiff, same } from '../core/check-settings';
import type { Unregister } from '../core/health-check';
import { HealthService } from '../core/health.service';
import { errorText } from '../shared/error-text';
import { Described, HealthConfigurationError } from '../shared/errors';
import { READINESS_TAG } from '../shared/names';
import type { ConfigChangeEvent, ConfigLayer } from './config-patch';
import { EMPTY_LAYER, mergePatch, parsePatch, sanitizeActor } from './config-patch';

/** Who asks for a configuration change, and whether errors may quote the values refused. */
export interface ConfigChangeOrigin {
  /** Named in the change event and the audit line (sanitised, at most 120 characters). */
  actor?: string;
  /** False for values from a file or a fleet message: errors then name kinds, never content. */
  quote?: boolean;
}

/** A configuration file loaded: the change, and the checks it names that are not registered. */
export type FileLoadEvent = ConfigChangeEvent & { unregistered: string[] };

/**
 * The runtime configuration: two layers of values over the operator's settings (runtime changes,
 * then the configuration file), validated like startup settings and applied all or nothing, a
 * version bumped by every applied change, and change events. Inject it to change checks' settings
 * from code; the admin endpoint, the file watcher and the fleet go through it too.
 */
@Injectable()
export class HealthConfigService {
  private readonly registry: CheckRegistry;
  /** Values set at runtime (admin endpoint, code, fleet): the first layer of every setting. */
  private layer: ConfigLayer = EMPTY_LAYER;
  /** Values from the configuration file: under the runtime layer. */
  private fileLayer: ConfigLayer = EMPTY_LAYER;
  private configurationVersion = 1;
  private reloadFailures = 0;
  private readonly listeners = new Set<(event: ConfigChangeEvent) => void>();
  private readonly logger = new Logger('HealthConfig');

  constructor(private readonly health: HealthService) {
    this.registry = health.registry;
  }

  /** The configuration version: 1 at startup, bumped by every applied change. */
  get version(): number {
    return this.configurationVersion;
  }

  /** Configuration reloads (a file, a fleet revision) refused since startup. */
  get failures(): number {
    return this.reloadFailures;
  }

  /** Counts a reload that was refused (the file watcher and the fleet call it). */
  noteFailure(): void {
    this.reloadFailures++;
  }

  /** The effective configuration of the engine and of every registered check, with sources. */
  configuration(): HealthConfiguration {
    return { version: this.configurationVersion, ...this.registry.configuration() };
  }

  /**
   * Applies a JSON merge patch to the runtime layer, validated like startup settings and all or
   * nothing: a bad value throws a `HealthConfigurationError` naming its field and changes nothing.
   * Effective from the next evaluation (cached results of a changed check are dropped); announced
   * to `onConfigChange` listeners. A patch that changes nothing bumps nothing.
   */
  applyConfiguration(patch: unknown, who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    const parsed = parsePatch(patch, { quote: who.quote ?? true });
    return this.commit('runtime', mergePatch(this.layer, parsed), who);
  }

  /** What `applyConfiguration(patch)` would change, validated the same way, changing nothing. */
  previewConfiguration(patch: unknown, who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    const parsed = parsePatch(patch, { quote: who.quote ?? true });
    return this.commit('runtime', mergePatch(this.layer, parsed), {}, true);
  }

  /**
   * Replaces the file layer with this content (the whole file, not a patch): same shape, same
   * validation (never quoting the file's values), all or nothing. A check it names that is not
   * registered is not applied; it is listed in `unregistered`, and applies if such a check is
   * registered later. Runtime values still win over the file's.
   */
  loadConfigurationFile(content: unknown, who: ConfigChangeOrigin = {}): FileLoadEvent {
    const next = mergePatch(EMPTY_LAYER, parsePatch(content, { quote: false }));
    const event = this.commit('file', next, { ...who, quote: false });
    return { ...event, unregistered: [...next.checks.keys()].filter((n) => !this.health.has(n)) };
  }

  /** Drops every runtime value: the file, environment, options and defaults show again. */
  resetConfiguration(who: ConfigChangeOrigin = {}): ConfigChangeEvent {
    return this.commit('runtime', EMPTY_LAYER, who);
  }

  /** Subscribes to applied configuration changes; returns the way to unsubscribe. */
  onConfigChange(listener: (event: ConfigChangeEvent) => void): Unregister {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private commit(
    source: 'runtime' | 'file',
    next: ConfigLayer,
    who: ConfigChangeOrigin,
    dryRun = false,
  ): ConfigChangeEvent {
    if (source === 'runtime') this.requireRegistered(next);
    const runtime = source === 'runtime' ? next : this.layer;
    const file = source === 'file' ? next : this.fileLayer;
    const overlay = overlayOf(runtime, file);
    const resolved = this.registry.resolveAll(overlay);
    requireReadiness(this.registry, resolved);
    const changes = configurationDiff(
      this.registry.configuration(),
      this.registry.configuration(overlay),
    );
    if (dryRun) {
      return { version: this.configurationVersion + (changes.length > 0 ? 1 : 0), changes, source };
    }
    // Kept even when nothing effective changed: values of checks registered later, or hidden
    // under runtime ones, apply when they show.
    this.layer = runtime;
    this.fileLayer = file;
    const changed = new Set(changes.map((c) => c.path.split('.')[1]));
    this.registry.adopt(overlay, resolved, changed);
    if (changes.length === 0) return { version: this.configurationVersion, changes, source };
    this.configurationVersion++;
    const actor = sanitizeActor(who.actor);
    const event: ConfigChangeEvent = {
      version: this.configurationVersion,
      changes,
      source,
      ...(actor ? { actor } : {}),
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's failure is its own: the change is applied.
        this.logger.error(`A configuration listener failed: ${errorText(error)}`);
      }
    }
    return event;
  }

  /**
   * At runtime, what a patch sets must name a registered check (an old value of a check since
   * unregistered does not block every later change).
   */
  private requireRegistered(next: ConfigLayer): void {
    for (const [name, values] of next.checks) {
      if (this.health.has(name) || same(values, this.layer.checks.get(name))) continue;
      throw new HealthConfigurationError(`checks.${name}`, name, 'the name of a registered check');
    }
  }
}

/** The runtime layer over the file's, as the engine reads settings. */
function overlayOf(runtime: ConfigLayer, file: ConfigLayer): SettingsOverlay {
  return {
    checkValue: (name, key) => {
      const set = runtime.checks.get(name)?.[key];
      if (set !== undefined) return { value: set, source: 'runtime' };
      const read = file.checks.get(name)?.[key];
      return read === undefined ? undefined : { value: read, source: 'file' };
    },
    defaultValue: (key) => {
      const set = runtime.defaults[key];
      if (set !== undefined) return { value: set, source: 'runtime' };
      const read = file.defaults[key];
      return read === undefined ? undefined : { value: read, source: 'file' };
    },
    thresholds: (name) => [
      ['file', file.checks.get(name)?.thresholds ?? {}],
      ['runtime', runtime.checks.get(name)?.thresholds ?? {}],
    ],
  };
}

/** Refuses a change that would leave readiness covering no check when it covered some. */
function requireReadiness(
  registry: CheckRegistry,
  resolved: ReadonlyMap<string, ResolvedCheck>,
): void {
  const before = readinessCovers([...registry.entries.values()].map((entry) => entry.check));
  if (before.length === 0 || readinessCovers(resolved.values()).length > 0) return;
  const some = `${before.slice(0, 10).join(', ')}${before.length > 10 ? ', …' : ''}`;
  throw new HealthConfigurationError(
    'checks',
    new Described('this change leaves readiness no check'),
    `at least one of ${some} to stay enabled, active, and critical or tagged "${READINESS_TAG}"`,
  );
}
