import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { type Database, openDatabase } from '../../src/persistence/data-source';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { MIGRATIONS_LOCK_TABLE, withMigrationLock } from '../../src/persistence/migration-lock';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { boot } from '../../src/bootstrap';
import { createLogger } from '../../src/logger';

/**
 * Instances started together after an upgrade apply the migrations once, one
 * at a time: the others wait and find nothing left to do.
 */
let database: TestDatabase;
let dir: string;
const open: Database[] = [];

async function instance(): Promise<Database> {
  const db = await openDatabase({ database: { url: database.url, logging: false, poolSize: 5, hosts: '' } });
  open.push(db);
  return db;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-migration-lock-'));
  // SQLite: a file two connections share, as two processes on one host would.
  database = await createTestDatabase({ sqliteFile: path.join(dir, 'lock.sqlite') });
});
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lockRows = (db: Database) => db.dataSource.query(`SELECT holder, taken_at FROM ${MIGRATIONS_LOCK_TABLE}`);

describe(`the migrations lock (${TEST_DB})`, () => {
  it('three instances migrating one new database at once apply every migration exactly once', async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    const applied = await Promise.all([
      a.migrate({ holder: 'a' }),
      b.migrate({ holder: 'b' }),
      c.migrate({ holder: 'c' }),
    ]);
    const all = MIGRATIONS.map((M) => new M().name);
    // One of them applied all (it held the lock); the others found nothing pending when they had it.
    expect(applied.flat().sort()).toEqual([...all].sort());
    expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
    const recorded: Array<{ name: string }> = await a.dataSource.query('SELECT name FROM migrations');
    expect(recorded.map((r) => r.name).sort()).toEqual([...all].sort());
    expect(await lockRows(a)).toEqual([]);
  });

  it('three instances starting on a new database together load the demo once', async () => {
    const config = testConfig(database.url, { demo: { seedOnEmpty: true, historyMonths: 1 } });
    const started = await Promise.all(
      [0, 1, 2].map(() => boot(config, { logger: createLogger({ silent: true }), seed: true })),
    );
    try {
      // Exactly one of them loaded it; the others waited and found it loaded.
      expect(started.filter((s) => s.seeded)).toHaveLength(1);
      const [brigades]: Array<{ n: number }> = await started[0].db.dataSource.query(
        'SELECT COUNT(*) AS n FROM brigades',
      );
      expect(Number(brigades.n)).toBe(1);
      expect(started.every((s) => s.hasUsers)).toBe(true);
      expect(await lockRows(started[0].db)).toEqual([]);
    } finally {
      for (const s of started) await s.db.close();
    }
  });

  it('an instance waits while another holds the lock, then finds nothing to apply', async () => {
    const a = await instance();
    await a.migrate();
    // Pretend one migration is pending again, and that instance "other" is applying it.
    const last = new MIGRATIONS[MIGRATIONS.length - 1]().name;
    await a.dataSource.undoLastMigration({ transaction: 'each' });
    await a.dataSource.query(`INSERT INTO ${MIGRATIONS_LOCK_TABLE} (id, holder, taken_at) VALUES (1, 'other', ?)`, [
      Date.now(),
    ]);
    const waitedFor: string[] = [];
    const b = await instance();
    const migrating = withMigrationLock(
      b.dataSource,
      async () => (await b.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name),
      { holder: 'b', pollMs: 50, onWait: (h) => waitedFor.push(h) },
    );
    await new Promise((r) => setTimeout(r, 400));
    // "other" finishes its work and lets go.
    await a.dataSource.runMigrations({ transaction: 'each' });
    await a.dataSource.query(`DELETE FROM ${MIGRATIONS_LOCK_TABLE} WHERE holder = 'other'`);
    expect(await migrating).toEqual([]);
    expect(waitedFor).toEqual(['other']);
    const recorded: Array<{ name: string }> = await a.dataSource.query('SELECT name FROM migrations WHERE name = ?', [
      last,
    ]);
    expect(recorded).toHaveLength(1);
  });

  it('a lock left by an instance that died is taken over once stale, and its migrations run', async () => {
    const a = await instance();
    await a.migrate();
    const last = new MIGRATIONS[MIGRATIONS.length - 1]().name;
    await a.dataSource.undoLastMigration({ transaction: 'each' });
    await a.dataSource.query(`INSERT INTO ${MIGRATIONS_LOCK_TABLE} (id, holder, taken_at) VALUES (1, 'dead', ?)`, [
      Date.now() - 10 * 60_000,
    ]);
    expect(await a.migrate({ holder: 'a' })).toEqual([last]);
    expect(await lockRows(a)).toEqual([]);
  });

  it('with nothing pending, an instance starts at once even while a lock row is held', async () => {
    const a = await instance();
    await a.migrate();
    await a.dataSource.query(`INSERT INTO ${MIGRATIONS_LOCK_TABLE} (id, holder, taken_at) VALUES (1, 'other', ?)`, [
      Date.now(),
    ]);
    expect(await a.migrate({ holder: 'a', onWait: () => fail('waited with nothing to apply') })).toEqual([]);
  });

  it('an instance that waited too long says who holds the lock', async () => {
    const a = await instance();
    await a.migrate();
    await a.dataSource.undoLastMigration({ transaction: 'each' });
    await a.dataSource.query(
      `INSERT INTO ${MIGRATIONS_LOCK_TABLE} (id, holder, taken_at) VALUES (1, 'slow-host:42', ?)`,
      [Date.now()],
    );
    await expect(
      withMigrationLock(a.dataSource, async () => ['never'], { holder: 'a', waitMs: 200, pollMs: 50 }),
    ).rejects.toThrow(/slow-host:42 has held the migrations lock/);
  });
});
