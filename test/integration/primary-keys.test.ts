import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/persistence/data-source';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';

/**
 * A Galera cluster replicates row by row and certifies each write by its key: a
 * table without a primary key is replicated badly or not at all (issue 15).
 * Every table the migrations make — TypeORM's own `migrations` table too — has one,
 * and nothing takes a table or named lock (LOCK TABLES, GET_LOCK: not replicated).
 */
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase(testConfig(database.url));
  await db.migrate();
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

describe(`a schema fit for a Galera cluster (${TEST_DB})`, () => {
  it('every table has a primary key', async () => {
    let withoutKey: string[];
    if (TEST_DB === 'mysql') {
      const rows: Array<{ name: string }> = await db.dataSource.query(
        `SELECT t.TABLE_NAME AS name FROM information_schema.TABLES t
           LEFT JOIN information_schema.TABLE_CONSTRAINTS c
             ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY'
          WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND c.CONSTRAINT_NAME IS NULL`,
      );
      withoutKey = rows.map((r) => r.name);
    } else {
      const tables: Array<{ name: string }> = await db.dataSource.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      );
      withoutKey = [];
      for (const { name } of tables) {
        const columns: Array<{ pk: number }> = await db.dataSource.query(`PRAGMA table_info("${name}")`);
        if (!columns.some((c) => c.pk > 0)) withoutKey.push(name);
      }
    }
    expect(withoutKey).toEqual([]);
  });

  it('no code takes a table lock or a named lock', () => {
    // The code without its comments: a comment may say why a lock is not taken (migration-lock.ts does).
    const code = (file: string) =>
      fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.ts$/.test(entry.name) && /\b(LOCK TABLES?|GET_LOCK)\b/i.test(code(file)))
          found.push(path.relative(path.join(__dirname, '../..'), file));
      }
    };
    walk(path.join(__dirname, '../../src'));
    expect(found).toEqual([]);
  });
});
