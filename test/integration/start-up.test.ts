import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boot } from '../../src/bootstrap';
import { bulkLoad } from '../../src/persistence/dialect';
import { openDatabase, type Database } from '../../src/persistence/data-source';
import { createLogger } from '../../src/logger';
import { createTestDatabase, testConfig, TEST_DB, type TestDatabase } from '../support/db';

/** SQLite's `synchronous` of the connection (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA). */
const synchronous = async (db: Database) =>
  Number(((await db.manager.query('PRAGMA synchronous')) as Array<{ synchronous: number }>)[0].synchronous);

describe(`start-up (${TEST_DB})`, () => {
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    // SQLite: a file (WAL, as npm start opens one), not :memory:.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-start-up-'));
    database = await createTestDatabase({ sqliteFile: path.join(dir, 'start.sqlite') });
  });
  afterAll(async () => {
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a bulk load gives back the durability it found, also when the load fails, and keeps what it committed', async () => {
    const db = await openDatabase(testConfig(database.url));
    try {
      await db.manager.query('CREATE TABLE bulk_rows (id INTEGER PRIMARY KEY)');
      const before = TEST_DB === 'sqlite' ? await synchronous(db) : null;
      // better-sqlite3 opens a WAL database with NORMAL (1); whatever it is, it is what comes back.
      if (TEST_DB === 'sqlite') expect(before).toBeGreaterThan(0);
      const seen = await bulkLoad(db, async () => {
        await db.transaction((m) => m.query('INSERT INTO bulk_rows (id) VALUES (1)'));
        return TEST_DB === 'sqlite' ? synchronous(db) : null;
      });
      if (TEST_DB === 'sqlite') {
        expect(seen).toBe(0);
        expect(await synchronous(db)).toBe(before);
      }
      await expect(
        bulkLoad(db, async () => {
          await db.transaction((m) => m.query('INSERT INTO bulk_rows (id) VALUES (2)'));
          throw new Error('the load broke');
        }),
      ).rejects.toThrow('the load broke');
      if (TEST_DB === 'sqlite') expect(await synchronous(db)).toBe(before);
      const rows = (await db.manager.query('SELECT id FROM bulk_rows ORDER BY id')) as Array<{ id: number }>;
      expect(rows.map((r) => Number(r.id))).toEqual([1, 2]);
      await db.manager.query('DROP TABLE bulk_rows');
    } finally {
      await db.close();
    }
  });

  it('boot says how long each of its phases took, and leaves the database as durable as it opened it', async () => {
    const config = testConfig(database.url, {
      demo: { seedOnEmpty: true, password: 'liandong-demo', historyMonths: 1 },
    });
    const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
    try {
      expect(services.seeded).toBe(true);
      expect(services.history?.operations).toBeGreaterThan(0);
      for (const phase of ['openDatabase', 'migrations', 'referenceOrganisation', 'demoHistory'] as const)
        expect(services.timings[phase]).toEqual(expect.any(Number));
      if (TEST_DB === 'sqlite') expect(await synchronous(services.db)).toBeGreaterThan(0);
    } finally {
      await services.db.close();
    }
  });
});
