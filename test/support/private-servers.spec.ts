import { connect as amqpConnect } from 'amqplib';
import { createConnection as mysqlConnection } from 'mysql2/promise';
import { hostPort, listening } from './brokers';
import { startPrivateMariadb, startPrivateRabbitmq } from './private-servers';

// What the global setup starts when a machine has neither TEST_MYSQL_URL / TEST_AMQP_URL nor
// a MariaDB / RabbitMQ of its own: run here even where the machine has them, so that the path a
// fresh machine takes cannot rot while CI uses the machine's servers.
jest.setTimeout(120_000);

describe('a MariaDB of the run’s own', () => {
  it('answers as root without a password in database test, on a port of its own, and stops', async () => {
    const server = await startPrivateMariadb();
    try {
      expect(hostPort(server.url).port).not.toBe(3306);
      const connection = await mysqlConnection(server.url);
      const [rows] = await connection.query('SELECT DATABASE() AS db, 1 + 1 AS two');
      expect(rows).toEqual([{ db: 'test', two: 2 }]);
      await connection.end();
    } finally {
      await server.stop();
    }
    expect(await listening(server.url)).toBe(false);
  });
});

describe('a RabbitMQ of the run’s own', () => {
  it('takes guest/guest on loopback and opens a channel, on a port of its own, and stops', async () => {
    const server = await startPrivateRabbitmq();
    try {
      expect(hostPort(server.url).port).not.toBe(5672);
      const connection = await amqpConnect(server.url);
      const channel = await connection.createChannel();
      const queue = await channel.assertQueue('', { exclusive: true });
      expect(queue.queue).toMatch(/^amq\.gen-/);
      await connection.close();
    } finally {
      await server.stop();
    }
    expect(await listening(server.url)).toBe(false);
  });
});
