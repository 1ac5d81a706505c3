import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../config';

declare const LIANDONG_TEST_DB: 'sqlite' | 'mysql' | undefined;
declare const LIANDONG_TEST_MYSQL_URL: string | undefined;

/** Which database this test project runs on (jest.config.js sets it per project). */
export const TEST_DB: 'sqlite' | 'mysql' = typeof LIANDONG_TEST_DB === 'undefined' ? 'sqlite' : LIANDONG_TEST_DB;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): URL {
  return new URL(
    typeof LIANDONG_TEST_MYSQL_URL === 'string' ? LIANDONG_TEST_MYSQL_URL : 'mysql://root:@127.0.0.1:3306/test',
  );
}

async function mysqlAdmin() {
  const mysql = await import('mysql2/promise');
  const u = adminUrl();
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
}

/**
 * A database of its own for one test file: an in-memory SQLite database, or a
 * MariaDB/MySQL database created here and dropped by `drop()`.
 */
export async function createTestDatabase(opts: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') {
    return { url: `sqlite:${opts.sqliteFile ?? ':memory:'}`, drop: async () => undefined };
  }
  const name = `ld_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await mysqlAdmin();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = adminUrl();
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await mysqlAdmin();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/** Evidence files of a test run: a directory of the test process's own under the system's temporary directory. */
export const TEST_FILES_DIR = path.join(os.tmpdir(), `liandong-test-files-${process.pid}`);

/** Config for tests: a given database, cheap password hashes, evidence files in a temporary directory. */
export function testConfig(databaseUrl: string, overrides: Record<string, unknown> = {}): Readonly<Config> {
  const files = { dir: TEST_FILES_DIR, ...((overrides.files as Record<string, unknown> | undefined) ?? {}) };
  return loadConfig(
    {},
    { env: 'test', database: { url: databaseUrl }, auth: { scryptCost: 1024 }, ...overrides, files },
  );
}
