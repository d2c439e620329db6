import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { HealthIndicator } from '../../core/health-check';
import type { HealthMetadata, IndicatorResult } from '../../core/health-status';
import { HealthStatus } from '../../core/health-status';
import { errorText } from '../../shared/error-text';
import { elapsedMs, shownMs } from '../../shared/indicator-options';
import type { HttpIndicatorOptions, ResolvedHttpOptions } from './http.options';
import { resolveHttpOptions, statusMatches } from './http.options';
import type { HttpHop } from './http.request';
import { requestOnce } from './http.request';
import { shownUrl } from './http.url';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * An HTTP endpoint is HEALTHY when a GET (or HEAD) of its URL answers an expected status, after
 * at most `maxRedirects` redirects, with a body that passes `expectBody` when set. A connection
 * that fails is rethrown with a short message, so the engine reports UNHEALTHY and may retry;
 * an unexpected answer (status, body, redirect loop) is UNHEALTHY at once. Built on `node:http`
 * and `node:https`: a connection per request, destroyed when the engine aborts the check.
 */
@Injectable()
export class HttpIndicator implements HealthIndicator {
  readonly name: string;
  /** The request is destroyed when the engine aborts the check (timeout, shutdown). */
  readonly abortable = true;
  readonly baseMetadata: HealthMetadata;
  private readonly options: ResolvedHttpOptions;
  private readonly asked: string;

  constructor(options: HttpIndicatorOptions) {
    this.options = resolveHttpOptions(options);
    this.name = this.options.name;
    this.asked = `${this.options.method} ${shownUrl(this.options.url)}`;
    this.baseMetadata = {
      url: shownUrl(this.options.url),
      method: this.options.method,
      ...(this.options.tls.rejectUnauthorized ? {} : { tls_verify: false }),
    };
  }

  async check(signal: AbortSignal): Promise<IndicatorResult> {
    const started = performance.now();
    const inner = new AbortController();
    const stop = () => inner.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const backstop = setTimeout(() => {
      inner.abort(new Error(`${this.asked}: no answer within ${this.options.requestTimeoutMs} ms`));
    }, this.options.requestTimeoutMs);
    backstop.unref();
    if (signal.aborted) stop();
    try {
      return await this.follow(inner.signal, started);
    } finally {
      clearTimeout(backstop);
      signal.removeEventListener('abort', stop);
    }
  }

  private async follow(signal: AbortSignal, started: number): Promise<IndicatorResult> {
    const o = this.options;
    const visited = new Set<string>([o.url.href]);
    const follows = (status: number, location: string | undefined) =>
      o.maxRedirects > 0 && REDIRECTS.has(status) && location !== undefined;
    let url = o.url;
    for (let redirects = 0; ; redirects++) {
      const sameOrigin = url.origin === o.url.origin;
      const hop = await requestOnce(url, {
        method: o.method,
        headers: sameOrigin ? o.headers : {},
        tls: o.tls,
        readBody: o.expectBody === undefined ? 0 : o.maxBodyBytes,
        follows,
        signal,
      });
      if (!follows(hop.status, hop.location)) {
        return this.verdict(hop, url, redirects, elapsedMs(started));
      }
      const next = nextUrl(hop.location!, url);
      const failed = (message: string): IndicatorResult => ({
        status: HealthStatus.UNHEALTHY,
        message,
        metadata: { status_code: hop.status, redirects, final_url: shownUrl(url) },
      });
      if (!next) {
        return failed(
          `${this.asked}: ${shownUrl(url)} redirects to a Location that is not an http(s) URL`,
        );
      }
      if (visited.has(next.href)) {
        return failed(
          `${this.asked}: redirect loop, ${shownUrl(url)} leads back to ${shownUrl(next)}`,
        );
      }
      if (redirects === o.maxRedirects) {
        return failed(`${this.asked}: more than ${o.maxRedirects} redirects`);
      }
      visited.add(next.href);
      url = next;
    }
  }

  private async verdict(
    hop: HttpHop,
    url: URL,
    redirects: number,
    latencyMs: number,
  ): Promise<IndicatorResult> {
    const o = this.options;
    const metadata: HealthMetadata = {
      status_code: hop.status,
      latency_ms: latencyMs,
      redirects,
      ...(redirects > 0 ? { final_url: shownUrl(url) } : {}),
      ...(hop.body ? { body_bytes_read: hop.body.length } : {}),
    };
    const answered = `${this.asked} answered ${hop.status}`;
    const unhealthy = (message: string) => ({ status: HealthStatus.UNHEALTHY, message, metadata });
    if (!statusMatches(hop.status, o.expected)) {
      return unhealthy(`${answered}, expected ${o.expected.join(', ')}`);
    }
    if (hop.body) {
      const failure = await bodyFailure(o.expectBody!, new TextDecoder().decode(hop.body));
      if (failure) return unhealthy(`${answered}, but its body ${failure}`);
    }
    if (o.degradedLatencyMs > 0 && latencyMs > o.degradedLatencyMs) {
      return {
        status: HealthStatus.DEGRADED,
        message: `${answered} in ${shownMs(latencyMs)} ms, above ${o.degradedLatencyMs} ms`,
        metadata,
      };
    }
    return { status: HealthStatus.HEALTHY, message: answered, metadata };
  }
}

/** The redirect's target, when it is an http(s) URL. */
function nextUrl(location: string, base: URL): URL | undefined {
  const next = URL.canParse(location, base.href) ? new URL(location, base) : undefined;
  return next && (next.protocol === 'http:' || next.protocol === 'https:') ? next : undefined;
}

/** Why the body fails `expected`, or undefined when it passes. */
async function bodyFailure(
  expected: NonNullable<HttpIndicatorOptions['expectBody']>,
  text: string,
): Promise<string | undefined> {
  if (typeof expected === 'string') {
    return text.includes(expected) ? undefined : 'does not contain the expected text';
  }
  try {
    return (await expected(text)) === true ? undefined : 'fails the body check';
  } catch (error) {
    return `fails the body check: ${errorText(error)}`;
  }
}
