import { closedPort, listening, provideServer, TEST_SERVERS, testServerUrl } from './brokers';

jest.setTimeout(120_000);

describe('provideServer', () => {
  it("uses TEST_*_URL first, then the machine's server, by default", () => {
    expect(testServerUrl('nats', {})).toBe(TEST_SERVERS.nats.url);
    expect(testServerUrl('nats', { TEST_NATS_URL: 'nats://10.0.0.9:4222' })).toBe(
      'nats://10.0.0.9:4222',
    );
  });

  it('starts a server of its own when none answers (every kind), and stops it', async () => {
    for (const kind of ['nats', 'mqtt', 'mysql', 'amqp'] as const) {
      const port = await closedPort();
      const server = await provideServer(kind, {}, `${kind}://127.0.0.1:${port}`);
      try {
        expect(server.own).toBe(true);
        expect(server.url).toMatch(
          new RegExp(`^${kind}://([\\w:]+@)?127\\.0\\.0\\.1:\\d+(/test)?$`),
        );
        expect(await listening(server.url)).toBe(true);
      } finally {
        await server.stop();
      }
      expect(await listening(server.url)).toBe(false);
    }
  });

  it('stops at once in one line for a TEST_*_URL that does not answer, its password masked', async () => {
    const port = await closedPort();
    await expect(
      provideServer('mysql', { TEST_MYSQL_URL: `mysql://root:pw-secret@127.0.0.1:${port}/test` }),
    ).rejects.toThrow(
      `No server answers at mysql://root:***@127.0.0.1:${port}/test: start one ` +
        '(Debian/Ubuntu: `sudo apt-get install -y mariadb-server`) or set TEST_MYSQL_URL to one',
    );
    await expect(
      provideServer('nats', { TEST_NATS_URL: `nats://127.0.0.1:${port}` }),
    ).rejects.toThrow(/^No server answers at nats:\/\/127\.0\.0\.1:\d+: .*TEST_NATS_URL/);
  });
});
