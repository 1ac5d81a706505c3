import { openDatabase, type Database } from '../../src/persistence/data-source';
import { createMigratedTestDatabase, createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { schemaOf } from '../support/schema';

/**
 * Most test files start on a copy of a template database rather than running every migration
 * (createMigratedTestDatabase, test/support/db.ts). The copy must be the database the migrations
 * would have made: the same tables, columns, indexes, foreign keys and table options, and the
 * rows the migrations wrote (their bookkeeping above all, or `migrate()` would run them again).
 */
let fresh: TestDatabase;
let copy: TestDatabase;
let migrated: Database;
let copied: Database;

// On SQLite there is no template: a test file's database is in memory, and migrating it takes milliseconds.
if (TEST_DB === 'sqlite')
  describe('a migrated test database on SQLite', () => {
    it('is the in-memory database createTestDatabase gives', async () => {
      expect((await createMigratedTestDatabase()).url).toBe((await createTestDatabase()).url);
      expect((await createMigratedTestDatabase()).url).toBe('sqlite::memory:');
    });
  });

// The template is MariaDB's/MySQL's: its copies are compared with a freshly migrated database.
const onMysql = TEST_DB === 'mysql' ? describe : () => undefined;

onMysql('a migrated test database copied from the template', () => {
  beforeAll(async () => {
    fresh = await createTestDatabase();
    migrated = await openDatabase(testConfig(fresh.url));
    await migrated.migrate();
    copy = await createMigratedTestDatabase();
    copied = await openDatabase(testConfig(copy.url));
  });
  afterAll(async () => {
    await migrated?.close();
    await copied?.close();
    await fresh?.drop();
    await copy?.drop();
  });

  it('has every table of a freshly migrated database, with its columns, indexes and foreign keys', async () => {
    const want = await schemaOf(migrated.dataSource);
    const got = await schemaOf(copied.dataSource);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const table of Object.keys(want)) expect({ table, ...got[table] }).toEqual({ table, ...want[table] });
    // The comparison means something: the migrations do make foreign keys (a copy by CREATE TABLE … LIKE loses them).
    expect(Object.values(want).filter((t) => t.foreignKeys.length > 0).length).toBeGreaterThan(5);
  });

  it('has the tables’ options and checks: engine, collation, comment, AUTO_INCREMENT', async () => {
    const options = (d: Database) =>
      d.dataSource.query(
        `SELECT TABLE_NAME AS t, ENGINE AS engine, TABLE_COLLATION AS collation, CREATE_OPTIONS AS options,
                TABLE_COMMENT AS comment, AUTO_INCREMENT AS next
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
      );
    expect(await options(copied)).toEqual(await options(migrated));
    const checks = (d: Database) =>
      d.dataSource.query(
        `SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
           FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
      );
    expect(await checks(copied)).toEqual(await checks(migrated));
  });

  it('has the triggers of a freshly migrated database (the tokens’ principal version)', async () => {
    const triggers = (d: Database) =>
      d.dataSource.query(
        `SELECT TRIGGER_NAME AS name, EVENT_MANIPULATION AS event, EVENT_OBJECT_TABLE AS t, ACTION_TIMING AS timing,
                ACTION_ORDER AS ord, ACTION_STATEMENT AS body
           FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME`,
      );
    const want = await triggers(migrated);
    expect(await triggers(copied)).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
  });

  it('has the rows the migrations wrote, their bookkeeping first: nothing is left to migrate', async () => {
    const bookkeeping = (d: Database) => d.dataSource.query('SELECT id, timestamp, name FROM migrations ORDER BY id');
    const applied = await bookkeeping(copied);
    expect(applied).toEqual(await bookkeeping(migrated));
    expect(applied.length).toBe(migrated.dataSource.migrations.length);
    for (const table of Object.keys(await schemaOf(migrated.dataSource))) {
      const all = (d: Database) => d.dataSource.query(`SELECT * FROM \`${table}\` ORDER BY 1`);
      expect({ table, rows: await all(copied) }).toEqual({ table, rows: await all(migrated) });
    }
    expect(await copied.migrate()).toEqual([]);
  });

  it('is a database of its own: a row written in one copy is not in the next', async () => {
    await copied.dataSource.query("INSERT INTO migrations (timestamp, name) VALUES (1, 'WrittenInACopy1')");
    const other = await createMigratedTestDatabase();
    const next = await openDatabase(testConfig(other.url));
    try {
      expect(await next.dataSource.query("SELECT 1 FROM migrations WHERE name = 'WrittenInACopy1'")).toEqual([]);
    } finally {
      await next.close();
      await other.drop();
      await copied.dataSource.query("DELETE FROM migrations WHERE name = 'WrittenInACopy1'");
    }
  });
});

if (TEST_DB === 'sqlite')
  it('on SQLite is an in-memory database of its own, migrated by the test (it is fast there)', async () => {
    expect((await createMigratedTestDatabase()).url).toBe('sqlite::memory:');
  });
