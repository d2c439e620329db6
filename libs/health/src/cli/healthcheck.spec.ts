import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BlackHole } from '../../../../test/support/black-hole';
import { RawHttpServer } from '../../../../test/support/raw-http-server';
import { freePort } from '../../../../test/support/redis-server';
import { TestCertificates } from '../../../../test/support/tls';
import type { HealthcheckOptions } from './healthcheck';
import {
  DEFAULT_TIMEOUT_MS,
  HEALTHCHECK_USAGE,
  healthcheckMain,
  parseHealthcheckArguments,
  printable,
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
    expect(summarize('csi\u009b31m del\u007f nel\u0085 end')).toBe('csi 31m del  nel  end');
    const long = summarize('x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.endsWith('...')).toBe(true);
  });

  it('drops bidirectional controls and invisible format characters', () => {
    // "ok" that a terminal would show as "ok exe.txt", with a right-to-left override
    expect(summarize('ok \u202Etxt.exe\u202C')).toBe('ok txt.exe');
    for (const char of BIDI) expect(summarize(`a${char}b`)).toBe('ab');
    expect(
      summarize('z\u200Bw\u200Cj\u200Dw\u2060j\uFEFFb\u00ADs\u180Em\u3164f\uDB40\uDC01t'),
    ).toBe('zwjwjbsmft');
    expect(summarize('line\u2028separator\u2029paragraph')).toBe('line separator paragraph');
  });

  it('never cuts a surrogate pair in half', () => {
    const cut = summarize(`${'x'.repeat(196)}\u{1F600}${'y'.repeat(10)}`);
    expect(cut).toBe(`${'x'.repeat(196)}...`);
    expect(summarize(`${'x'.repeat(195)}\u{1F600}${'y'.repeat(10)}`)).toBe(
      `${'x'.repeat(195)}\u{1F600}...`,
    );
  });
});

/** The bidirectional controls the issue names: embeddings, overrides, isolates, marks. */
const BIDI = [
  ...'\u202A\u202B\u202C\u202D\u202E',
  ...'\u2066\u2067\u2068\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
];

/** A character that must never be printed: the oracle, written apart from the code's regex. */
function unprintable(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    BIDI.includes(char) ||
    (code >= 0x200b && code <= 0x200d) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff ||
    code === 0x00ad ||
    (code >= 0xd800 && code <= 0xdfff) || // a lone surrogate: a pair is one code point above
    (code >= 0xe0000 && code <= 0xe0fff) ||
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(char)
  );
}

/** Any UTF-16 text, lone surrogates included, dense in the characters that matter here. */
const hostileText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...BIDI, '\u001b', '\u009b', '\n', '\r\n', '\u2028', '\u200B', '[-]'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 600,
});

describe('summarize and printable, for any text', () => {
  it('never print a control, bidirectional or invisible character', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const out of [summarize(text), printable(text)]) {
          expect([...out].filter(unprintable)).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keep the summary within 200 UTF-16 units, on one line', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const summary = summarize(text);
        expect(summary.length).toBeLessThanOrEqual(200);
        expect(summary).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 500 },
    );
  });

  it('leave printable text as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (text) => {
        expect(printable(text)).toBe(text);
      }),
    );
    expect(printable('Grüße, 健康, ok \u{1F600}')).toBe('Grüße, 健康, ok \u{1F600}');
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
      if (req.url === '/big') return void res.end(`${'ok\n'.repeat(10_000)}tail\n`);
      if (req.url === '/big-chunked') {
        for (let i = 0; i < 10; i++) res.write('ok\n'.repeat(1_000));
        return void res.end('tail\n');
      }
      if (req.url === '/bidi') return void res.end('ok \u202Etxt.exe\u2066 \u001b[31m red\u200F\n');
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

  it('is unhealthy when a body never ends: the timeout decides, naming what came', async () => {
    const result = await runHealthcheck(options(`http${base}/huge`, { timeoutMs: 300 }));
    expect(result).toEqual({
      ok: false,
      line: expect.stringMatching(
        /^unhealthy: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/huge, body not finished within 300 ms, \d+ bytes came: a{197}\.\.\.$/,
      ),
    });
  });

  it('is healthy on a big whole body, summed up from its first 8 KiB', async () => {
    for (const path of ['/big', '/big-chunked']) {
      const result = await runHealthcheck(options(`http${base}${path}`));
      // The last line is "tail", after 30 KB: the summary comes from the start only.
      expect(result).toEqual({
        ok: true,
        line: expect.stringMatching(
          new RegExp(`^healthy: HTTP 200 from .*${path} in \\d+ ms: ok$`),
        ),
      });
    }
  });

  it('reports a body cut short with what came', async () => {
    const result = await runHealthcheck(options(`http${base}/cut`));
    expect(result).toEqual({
      ok: false,
      line: expect.stringMatching(
        /^unhealthy: HTTP 500 from .*\/cut in \d+ ms, body cut short after 7 of 100 bytes: partial$/,
      ),
    });
  });

  it('strips bidirectional controls and escapes from the body in its line', async () => {
    const result = await runHealthcheck(options(`http${base}/bidi`));
    expect(result).toEqual({
      ok: true,
      line: expect.stringMatching(
        /^healthy: HTTP 200 from .*\/bidi in \d+ ms: ok txt\.exe {2}\[31m red$/,
      ),
    });
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

describe('runHealthcheck: a body must arrive whole', () => {
  let raw: RawHttpServer;
  const head = (status: string, headers: string) => `HTTP/1.1 ${status}\r\n${headers}\r\n\r\n`;
  const chunked = head('200 OK', 'Transfer-Encoding: chunked');

  beforeAll(async () => {
    raw = await RawHttpServer.start((socket, path) => {
      const after = (bytes: string, then: () => void) => socket.write(bytes, () => then());
      const reset = () => setTimeout(() => socket.resetAndDestroy(), 20);
      switch (path) {
        case '/short': // the case: 2 of 1000 bytes, then a clean close
          return void socket.end(`${head('200 OK', 'Content-Length: 1000')}ok`);
        case '/short-reset':
          return after(`${head('200 OK', 'Content-Length: 1000')}ok`, reset);
        case '/chunked-end': // a chunk, then a clean close: no final chunk
          return void socket.end(`${chunked}2\r\nok\r\n`);
        case '/chunked-reset':
          return after(`${chunked}2\r\nok\r\n`, reset);
        case '/chunked-whole':
          return void socket.end(`${chunked}2\r\nok\r\n0\r\n\r\n`);
        case '/close-whole': // no length, no chunks: the body ends where the connection does
          return void socket.end(`${head('200 OK', 'Connection: close')}ok\n`);
        case '/close-reset': // ...unless the connection is reset: the end was never seen
          return after(`${head('200 OK', 'Connection: close')}ok\n`, reset);
        case '/exact-then-junk': // whole, then bytes after it (curl ignores them too)
          return void socket.end(`${head('200 OK', 'Content-Length: 3')}ok\nJUNK AFTER`);
        case '/stalled': // 2 of 1000 bytes, then nothing: the socket stays open
          return void socket.write(`${head('200 OK', 'Content-Length: 1000')}ok`);
        case '/short-503':
          return void socket.end(`${head('503 Service Unavailable', 'Content-Length: 1000')}down`);
        case '/bidi-short':
          return void socket.end(
            `${head('200 OK', 'Content-Length: 1000\r\nContent-Type: text/plain; charset=utf-8')}\u202Eevil\u001b[2J`,
          );
        default:
          socket.end(head('404 Not Found', 'Content-Length: 0'));
      }
    });
  });

  afterAll(() => raw.close());

  const check = (path: string, timeoutMs = 5000) =>
    runHealthcheck(options(`http://127.0.0.1:${raw.port}${path}`, { timeoutMs }));
  const RESET = 'connection reset \\(ECONNRESET\\)';
  const line = (path: string, rest: string) =>
    new RegExp(`^unhealthy: HTTP 200 from http://127\\.0\\.0\\.1:\\d+${path} in \\d+ ms, ${rest}$`);

  it('is unhealthy when fewer bytes come than Content-Length announced', async () => {
    expect(await check('/short')).toEqual({
      ok: false,
      line: expect.stringMatching(line('/short', 'body cut short after 2 of 1000 bytes: ok')),
    });
    expect(await check('/short-reset')).toEqual({
      ok: false,
      line: expect.stringMatching(
        line('/short-reset', `body cut short after 2 of 1000 bytes, ${RESET}: ok`),
      ),
    });
  });

  it('is unhealthy when a chunked body ends without its final chunk', async () => {
    expect(await check('/chunked-end')).toEqual({
      ok: false,
      line: expect.stringMatching(
        line('/chunked-end', 'body cut short after 2 bytes, no final chunk: ok'),
      ),
    });
    expect(await check('/chunked-reset')).toEqual({
      ok: false,
      line: expect.stringMatching(
        line('/chunked-reset', `body cut short after 2 bytes, ${RESET}: ok`),
      ),
    });
    expect(await check('/chunked-whole')).toEqual({
      ok: true,
      line: expect.stringMatching(/^healthy: HTTP 200 from .*\/chunked-whole in \d+ ms: ok$/),
    });
  });

  it('takes a body that runs to a clean close as whole, and one ended by a reset as not', async () => {
    expect(await check('/close-whole')).toEqual({
      ok: true,
      line: expect.stringMatching(/^healthy: HTTP 200 from .*\/close-whole in \d+ ms: ok$/),
    });
    expect(await check('/close-reset')).toEqual({
      ok: false,
      line: expect.stringMatching(
        line('/close-reset', `body cut short after 3 bytes, ${RESET}: ok`),
      ),
    });
  });

  it('ignores bytes after a whole body', async () => {
    expect(await check('/exact-then-junk')).toEqual({
      ok: true,
      line: expect.stringMatching(/^healthy: HTTP 200 from .*\/exact-then-junk in \d+ ms: ok$/),
    });
  });

  it('lets the timeout decide when the body stops coming', async () => {
    expect(await check('/stalled', 300)).toEqual({
      ok: false,
      line: expect.stringMatching(
        /^unhealthy: HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/stalled, body not finished within 300 ms, 2 of 1000 bytes came: ok$/,
      ),
    });
  });

  it('says a non-2xx body was cut short too', async () => {
    expect(await check('/short-503')).toEqual({
      ok: false,
      line: expect.stringMatching(
        /^unhealthy: HTTP 503 from .*\/short-503 in \d+ ms, body cut short after 4 of 1000 bytes: down$/,
      ),
    });
  });

  it('strips bidirectional controls and escapes from what came of a cut body', async () => {
    const result = await check('/bidi-short');
    expect(result.line).toMatch(/body cut short after \d+ of 1000 bytes: evil \[2J$/);
    expect([...result.line].filter(unprintable)).toEqual([]);
  });

  it('exits 1 from the command, with its one line on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await healthcheckMain(['--url', `http://127.0.0.1:${raw.port}/short`], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect({ code, out, err }).toEqual({
      code: 1,
      out: [],
      err: [expect.stringMatching(/, body cut short after 2 of 1000 bytes: ok$/)],
    });
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

  it('strips what the server put in its certificate from the TLS error it prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'healthcheck-cn-'));
    try {
      // A trusted certificate without subjectAltName: Node's hostname error quotes its CN.
      const [cert, key] = [join(dir, 'cn.crt'), join(dir, 'cn.key')];
      execFileSync('openssl', [
        'req', '-x509', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt',
        'ec_paramgen_curve:prime256v1', '-keyout', key, '-out', cert, '-days', '2', '-utf8',
        '-subj', '/CN=evil\u202Egpj.exe\u001b[31m\u2066x',
      ], { stdio: 'pipe' }); // prettier-ignore
      const pem = readFileSync(cert, 'utf8');
      const port = (
        await serve(
          () => undefined,
          createHttpsServer({ cert: pem, key: readFileSync(key) }, (_q, res) =>
            res.end('ok'),
          ) as unknown as Server,
        )
      ).split(':')[2];
      const result = await runHealthcheck(options(`https://localhost:${port}/live`, { ca: pem }));
      expect(result).toEqual({
        ok: false,
        line: `unhealthy: no answer from https://localhost:${port}/live: Hostname/IP does not match certificate's altnames: Host: localhost. is not cert's CN: evilgpj.exe [31mx (ERR_TLS_CERT_ALTNAME_INVALID)`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('prints an argument it refuses without its control or bidirectional characters', async () => {
    const io = capture();
    expect(await healthcheckMain(['--url', 'http://a', 'ready\u202E\u001b[2J'], io.output)).toBe(2);
    expect(io.err[0]).toBe('healthcheck: unexpected argument "ready [2J"');
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
