import type { INestApplication } from '@nestjs/common';
import { VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { Script } from 'node:vm';
import { eventually } from '../../../../test/support/eventually';
import { SseClient } from '../../../../test/support/sse-client';
import { HealthStatus } from '../core/health-status';
import { HealthService } from '../core/health.service';
import type { HealthModuleExtras } from '../health.module-definition';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health.options';
import { ManualClock } from '../testing/clocks';
import { HealthTrends } from '../trends/health-trends.service';
import { DETAILS_ACCESS, TREND_SOURCE } from '../core/ports';
import { eventsLink, statusPageController } from './status-page.controller';
import {
  PALETTE,
  STATUS_PAGE_CSP,
  STATUS_PAGE_CSS,
  STATUS_PAGE_SCRIPT,
} from './status-page.assets';
import type { StatusPageModel } from './status-page.view';
import { ago, escapeHtml, renderStatusPage, summary } from './status-page.view';

const { HEALTHY, DEGRADED, UNHEALTHY } = HealthStatus;
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function model(overrides: Partial<StatusPageModel> = {}): StatusPageModel {
  return {
    version: '2.1.0',
    nowMs: NOW,
    window: '1h',
    overall: DEGRADED,
    details: true,
    draining: false,
    eventsPath: '/v1/health/events',
    components: [
      {
        name: 'cache',
        status: DEGRADED,
        shadow: false,
        message: 'Redis unavailable <serving from memory>',
        checkedAtMs: NOW - 42_000,
        availabilityPct: 97.5,
        p95Ms: 1.234,
        sparkline: '<svg class="spark"></svg>',
      },
      {
        name: 'payments',
        status: UNHEALTHY,
        shadow: true,
        message: 'down',
        checkedAtMs: NOW,
        availabilityPct: null,
        p95Ms: null,
        sparkline: '',
      },
    ],
    ...overrides,
  };
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe('renderStatusPage', () => {
  it('is one self-contained document: inline style and script, nothing fetched from elsewhere', () => {
    const html = renderStatusPage(model());
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<link (?!rel="icon" href="data:,")/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('@import');
    expect(html).toContain('<body data-events="/v1/health/events">');
  });

  it('has its style and script allowed by hash, and nothing else', () => {
    const html = renderStatusPage(model());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const hash = (text: string) => createHash('sha256').update(text).digest('base64');
    expect(STATUS_PAGE_CSP).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(STATUS_PAGE_CSP).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(STATUS_PAGE_CSP).toMatch(/^default-src 'none'; /);
    expect(STATUS_PAGE_CSP).toContain("connect-src 'self'");
    expect(STATUS_PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(STATUS_PAGE_CSP).not.toContain('unsafe');
    // The script is valid JavaScript (a syntax error would only show in a browser).
    expect(() => new Script(STATUS_PAGE_SCRIPT)).not.toThrow();
    expect(STATUS_PAGE_CSS).not.toContain('url(');
  });

  it('shows a banner with words beside the colour, the window selector, and a row per component', () => {
    const html = renderStatusPage(model());
    expect(html).toContain('<title>Degraded · Service health</title>');
    expect(html).toContain(
      '<section id="overall" role="status" aria-live="polite" aria-atomic="true" class="banner degraded"><span class="icon" aria-hidden="true">!</span><strong class="label">Degraded: cache degraded</strong></section>',
    );
    expect(html).toContain('<nav aria-label="Trend window">');
    expect(html).toContain('<a href="?window=1h" aria-current="page">1 hour</a>');
    expect(html).toContain('<a href="?window=15m">15 min</a>');
    expect(html).toContain('over the last hour</caption>');
    expect(html).toContain('<th scope="col">Message</th>');
    const cache = /<tr data-component="cache"[\s\S]*?<\/tr>/.exec(html)![0];
    expect(cache).toContain('<th scope="row">cache</th>');
    expect(cache).toContain('<span class="label">degraded</span>');
    expect(cache).toContain(
      '<td class="message">Redis unavailable &lt;serving from memory&gt;</td>',
    );
    expect(cache).toContain(
      `<time datetime="${new Date(NOW - 42_000).toISOString()}" data-ms="${NOW - 42_000}">42 s ago</time>`,
    );
    expect(cache).toContain('97.50 %');
    expect(cache).toContain('<svg class="spark"></svg><span class="muted">p95 1.23 ms</span>');
    const payments = /<tr data-component="payments"[\s\S]*?<\/tr>/.exec(html)![0];
    expect(payments).toContain('payments<span class="tag">shadow</span>');
    expect(payments).toContain('<td class="num"><span class="muted">no samples</span></td>');
    expect(payments).toContain('<div class="latency"><span class="muted">no samples</span></div>');
    expect(html).toContain('Version 2.1.0');
    expect(html).not.toContain('Messages are hidden');
    expect(html).not.toContain('shutting down');
  });

  it('hides messages from callers without details, and says so', () => {
    const html = renderStatusPage(
      model({
        details: false,
        components: model().components.map((c) => ({ ...c, message: undefined })),
      }),
    );
    expect(html).not.toContain('<th scope="col">Message</th>');
    expect(html).not.toContain('class="message"');
    expect(html).not.toContain('Redis unavailable');
    expect(html).toContain('Messages are hidden');
  });

  it('before the first report, says so; without events, no live path; draining, says so', () => {
    const html = renderStatusPage(
      model({
        overall: undefined,
        components: [],
        eventsPath: undefined,
        draining: true,
        details: false,
      }),
    );
    expect(html).toContain('<title>Waiting · Service health</title>');
    expect(html).toContain('class="banner unknown"');
    expect(html).toContain('No evaluation has finished yet');
    expect(html).toContain('<td colspan="5">No component has been checked yet.</td>');
    expect(html).toContain('<body>');
    expect(html).toContain('This instance is shutting down');
    expect(renderStatusPage(model({ components: [] }))).toContain('colspan="6"');
  });

  it('shows an empty message cell for a component without a message', () => {
    const [cache] = model().components;
    const html = renderStatusPage(model({ components: [{ ...cache, message: undefined }] }));
    expect(html).toContain('<td class="message"></td>');
  });

  it('escapes every text it did not write', () => {
    const html = renderStatusPage(
      model({ version: '1"<x>', eventsPath: '/a"b/events', components: [] }),
    );
    expect(html).toContain('Version 1&quot;&lt;x&gt;');
    expect(html).toContain('data-events="/a&quot;b/events"');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('summary and ago', () => {
  it('names what is not healthy, shadow checks aside', () => {
    const c = (name: string, status: HealthStatus, shadow = false) => ({ name, status, shadow });
    expect(summary(HEALTHY, [c('a', HEALTHY), c('s', UNHEALTHY, true)])).toBe(
      'Healthy: every component is healthy',
    );
    expect(summary(UNHEALTHY, [c('db', UNHEALTHY), c('cache', DEGRADED), c('a', HEALTHY)])).toBe(
      'Unhealthy: db unhealthy, cache degraded',
    );
  });

  it('says how long ago in seconds, minutes or hours', () => {
    expect(ago(NOW + 5000, NOW)).toBe('just now');
    expect(ago(NOW - 1400, NOW)).toBe('just now');
    expect(ago(NOW - 119_000, NOW)).toBe('119 s ago');
    expect(ago(NOW - 120_000, NOW)).toBe('2 min ago');
    expect(ago(NOW - 119 * 60_000, NOW)).toBe('119 min ago');
    expect(ago(NOW - 5 * 3_600_000, NOW)).toBe('5 h ago');
  });
});

describe('PALETTE', () => {
  it.each(Object.entries(PALETTE))('%s meets WCAG AA contrast', (name, { fg, bg }) => {
    const minimum = name.startsWith('spark') ? 3 : 4.5;
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(minimum);
  });
});

describe('eventsLink', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/);
  const status = fc
    .array(fc.boolean(), { minLength: 6, maxLength: 6 })
    .map((upper) => [...'status'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

  it('resolves, against any page URL of the route, to `events` beside `status`', () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 6 }),
        status,
        fc.nat(3),
        fc.option(fc.stringMatching(/^[A-Za-z0-9=&_-]{0,20}$/)),
        (prefix, name, slashes, query) => {
          const path = `/${[...prefix, name].join('/')}${'/'.repeat(slashes)}`;
          const page = `http://h${path}${query === null ? '' : `?${query}`}`;
          const resolved = new URL(eventsLink(path), page);
          expect(resolved.pathname).toBe(`${prefix.map((s) => `/${s}`).join('')}/events`);
          expect(resolved.search).toBe('');
        },
      ),
    );
  });
});

describe('GET <base>/status', () => {
  let app: INestApplication | undefined;
  const KEY = 'status-key-1234-5678';

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** The status page and the event stream are on unless `options.http.endpoints` says not. */
  async function boot(
    options: HealthModuleOptions & HealthModuleExtras = {},
    setup?: (app: INestApplication) => void,
    waitForStart = true,
  ): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forRoot({
          evaluationIntervalMs: 50,
          detailsKeys: [KEY],
          checks: [
            { name: 'cache', check: () => ({ status: DEGRADED, message: 'Redis unavailable' }) },
            { name: 'db', check: () => ({ status: HEALTHY, message: 'db ok' }) },
          ],
          ...options,
          http: {
            ...options.http,
            endpoints: { status: true, events: true, ...options.http?.endpoints },
          },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    setup?.(app);
    await app.init();
    const health = app.get(HealthService);
    if (waitForStart) {
      await eventually(() => health.started, { intervalMs: 10, message: 'the first report' });
    }
    return app;
  }

  const http = () => request(app!.getHttpServer());

  it('answers the page from the last report and the trends, with a strict CSP, never cached', async () => {
    await boot();
    // Samples every 50 ms: a few of each component.
    const trends = app!.get(HealthTrends);
    await eventually(() => Object.values(trends.analyze('1h').components), {
      until: (components) => components.length === 2 && components.every((c) => c.samples >= 3),
      intervalMs: 10,
      message: '3 samples of each component',
    });
    const res = await http().get('/v1/health/status').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(STATUS_PAGE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<tr data-component="cache" data-status="degraded">');
    expect(res.text).toContain('<tr data-component="db" data-status="healthy">');
    expect(res.text).toContain('Degraded: cache degraded');
    expect(res.text).toContain('<body data-events="events">');
    // Samples every 50 ms: availability and a sparkline per component.
    expect(res.text).toContain('<td class="num">0.00 %</td>');
    expect(res.text).toContain('<td class="num">100.00 %</td>');
    expect(res.text.match(/<svg class="spark"/g)).toHaveLength(2);
    // Messages follow the details rule.
    expect(res.text).not.toContain('Redis unavailable');
    const authorized = await http()
      .get('/v1/health/status')
      .set('Authorization', `Bearer ${KEY}`)
      .expect(200);
    expect(authorized.text).toContain('<td class="message">Redis unavailable</td>');
    expect(authorized.text).not.toContain(KEY);
  });

  it('takes ?window=15m|1h|6h|24h, and refuses anything else with 400 naming the choices', async () => {
    await boot();
    const res = await http().get('/v1/health/status?window=6h').expect(200);
    expect(res.text).toContain('<a href="?window=6h" aria-current="page">6 hours</a>');
    expect(res.text).toContain('over the last 6 hours</caption>');
    for (const bad of ['1d', '', 'x&window=1h']) {
      const refused = await http().get(`/v1/health/status?window=${bad}`).expect(400);
      expect(refused.body.message).toBe('window must be one of 15m, 1h, 6h, 24h');
    }
  });

  /** The page at `path`, its stream link resolved against it as a browser does, and that stream. */
  async function streamLinkedFrom(path: string): Promise<{ link: string; stream: SseClient }> {
    const page = await http().get(path).expect(200);
    const link = /<body data-events="([^"]*)">/.exec(page.text)![1];
    const stream = await SseClient.connect(new URL(link, `${await app!.getUrl()}${path}`).href);
    stream.close();
    return { link, stream };
  }

  it.each([
    ['/v1/health/status', 'events'],
    ['/V1/HEALTH/STATUS', 'events'],
    ['/v1/health/status/', '../events'],
    ['/V1/Health/Status/?window=15m', '../events'],
    ['/v1/health/status?window=6h', 'events'],
  ])('links %s to a stream that answers text/event-stream', async (path, expected) => {
    await boot();
    await app!.listen(0, '127.0.0.1');
    const { link, stream } = await streamLinkedFrom(path);
    expect(link).toBe(expected);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it('links to the stream under a global prefix, a base path and URI versioning, in any case', async () => {
    const versioned = (nest: INestApplication) => {
      nest.setGlobalPrefix('api');
      nest.enableVersioning({ type: VersioningType.URI });
    };
    await boot({ http: { basePath: 'ops/health', version: '2' } }, versioned);
    await app!.listen(0, '127.0.0.1');
    for (const path of ['/API/V2/OPS/HEALTH/STATUS', '/api/v2/ops/health/status/?window=24h']) {
      const { stream } = await streamLinkedFrom(path);
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    }
  });

  it('has no live path with the events endpoint off; is off itself with endpoints.status false', async () => {
    await boot({ http: { endpoints: { events: false } } });
    expect((await http().get('/v1/health/status').expect(200)).text).toContain('<body>');
    await app!.close();
    await boot({ http: { endpoints: { status: false } } });
    await http().get('/v1/health/status').expect(404);
  });

  it('samples no evaluation traffic asks for, and shows the time a cached result was checked', async () => {
    const clock = new ManualClock();
    // No periodic evaluation but the one at startup: traffic adds no trend sample.
    await boot({ evaluationIntervalMs: 0, cacheTtlMs: 60_000, clock });
    const health = app!.get(HealthService);
    const first = health.getLastReport()!;
    clock.advance(1100);
    await health.check();
    const res = await http().get('/v1/health/status').expect(200);
    expect(app!.get(HealthTrends).analyze('15m').components.db.samples).toBe(1);
    // The result is the one cached at boot, 1.1 s before the page: dated by its run, not now.
    const checked = Number(/data-component="db"[\s\S]*?data-ms="(\d+)"/.exec(res.text)![1]);
    expect(checked).toBe(first.timestamp * 1000);
    expect(clock.epochMs() - checked).toBe(1100);
  });

  it('waits for the first report, saying so, and never runs a check for the page', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs = jest.fn();
    const slow = {
      name: 'slow',
      check: async () => {
        runs();
        await gate;
        return { status: HEALTHY };
      },
    };
    await boot({ checks: [slow], evaluationIntervalMs: 0 }, undefined, false);
    const res = await http().get('/v1/health/status').expect(200);
    expect(res.text).toContain('No evaluation has finished yet');
    expect(res.text).toContain('No component has been checked yet.');
    expect(runs).toHaveBeenCalledTimes(1);
    release();
  });

  it('finds the event stream from the request URL, whatever the platform gives', async () => {
    await boot();
    const Controller = statusPageController('v1/health', VERSION_NEUTRAL);
    const page = new Controller(
      app!.get(HealthService),
      app!.get(DETAILS_ACCESS),
      true,
      app!.get(TREND_SOURCE),
    ) as unknown as {
      page(window: unknown, req: object, res: object): Promise<string>;
    };
    const res = { status: () => undefined, header: () => undefined };
    const fastify = await page.page(undefined, { headers: {}, url: '/x/status/?window=1h' }, res);
    expect(fastify).toContain('data-events="../events"');
    const none = await page.page('15m', { headers: {} }, res);
    expect(none).toContain('<body data-events="events">');
  });

  it('says so while the service drains', async () => {
    await boot();
    app!.get(HealthService).startDraining();
    const res = await http().get('/v1/health/status').expect(200);
    expect(res.text).toContain('This instance is shutting down');
  });
});
