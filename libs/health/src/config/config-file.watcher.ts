import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { readConfigurationFileAsync } from './config-file.reader';
import { errorText } from '../shared/error-text';
import { HealthConfigurationError } from '../shared/errors';
import { describeChanges } from './config-patch';
import type { ResolvedConfigSettings } from './config.options';
import { CONFIG_SETTINGS } from './config.options';
import { HealthConfigService } from './health-config.service';

/**
 * The configuration file (`configFile`, env `HEALTH_CONFIG_FILE`): JSON (YAML for `.yaml`/`.yml`, with
 * the optional peer `yaml`) of the same shape as the
 * admin endpoint's patch (`{ defaults, checks }`), read at startup (a bad file stops it, naming
 * the file) and again whenever it changes (polled, so a Kubernetes ConfigMap's symlink swap is
 * seen too). Only a regular file (symlinks followed) within the size cap is read, without
 * blocking the event loop. A bad or refused file later keeps the last good configuration, is
 * logged, and counted.
 */
@Injectable()
export class ConfigFileWatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('HealthConfigFile');
  private readonly path?: string;
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  /** What the file looked like when last read (modification time, size, inode). */
  private seen = '';
  private polling = false;
  private stopped = false;
  /** Reloads that failed since startup (a bad file, an unreadable one). */
  get failures(): number {
    return this.config.failures;
  }

  constructor(
    private readonly config: HealthConfigService,
    @Inject(CONFIG_SETTINGS) settings: ResolvedConfigSettings,
  ) {
    this.path = settings.configFile;
    this.intervalMs = settings.configFileIntervalMs;
  }

  async onModuleInit(): Promise<void> {
    if (!this.path) return;
    try {
      await this.load();
    } catch (error) {
      throw new HealthConfigurationError(
        'configFile',
        this.path,
        `a readable JSON or YAML configuration file (${errorText(error)})`,
      );
    }
    // Polled: a ConfigMap update swaps a symlink, which file events can miss.
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Reads and applies the file now; throws when it cannot be read or applied. */
  async load(): Promise<void> {
    this.seen = await this.look();
    const content = await readConfigurationFileAsync(this.path!);
    if (this.stopped) return;
    const event = this.config.loadConfigurationFile(content, { actor: `file:${this.path}` });
    if (event.changes.length > 0) {
      this.logger.log(
        `configuration v${event.version} from ${this.path}: ${describeChanges(event.changes, false)}`,
      );
    }
    if (event.unregistered.length > 0) {
      this.logger.warn(
        `configuration file ${this.path} sets checks that are not registered, not applied unless one is: ${event.unregistered.slice(0, 20).join(', ')}`,
      );
    }
  }

  private async look(): Promise<string> {
    try {
      const { mtimeMs, size, ino } = await stat(this.path!);
      return `${mtimeMs}:${size}:${ino}`;
    } catch {
      return 'missing';
    }
  }

  /** One poll at a time: a tick that fires while a slow read still runs is skipped. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      if ((await this.look()) !== this.seen) await this.load();
    } catch (error) {
      this.config.noteFailure();
      const version = this.config.version;
      this.logger.warn(
        `configuration file ${this.path} not applied, keeping version ${version}: ${errorText(error)}`,
      );
    } finally {
      this.polling = false;
    }
  }
}
