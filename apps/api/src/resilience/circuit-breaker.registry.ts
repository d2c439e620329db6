import { Injectable } from '@nestjs/common';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { CircuitState } from 'cockatiel';

export interface BreakerSnapshot {
  open: string[];
  halfOpen: string[];
  total: number;
}

/** The app's named cockatiel circuit breakers, so `resilience` can report on them. */
@Injectable()
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  register(name: string, breaker: CircuitBreakerPolicy): CircuitBreakerPolicy {
    if (this.breakers.has(name)) throw new Error(`Circuit breaker "${name}" is already registered`);
    this.breakers.set(name, breaker);
    return breaker;
  }

  get(name: string): CircuitBreakerPolicy | undefined {
    return this.breakers.get(name);
  }

  snapshot(): BreakerSnapshot {
    const open: string[] = [];
    const halfOpen: string[] = [];
    for (const [name, breaker] of this.breakers) {
      if (breaker.state === CircuitState.Open || breaker.state === CircuitState.Isolated)
        open.push(name);
      if (breaker.state === CircuitState.HalfOpen) halfOpen.push(name);
    }
    return { open, halfOpen, total: this.breakers.size };
  }
}
