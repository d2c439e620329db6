/**
 * The PostgreSQL server the tests use: `TEST_DATABASE_URL`. A developer or CI sets it to a server
 * of theirs; when it is unset, Jest's global setup starts a throwaway cluster
 * (test/support/postgres-cluster.ts) and sets it for every test worker.
 */
export const TEST_DATABASE_URL = 'TEST_DATABASE_URL';

export interface TestDatabase {
  /** The URL as given (it may hold a password: never print it unmasked). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Present only when the URL has one. */
  readonly password?: string;
  readonly database: string;
}

/** Reads and parses `TEST_DATABASE_URL`; throws one clear line when it is unset or malformed. */
export function testDatabase(env: NodeJS.ProcessEnv = process.env): TestDatabase {
  const raw = env[TEST_DATABASE_URL];
  if (!raw) {
    throw new Error(
      `${TEST_DATABASE_URL} is not set: run the tests through Jest (its global setup starts a ` +
        'PostgreSQL of its own and sets it) or set it to a PostgreSQL server',
    );
  }
  return parseDatabaseUrl(raw);
}

/** `postgres://user[:password]@host[:port]/database` into its parts (port 5432 by default). */
export function parseDatabaseUrl(raw: string): TestDatabase {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${TEST_DATABASE_URL} is not a URL: ${maskPassword(raw)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `${TEST_DATABASE_URL} must be a postgres:// or postgresql:// URL, not ${url.protocol}//`,
    );
  }
  const user = decodeURIComponent(url.username) || 'postgres';
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return {
    url: raw,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
    user,
    ...(password === undefined ? {} : { password }),
    database: decodeURIComponent(url.pathname.slice(1)) || user,
  };
}

/** The same server's URL with another host port (a proxy or a black hole in front of it). */
export function databaseUrlOnPort(database: TestDatabase, port: number): string {
  const auth =
    encodeURIComponent(database.user) +
    (database.password === undefined ? '' : `:${encodeURIComponent(database.password)}`);
  return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database.database)}`;
}

/** The URL with its password replaced by `***`, for messages. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/**
 * Connects and runs `SELECT 1`; throws one line naming the server (password masked) and the
 * driver's reason when it does not answer within `timeoutMs`.
 */
export async function assertDatabaseAnswers(
  database: TestDatabase,
  timeoutMs = 5000,
): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({
    connectionString: database.url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = (error as Error).message || String(error);
    throw new Error(
      `${TEST_DATABASE_URL} (${maskPassword(database.url)}) does not answer: ` +
        `${maskSecret(reason, database.password)}; fix it, or unset it to let the tests start ` +
        'a PostgreSQL of their own',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function maskSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}
