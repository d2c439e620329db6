import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CircuitBreakerPolicy, IDefaultPolicyContext } from 'cockatiel';
import { BrokenCircuitError, circuitBreaker, handleAll } from 'cockatiel';
import { COMPONENT_NAME_PATTERN } from '../../shared/names';
import { BreakerTracker } from './breaker-tracker';
import {
  CircuitBreakerConfigurationError,
  DuplicateCircuitBreakerError,
  UnknownCircuitBreakerError,
} from './circuit-breaker.errors';
import type {
  CircuitBreakerClock,
  CircuitBreakerSnapshot,
  CreateCircuitBreakerOptions,
  RegisterCircuitBreakerOptions,
} from './circuit-breaker.types';

/** Optional DI token for the registry's clock (epoch ms); tests give their own. */
export const CIRCUIT_BREAKER_CLOCK = Symbol('CIRCUIT_BREAKER_CLOCK');

/** Lowercase letters, digits, `_` and `-`, 1 to 64 characters. */
export const CIRCUIT_BREAKER_NAME_PATTERN = COMPONENT_NAME_PATTERN;

/**
 * The app's circuit breakers by name, so health can report on them. Counts each policy's
 * events; cockatiel emits nothing when it refuses a call, so rejections are counted only for
 * calls made through `execute`.
 */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly trackers = new Map<string, BreakerTracker>();
  private readonly clock: CircuitBreakerClock;

  constructor(@Optional() @Inject(CIRCUIT_BREAKER_CLOCK) clock?: CircuitBreakerClock) {
    this.clock = clock ?? (() => Date.now());
  }

  /** Starts tracking `policy` under `name` and returns it. */
  register(
    name: string,
    policy: CircuitBreakerPolicy,
    { halfOpenAfterMs }: RegisterCircuitBreakerOptions,
  ): CircuitBreakerPolicy {
    validateName(name);
    validateHalfOpenAfter(name, halfOpenAfterMs);
    if (this.trackers.has(name)) throw new DuplicateCircuitBreakerError(name);
    this.trackers.set(name, new BreakerTracker(policy, halfOpenAfterMs, this.clock));
    return policy;
  }

  /** Builds `circuitBreaker(handle, { halfOpenAfter, breaker })` and registers it. */
  create(
    name: string,
    { halfOpenAfterMs, breaker, handle = handleAll }: CreateCircuitBreakerOptions,
  ): CircuitBreakerPolicy {
    const policy = circuitBreaker(handle, { halfOpenAfter: halfOpenAfterMs, breaker });
    return this.register(name, policy, { halfOpenAfterMs });
  }

  get(name: string): CircuitBreakerPolicy | undefined {
    return this.trackers.get(name)?.policy;
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.trackers.keys()];
  }

  /** Stops tracking `name` and removes the listeners it added; returns whether it was there. */
  unregister(name: string): boolean {
    const tracker = this.trackers.get(name);
    tracker?.dispose();
    return this.trackers.delete(name);
  }

  /** Every breaker's state and counters, in registration order. */
  snapshot(): CircuitBreakerSnapshot[] {
    return [...this.trackers].map(([name, tracker]) => tracker.snapshot(name));
  }

  /** Runs `fn` through the named breaker, counting a refused call as a rejection. */
  async execute<T>(
    name: string,
    fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T> {
    const tracker = this.trackers.get(name);
    if (!tracker) throw new UnknownCircuitBreakerError(name);
    let ran = false;
    try {
      return await tracker.policy.execute((context) => {
        ran = true;
        return fn(context);
      }, signal);
    } catch (error) {
      // fn itself may throw a BrokenCircuitError from a breaker further down: not a rejection here.
      if (!ran && error instanceof BrokenCircuitError) tracker.countRejection();
      throw error;
    }
  }
}

function validateName(name: unknown): void {
  if (typeof name !== 'string' || !CIRCUIT_BREAKER_NAME_PATTERN.test(name)) {
    throw new CircuitBreakerConfigurationError(
      'circuit breaker name',
      name,
      '1 to 64 of a-z, 0-9, _ and -',
    );
  }
}

function validateHalfOpenAfter(name: string, ms: unknown): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new CircuitBreakerConfigurationError(
      `halfOpenAfterMs of circuit breaker "${name}"`,
      ms,
      'a number of milliseconds >= 0',
    );
  }
}
