import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { ConnectionDrain } from './connection-drain';

describe('ConnectionDrain', () => {
  let release: () => void = () => undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/slow') {
      release = () => res.end('slow done');
      return;
    }
    res.end('ok');
  });
  let port: number;
  let drain: ConnectionDrain;

  beforeEach(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    drain = new ConnectionDrain(server, () => performance.now(), 50);
  });

  afterEach(() => {
    drain.stop();
    server.closeAllConnections();
    if (server.listening) server.close();
  });

  const request = (path: string, agent?: Agent) =>
    new Promise<{ body: string; connection?: string }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ body, connection: res.headers.connection }));
      }).on('error', reject);
    });

  it('asks every response to close its connection once draining', async () => {
    const agent = new Agent({ keepAlive: true });
    expect((await request('/', agent)).connection).toBe('keep-alive');
    drain.start();
    expect((await request('/', agent)).connection).toBe('close');
    agent.destroy();
  });

  it('closes sockets idle past the threshold while draining, and leaves busy ones', async () => {
    const idle: Socket = connect(port, '127.0.0.1');
    await once(idle, 'connect');
    const closed = once(idle, 'close');
    drain.start();
    await closed;
    expect(idle.destroyed).toBe(true);
  });

  it('stops accepting, lets the request in flight finish, then resolves', async () => {
    const slow = request('/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = drain.close(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(request('/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    expect(await slow).toEqual({ body: 'slow done', connection: 'close' });
    expect(await closing).toBe(0);
  });

  it('destroys what is still open after the timeout, and says how many', async () => {
    const stuck = request('/slow').catch((error: NodeJS.ErrnoException) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await drain.close(100)).toBe(1);
    expect(await stuck).toBe('ECONNRESET');
  });
});
