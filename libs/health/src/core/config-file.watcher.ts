import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { readFileSync, statSync } from 'node:fs';
import { MODULE_OPTIONS_TOKEN } from '../health.module-definition';
import type { HealthModuleOptions } from '../health.options';
import { milliseconds } from '../health.options';
import { loadPeer, PACKAGE_NAME } from '../shared/require-peer';
import { errorText } from './error-text';
import { HealthConfigurationError } from './errors';
import { validateConfigurationContent } from './health-configuration';
import { HealthService } from './health.service';

/** How often the file's modification time is looked at, in ms, by default. */
export const CONFIG_FILE_INTERVAL_MS = 1000;

/**
 * The configuration file (`configFile`, env `HEALTH_CONFIG_FILE`): JSON (YAML for `.yaml`/`.yml`, with
 * the optional peer `yaml`) of the same shape as the
 * admin endpoint's patch (`{ defaults, checks }`), read at startup (a bad file stops it, naming
 * the file) and again whenever it changes (polled, so a Kubernetes ConfigMap's symlink swap is
 * seen too). A bad file later keeps the last good configuration, is logged, and counted.
 */
@Injectable()
export class ConfigFileWatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthConfigFile');
  private readonly path?: string;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  /** What the file looked like when last read (modification time, size, inode). */
  private seen = '';
  /** Reloads that failed since startup (a bad file, an unreadable one). */
  get failures(): number {
    return this.health.configReloadFailures;
  }

  constructor(
    private readonly health: HealthService,
    @Inject(MODULE_OPTIONS_TOKEN) options: HealthModuleOptions,
  ) {
    const path = options?.configFile;
    if (path !== undefined && (typeof path !== 'string' || path.trim() === '')) {
      throw new HealthConfigurationError('configFile', path, 'a file path');
    }
    this.path = path?.trim();
    this.intervalMs = milliseconds(
      'configFileIntervalMs',
      options?.configFileIntervalMs ?? CONFIG_FILE_INTERVAL_MS,
      1,
    );
  }

  onModuleInit(): void {
    if (!this.path) return;
    try {
      this.load();
    } catch (error) {
      throw new HealthConfigurationError(
        'configFile',
        this.path,
        `a readable JSON or YAML configuration file (${errorText(error)})`,
      );
    }
    // Polled: a ConfigMap update swaps a symlink, which file events can miss.
    this.timer = setInterval(this.poll, this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Reads and applies the file now; throws when it cannot be read or applied. */
  load(): void {
    this.seen = this.look();
    const content = readConfigurationFile(this.path!);
    const event = this.health.loadConfigurationFile(content, { actor: `file:${this.path}` });
    if (event.changes.length > 0) {
      const what = event.changes.map((c) => `${c.path} -> ${JSON.stringify(c.to)}`).join(', ');
      this.logger.log(`configuration v${event.version} from ${this.path}: ${what}`);
    }
  }

  private look(): string {
    try {
      const { mtimeMs, size, ino } = statSync(this.path!);
      return `${mtimeMs}:${size}:${ino}`;
    } catch {
      return 'missing';
    }
  }

  private readonly poll = (): void => {
    if (this.look() === this.seen) return;
    try {
      this.load();
    } catch (error) {
      this.health.noteConfigReloadFailure();
      const version = this.health.configuration().version;
      this.logger.warn(
        `configuration file ${this.path} not applied, keeping version ${version}: ${errorText(error)}`,
      );
    }
  };
}

/**
 * A configuration file's content, read, parsed and validated (values checked as startup settings
 * are); throws an error saying what is wrong. For apps that validate before Nest starts.
 */
export function readConfigurationFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  const content = isYaml(path) ? parseYaml(text) : parseJson(text);
  validateConfigurationContent(content);
  return content;
}

/** `.yaml` and `.yml` files are YAML (with the optional peer `yaml`); any other is JSON. */
function isYaml(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${errorText(error)}`);
  }
}

function parseYaml(text: string): unknown {
  const yaml = loadPeer<typeof import('yaml')>('yaml', `${PACKAGE_NAME} YAML configFile`);
  // One document, plain data: no custom tags, no aliases that expand without bound.
  const document = yaml.parseDocument(text, { schema: 'core', uniqueKeys: true });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw new Error(`not YAML: ${problem.message.split('\n')[0]}`);
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}
