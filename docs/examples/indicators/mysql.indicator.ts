// docs/indicators/database.md's MySQL / MariaDB: test/docs/indicators.e2e-spec.ts runs it.
import { DatabaseIndicator } from '@nest-health/core';
import mysql from 'mysql2/promise';

const pool = mysql.createPool({
  uri: process.env.MYSQL_URL,
  connectionLimit: 1,
  connectTimeout: 2000,
});

export const mysqlIndicator = new DatabaseIndicator({
  driver: 'mysql',
  ping: async (signal) => {
    const connection = await pool.getConnection();
    const kill = () => connection.destroy();
    signal.addEventListener('abort', kill, { once: true });
    try {
      await connection.ping();
      connection.release();
    } catch (error) {
      connection.destroy();
      throw error;
    } finally {
      signal.removeEventListener('abort', kill);
    }
  },
  close: () => pool.end(),
});
