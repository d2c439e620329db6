import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { BlackHole } from '../../../../test/support/black-hole';
import { freePort } from '../../../../test/support/redis-server';
import { TestCertificates } from '../../../../test/support/tls';
import type { HealthcheckOptions } from './healthcheck';
import {
  DEFAULT_TIMEOUT_MS,
  HEALTHCHECK_USAGE,
  healthcheckMain,
  parseHealthcheckArguments,
  printableUrl,
  runHealthcheck,
  summarize,
} from './healthcheck';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/** A real server on loopback; the handler decides every answer. */
async function serve(handler: Handler, server: Server = createServer(handler)): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const options = (url: string, extra: Partial<HealthcheckOptions> = {}): HealthcheckOptions => ({
  url: new URL(url),
  timeoutMs: 5000,
  insecure: false,
  ...extra,
});

describe('parseHealthcheckArguments', () => {
  const noFile = () => {
    throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  };

  it('reads --url with the default timeout', () => {
    const parsed = parseHealthcheckArguments(['--url', 'http://127.0.0.1:8000/v1/health/ready']);
    expect(parsed.url.href).toBe('http://127.0.0.1:8000/v1/health/ready');
    expect(parsed.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(parsed.insecure).toBe(false);
    expect(parsed.ca).toBeUndefined();
  });

  it('reads every option, also as --name=value', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const read = jest.fn(() => pem);
    const parsed = parseHealthcheckArguments(
      [
        '--url=https://api.internal:8443/ready?x=1',
        '--timeout=750',
        '--ca',
        '/etc/ca.pem',
        '--insecure',
      ],
      read,
    );
    expect(parsed).toEqual({
      url: new URL('https://api.internal:8443/ready?x=1'),
      timeoutMs: 750,
      ca: pem,
      insecure: true,
    });
    expect(read).toHaveBeenCalledWith('/etc/ca.pem');
  });

  it.each([
    [[], 'missing --url'],
    [['--timeout', '100'], 'missing --url'],
    [['--url'], '--url needs a value'],
    [['--url='], '--url needs a value'],
    [['--url', 'http://a', '--url', 'http://b'], '--url given twice'],
    [['--port', '80'], 'unknown option --port'],
    [['-u', 'http://a'], 'unknown option -u'],
    [['http://127.0.0.1:8000/'], 'unexpected argument "http://127.0.0.1:8000/"'],
    [['--insecure=yes', '--url', 'http://a'], '--insecure takes no value'],
    [['--url', 'localhost:8000/ready'], '--url must be http:// or https://, not localhost://'],
    [['--url', '127.0.0.1:8000/ready'], '--url is not an absolute URL'],
    [['--url', '/v1/health/ready'], '--url is not an absolute URL (http://host:port/path)'],
    [['--url', 'ftp://host/x'], '--url must be http:// or https://, not ftp://'],
    [['--url', 'http://user:hunter2@host/x'], '--url must not carry a user or password'],
    [['--url', 'http://a', '--timeout', 'soon'], '--timeout must be whole milliseconds'],
    [['--url', 'http://a', '--timeout', '0'], 'from 1 to 600000, not "0"'],
    [['--url', 'http://a', '--timeout', '1.5'], 'not "1.5"'],
    [['--url', 'http://a', '--timeout', '600001'], 'not "600001"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseHealthcheckArguments(argv, noFile)).toThrow(message);
  });

  it('never repeats a password given in the URL', () => {
    expect(() => parseHealthcheckArguments(['--url', 'https://u:s3cret-pw@h/'])).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret-pw') }),
    );
  });

  it('names a CA file it cannot read, or that holds no certificate', () => {
    expect(() =>
      parseHealthcheckArguments(['--url', 'https://h/', '--ca', '/nope.pem'], noFile),
    ).toThrow('--ca: cannot read /nope.pem (ENOENT)');
    expect(() =>
      parseHealthcheckArguments(['--url', 'https://h/', '--ca', '/x.pem'], () => {
        throw 'odd';
      }),
    ).toThrow('--ca: cannot read /x.pem (odd)');
    expect(() =>
      parseHealthcheckArguments(['--url', 'https://h/', '--ca', '/key.pem'], () => 'not a cert'),
    ).toThrow('--ca: /key.pem holds no PEM certificate');
  });
});

describe('summarize', () => {
  it('is empty for an empty body', () => {
    expect(summarize('')).toBe('');
    expect(summarize('\n \n')).toBe('');
  });

  it('keeps the last line, and the failed checks of a probe body', () => {
    expect(summarize('ok\n')).toBe('ok');
    expect(
      summarize(
        '[+]cache ok\n[-]database failed\n[-]ai_model failed: timed out\nreadiness check failed\n',
      ),
    ).toBe('readiness check failed (database failed; ai_model failed: timed out)');
  });

  it('drops control characters and cuts long lines', () => {
    expect(summarize('bad\u001b[31m red\u0007')).toBe('bad [31m red');
    const long = summarize('x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('printableUrl', () => {
  it('leaves the query out', () => {
    expect(printableUrl(new URL('http://h:1/v1/health/ready?token=abc'))).toBe(
      'http://h:1/v1/health/ready',
    );
  });
});

describe('runHealthcheck against real servers', () => {
  let base: string;

  beforeAll(async () => {
    base = await serve((req, res) => {
      if (req.url?.startsWith('/ok')) return void res.end('ok\n');
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/ready') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return void res.end('[+]cache ok\n[-]database failed\nreadiness check failed\n');
      }
      if (req.url === '/moved') return void res.writeHead(301, { location: '/ok' }).end();
      if (req.url === '/huge') {
        res.writeHead(200);
        res.write('a'.repeat(20_000));
        return; // never ends
      }
      if (req.url === '/cut') {
        res.writeHead(500, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(404).end('not found');
    });
  });

  it('is healthy on a 2xx answer, and says how it went', async () => {
    const result = await runHealthcheck(options(`http${base}/ok?key=secret`));
    expect(result.ok).toBe(true);
    expect(result.line).toMatch(
      /^healthy: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/ok in \d+ ms: ok$/,
    );
    expect(result.line).not.toContain('secret');
    expect(await runHealthcheck(options(`http${base}/empty`))).toEqual({
      ok: true,
      line: expect.stringMatching(/^healthy: HTTP 204 from .* in \d+ ms$/),
    });
  });

  it('is unhealthy on a 503, naming the failed checks', async () => {
    const result = await runHealthcheck(options(`http${base}/ready`));
    expect(result.ok).toBe(false);
    expect(result.line).toMatch(
      /^unhealthy: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/ready in \d+ ms: readiness check failed \(database failed\)$/,
    );
  });

  it('does not follow a redirect', async () => {
    const result = await runHealthcheck(options(`http${base}/moved`));
    expect(result).toEqual({ ok: false, line: expect.stringContaining('HTTP 301 from') });
  });

  it('reads no more than the start of a body that never ends', async () => {
    const result = await runHealthcheck(options(`http${base}/huge`));
    expect(result.ok).toBe(true);
    expect(result.line).toContain('HTTP 200');
  });

  it('reports a body cut short with what came', async () => {
    const result = await runHealthcheck(options(`http${base}/cut`));
    expect(result).toEqual({ ok: false, line: expect.stringMatching(/HTTP 500 .*: partial$/) });
  });

  it('is unhealthy when the port refuses connections', async () => {
    const port = await freePort();
    const result = await runHealthcheck(options(`http://127.0.0.1:${port}/ready`));
    expect(result).toEqual({
      ok: false,
      line: `unhealthy: no answer from http://127.0.0.1:${port}/ready: connection refused (ECONNREFUSED)`,
    });
  });

  it('gives up on a server that accepts and never answers', async () => {
    const hole = await BlackHole.start();
    try {
      const result = await runHealthcheck(
        options(`http://127.0.0.1:${hole.port}/ready`, { timeoutMs: 300 }),
      );
      expect(result).toEqual({
        ok: false,
        line: `unhealthy: no answer from http://127.0.0.1:${hole.port}/ready within 300 ms`,
      });
      expect(hole.accepted).toBe(1);
    } finally {
      await hole.close();
    }
  });
});

describe('runHealthcheck over https', () => {
  const certificates = new TestCertificates();
  let base: string;
  let caPem: string;

  beforeAll(async () => {
    const ca = certificates.ca('healthcheck-ca');
    const server = certificates.server('healthcheck-server', ca);
    caPem = readFileSync(ca.cert, 'utf8');
    base = await serve(
      () => undefined,
      createHttpsServer(
        { cert: readFileSync(server.cert), key: readFileSync(server.key) },
        (_req, res) => res.end('ok\n'),
      ) as unknown as Server,
    );
  });

  afterAll(() => certificates.remove());

  it('trusts the CA it is given', async () => {
    const result = await runHealthcheck(options(`https${base}/live`, { ca: caPem }));
    expect(result).toEqual({
      ok: true,
      line: expect.stringMatching(/^healthy: HTTP 200 from https:/),
    });
  });

  it('refuses a certificate it cannot verify, naming the TLS error', async () => {
    const result = await runHealthcheck(options(`https${base}/live`));
    expect(result.ok).toBe(false);
    expect(result.line).toMatch(
      /^unhealthy: no answer from https:\/\/127\.0\.0\.1:\d+\/live: .+ \([A-Z_]+\)$/,
    );
  });

  it('skips verification with insecure', async () => {
    const result = await runHealthcheck(options(`https${base}/live`, { insecure: true }));
    expect(result.ok).toBe(true);
  });
});

describe('healthcheckMain', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      output: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) },
    };
  }

  it('prints the usage with --help', async () => {
    const io = capture();
    expect(await healthcheckMain(['--help'], io.output)).toBe(0);
    expect(io.out).toEqual([HEALTHCHECK_USAGE]);
  });

  it('exits 2 on bad arguments, naming what was wrong, then the usage', async () => {
    const io = capture();
    expect(await healthcheckMain(['--url', 'http://a', '--timeout', 'x'], io.output)).toBe(2);
    expect(io.err).toEqual([
      'healthcheck: --timeout must be whole milliseconds from 1 to 600000, not "x"',
      HEALTHCHECK_USAGE,
    ]);
    expect(io.out).toEqual([]);
  });

  it('exits 0 on 2xx (stdout) and 1 otherwise (stderr)', async () => {
    const base = await serve((req, res) => res.writeHead(req.url === '/up' ? 200 : 503).end());
    const up = capture();
    expect(await healthcheckMain(['--url', `http${base}/up`], up.output)).toBe(0);
    expect(up.out).toEqual([expect.stringMatching(/^healthy: HTTP 200/)]);
    const down = capture();
    expect(
      await healthcheckMain(['--url', `http${base}/down`, '--timeout', '3000'], down.output),
    ).toBe(1);
    expect(down.err).toEqual([expect.stringMatching(/^unhealthy: HTTP 503/)]);
    expect(down.out).toEqual([]);
  });

  it('writes to the process streams by default', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await healthcheckMain(['-h'])).toBe(0);
      expect(write).toHaveBeenCalledWith(`${HEALTHCHECK_USAGE}\n`);
    } finally {
      write.mockRestore();
    }
    const error = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await healthcheckMain([])).toBe(2);
      expect(error).toHaveBeenCalledWith('healthcheck: missing --url\n');
    } finally {
      error.mockRestore();
    }
  });
});
