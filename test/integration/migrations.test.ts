import { DataSource } from 'typeorm';
import { dataSourceOptions, detectFlavor, parseDatabaseUrl } from '../../src/persistence/data-source';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/db';
import { PrincipalVersion1797037200000 } from '../../src/persistence/migrations/20261212T0100-principal-version';

let database: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = parseDatabaseUrl(database.url);
  if (target.kind === 'mysql') target.flavor = await detectFlavor(target);
  ds = new DataSource(dataSourceOptions(target));
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await database.drop();
});

async function tables(): Promise<string[]> {
  const rows: Array<Record<string, string>> =
    ds.options.type === 'better-sqlite3'
      ? await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await ds.query('SHOW TABLES');
  return rows.map((r) => Object.values(r)[0]).sort();
}

describe('migrations', () => {
  it('up: leave exactly the schema the entities describe (no difference to synchronize)', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    const diff = await ds.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are idempotent: running them again applies nothing', async () => {
    expect(await ds.runMigrations()).toEqual([]);
  });

  it('down: every migration can be undone, leaving only the migrations table', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['migrations']);
    await ds.runMigrations();
    expect((await tables()).length).toBeGreaterThan(10);
  });

  it('store text as utf8mb4 on MySQL/MariaDB (Chinese and emoji survive)', async () => {
    if (ds.options.type === 'better-sqlite3') {
      const [row] = await ds.query("SELECT '外滩中队 🚓' AS v");
      expect(row.v).toBe('外滩中队 🚓');
      return;
    }
    const rows: Array<{ TABLE_NAME: string; TABLE_COLLATION: string }> = await ds.query(
      'SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    for (const r of rows) expect(r.TABLE_COLLATION).toMatch(/^utf8mb4/);
    await ds.query(
      "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES ('emoji', '外滩中队 🚓', 'x', 'Asia/Shanghai', NOW(), '2026-12')",
    );
    const [row] = await ds.query("SELECT name FROM brigades WHERE code = 'emoji'");
    expect(row.name).toBe('外滩中队 🚓');
  });
});

// MariaDB/MySQL commit each DDL statement, so a migration can stop half-way there (SQLite's roll back whole).
if (TEST_DB === 'mysql')
  describe('a migration stopped half-way on MariaDB/MySQL', () => {
    const triggers = async () =>
      (
        (await ds.query(
          "SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE 'principal\\_%' ORDER BY 1",
        )) as Array<{ name: string }>
      ).map((t) => t.name);

    it('the principal version’s (a CREATE TRIGGER refused: binary logging, no SUPER) runs again whole', async () => {
      await ds.runMigrations();
      const all = await triggers();
      expect(all).toHaveLength(7);
      // As if CREATE TRIGGER had been refused after the column and the first triggers were made.
      for (const name of all.slice(2)) await ds.query(`DROP TRIGGER ${name}`);
      await ds.query('DELETE FROM migrations WHERE name = ?', [new PrincipalVersion1797037200000().name]);
      const again = await ds.runMigrations();
      expect(again.map((m) => m.name)).toEqual([new PrincipalVersion1797037200000().name]);
      expect(await triggers()).toEqual(all);
      const columns = (await ds.query(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_tokens' AND COLUMN_NAME = 'principal_version'",
      )) as unknown[];
      expect(columns).toHaveLength(1);
    });
  });

describe('the database connection', () => {
  it('runs transactions at READ COMMITTED on MySQL/MariaDB (no gap-lock deadlocks between commands)', async () => {
    const { openDatabase } = await import('../../src/persistence/data-source');
    const { testConfig } = await import('../support/db');
    const db = await openDatabase(testConfig(database.url));
    try {
      if (db.kind === 'sqlite') return;
      const level = await db.transaction(async (m) => (await m.query('SELECT @@SESSION.tx_isolation AS l'))[0].l);
      expect(level).toBe('READ-COMMITTED');
    } finally {
      await db.close();
    }
  });
});
