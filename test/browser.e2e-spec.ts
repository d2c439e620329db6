import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { eventually } from './support/eventually';
import { PrivateRedis } from './support/redis-server';
import type { RunningService } from './support/service-process';
import { ServiceProcess } from './support/service-process';

/**
 * The status page in a real browser: Debian's chromium driven by playwright-core, against the
 * BUILT service with a private redis-server as its cache. The page lists every component, logs
 * no console error, sends no request off its origin, turns the cache row degraded within 3 s of
 * Redis being killed without reloading, and its window selector is reached with the keyboard.
 * A screenshot is kept in test-artifacts/ (not committed).
 */
const ROOT = join(__dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const KEY = 'k-browser-e2e-1234';

jest.setTimeout(90_000);

/** chromium on PATH, or one clear line saying how to get it. */
function findChromium(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error('chromium is not on PATH: apt-get install chromium');
}

describe('status page in chromium (built service)', () => {
  let redis: PrivateRedis;
  let service: RunningService;
  let browser: Browser;

  beforeAll(async () => {
    const executablePath = findChromium();
    redis = await PrivateRedis.start();
    service = await ServiceProcess.start({
      API_KEY: KEY,
      REDIS_URL: redis.url,
      HEALTH_DETAILS: 'always',
      HEALTH_EVALUATION_INTERVAL_MS: '250',
      HEALTH_SHUTDOWN_DELAY_MS: '0',
    });
    browser = await chromium.launch({ executablePath });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.kill();
    await redis?.stop();
  });

  /** A page that records console errors, page errors and every request it makes. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    const response = await page.goto(`${service.url}${path}`);
    expect(response?.status()).toBe(200);
    return { page, errors, requests, navigations: () => navigations };
  }

  const rowStatus = (page: Page, name: string) =>
    page.locator(`tr[data-component="${name}"]`).getAttribute('data-status');

  it('lists every component, updates live when Redis dies, stays on its origin, logs no error', async () => {
    // The service's Redis client may still be connecting on a loaded machine: start from a
    // healthy cache, as the service reports it.
    type Components = { components: { name: string; status: string }[] };
    const components = await eventually(
      async () => (await (await fetch(`${service.url}/v1/health/components`)).json()) as Components,
      {
        until: (body) => body.components.find((c) => c.name === 'cache')?.status === 'healthy',
        timeoutMs: 15_000,
        intervalMs: 100,
        message: 'a healthy cache',
      },
    );
    const { page, errors, requests, navigations } = await open('/v1/health/status');
    try {
      const rows = page.locator('tbody tr[data-component]');
      const names = await Promise.all(
        (await rows.all()).map((row) => row.getAttribute('data-component')),
      );
      expect(names).toEqual(components.components.map((c) => c.name));
      expect(names).toEqual(expect.arrayContaining(['ai_model', 'cache', 'resilience']));
      expect(await rowStatus(page, 'cache')).toBe('healthy');

      // The script is connected to the event stream.
      // (Selectors, not functions: the page's CSP forbids evaluating strings.)
      await page.locator('#live', { hasText: /^Live:/ }).waitFor();

      await redis.kill();
      const killedAt = Date.now();
      await page
        .locator('tr[data-component="cache"][data-status="degraded"]')
        .waitFor({ timeout: 3000 });
      expect(Date.now() - killedAt).toBeLessThan(3000);
      const cache = page.locator('tr[data-component="cache"]');
      expect(await cache.locator('.badge .label').textContent()).toBe('degraded');
      expect(await cache.locator('.message').textContent()).toMatch(/Redis/);
      expect(await page.locator('#overall .label').textContent()).toContain('cache degraded');
      // No reload: the page is the one first loaded.
      expect(navigations()).toBe(1);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });

      const origin = new URL(service.url).origin;
      // `data:` (the empty icon) is no request to anywhere.
      const foreign = requests.filter(
        (url) => !url.startsWith('data:') && new URL(url).origin !== origin,
      );
      expect(foreign).toEqual([]);
      expect(requests).toContain(`${origin}/v1/health/events`);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await redis.restart();
    }
  });

  it('reaches the window selector with the keyboard, shows focus, and changes the window', async () => {
    const { page, errors } = await open('/v1/health/status');
    try {
      const inSelector = `document.activeElement?.closest('nav[aria-label="Trend window"]') != null`;
      let tabs = 0;
      while (!(await page.evaluate(inSelector))) {
        expect(++tabs).toBeLessThanOrEqual(10);
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate('document.activeElement.textContent')).toBe('15 min');
      expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe(
        'solid',
      );
      await Promise.all([page.waitForURL(/window=15m$/), page.keyboard.press('Enter')]);
      expect(await page.locator('caption').textContent()).toContain('over the last 15 minutes');
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('15 min');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
