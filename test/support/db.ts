import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
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

async function mysqlAdmin(opts: { multipleStatements?: boolean } = {}) {
  const mysql = await import('mysql2/promise');
  const u = adminUrl();
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...opts,
  });
}

/** A test database's name: the process's id and a random part, so two workers' (and two runs') never meet. */
const newDatabaseName = () => `ld_test_${process.pid}_${randomBytes(4).toString('hex')}`;

const CREATE_DATABASE = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';

/** The URL of database `name` on the test server, and its `drop()`. */
function mysqlDatabase(name: string): TestDatabase {
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

/**
 * A database of its own for one test file: an in-memory SQLite database, or a
 * MariaDB/MySQL database created here and dropped by `drop()`.
 */
export async function createTestDatabase(opts: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') {
    return { url: `sqlite:${opts.sqliteFile ?? ':memory:'}`, drop: async () => undefined };
  }
  const name = newDatabaseName();
  const admin = await mysqlAdmin();
  await admin.query(`CREATE DATABASE \`${name}\` ${CREATE_DATABASE}`);
  await admin.end();
  return mysqlDatabase(name);
}

/**
 * A database of its own for one test file, with every migration applied already: on SQLite what
 * `createTestDatabase` gives (migrating it is fast); on MariaDB/MySQL a copy of a template database,
 * which costs a fraction of running the migrations (about 1 s a file). `migrate()` after it finds nothing to do.
 * Tests of the migrations themselves (an empty database, a migration run on purpose) use `createTestDatabase`.
 *
 * The template, `ld_tpl_<fingerprint>`, is built once per fingerprint — a hash of the migrations' sources and
 * whatever they import, migration-lock.ts, TypeORM's version, the server's version and TEMPLATE_FORMAT — by the
 * real `migrate()`, and kept for the next run:
 *  - one builder at a time: a worker looks for the template only once it holds the template's named lock
 *    (GET_LOCK: test code only — the app takes none, primary-keys.test.ts scans src/; the server frees it
 *    when a worker dies), so a second worker waits, then finds the first one's template complete;
 *  - a template is complete once its marker table `_ld_template` holds its row, written after the migrations:
 *    a template without it (its builder died) is dropped and built again, never copied;
 *  - a template of another fingerprint is dropped once nobody has copied it for STALE_AFTER_S (another run on
 *    the same server, of another branch, may be copying it now).
 * A copy recreates every table from the template's SHOW CREATE TABLE (foreign keys kept: `CREATE TABLE … LIKE`
 * drops them), with FOREIGN_KEY_CHECKS = 0 so the order does not matter, and copies the rows of every table
 * the migrations wrote to (their bookkeeping, seed rows) with INSERT … SELECT, then creates the template's
 * triggers (SHOW CREATE TRIGGER), all in one round trip. A view, routine, event or sequence in the template
 * is not copied: the template is refused then, loudly.
 * template-db.test.ts checks that a copy has the schema and the rows of a freshly migrated database.
 */
export async function createMigratedTestDatabase(opts: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') return createTestDatabase(opts);
  const t = await theTemplate();
  const name = newDatabaseName();
  const statements = [
    `CREATE DATABASE \`${name}\` ${CREATE_DATABASE}`,
    `USE \`${name}\``,
    'SET FOREIGN_KEY_CHECKS = 0',
    ...t.tables.map((table) => table.create),
    ...t.tables
      .filter((table) => table.columns)
      .map((table) => {
        const columns = table.columns!.map((c) => `\`${c}\``).join(', ');
        return `INSERT INTO \`${table.name}\` (${columns}) SELECT ${columns} FROM \`${t.name}\`.\`${table.name}\``;
      }),
    ...t.triggers,
  ];
  if (Date.now() - t.touched > TOUCH_EVERY_MS) {
    // Still in use: kept from the stale templates' clean-up of another run (dropStaleTemplates).
    statements.push(`UPDATE \`${t.name}\`.\`${TEMPLATE_MARKER}\` SET used_at = NOW()`);
    t.touched = Date.now();
  }
  const database = mysqlDatabase(name);
  const c = await mysqlAdmin({ multipleStatements: true });
  try {
    await c.query(statements.join(';\n'));
  } catch (e) {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
  return database;
}

/** Bump it when what a template holds, or how it is read, changes: the next run builds a new one. */
const TEMPLATE_FORMAT = 2;
/** The template's own table: its row says the template is complete. Not copied. */
const TEMPLATE_MARKER = '_ld_template';
/** A template of another fingerprint not copied for this long is dropped (a run copies every few seconds). */
const STALE_AFTER_S = 15 * 60;
/** How often a process notes in the template that it still copies it. */
const TOUCH_EVERY_MS = 60_000;
/** How long a worker waits for another one building the template (the migrations take a few seconds). */
const BUILD_WAIT_S = 300;

interface Template {
  name: string;
  /** Every table: its CREATE TABLE, and the columns to copy when it has rows (null: empty). */
  tables: Array<{ name: string; create: string; columns: string[] | null }>;
  /** Every trigger's CREATE TRIGGER, created after the rows are copied (none of them fires for the copy). */
  triggers: string[];
  /** When this process last noted its use of the template (ms). */
  touched: number;
}

let template: Promise<Template> | undefined;

/** The template, made ready once per process (a failure is not kept: the next file tries again). */
function theTemplate(): Promise<Template> {
  template ??= readyTemplate().catch((e: unknown) => {
    template = undefined;
    throw e;
  });
  return template;
}

type Admin = Awaited<ReturnType<typeof mysqlAdmin>>;

async function rows<T>(c: Admin, query: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await c.query(query, params);
  return result as T[];
}

async function readyTemplate(): Promise<Template> {
  const c = await mysqlAdmin();
  try {
    const [{ version }] = await rows<{ version: string }>(c, 'SELECT VERSION() AS version');
    const name = `ld_tpl_${templateFingerprint(version)}`;
    // Under the template's lock even when it is there: noting its use then keeps another run's
    // dropStaleTemplates (which takes the same lock) from dropping it between this look and the first copy.
    const [{ got }] = await rows<{ got: number | null }>(c, 'SELECT GET_LOCK(?, ?) AS got', [name, BUILD_WAIT_S]);
    if (Number(got) !== 1)
      throw new Error(`test database template ${name}: not built within ${BUILD_WAIT_S} s by another worker`);
    try {
      if (!(await isComplete(c, name))) await buildTemplate(c, name);
      await c.query(`UPDATE \`${name}\`.\`${TEMPLATE_MARKER}\` SET used_at = NOW()`);
    } finally {
      await c.query('SELECT RELEASE_LOCK(?)', [name]);
    }
    await dropStaleTemplates(c, name);
    return await readTemplate(c, name);
  } finally {
    await c.end();
  }
}

/**
 * What the template's schema follows from: the migrations and every file they import (followed from
 * migrations/index.ts), the lock table migration-lock.ts makes, the DDL TypeORM writes, the server's own
 * defaults, and how this file builds and reads a template.
 */
function templateFingerprint(serverVersion: string): string {
  const root = path.join(__dirname, '..', '..');
  const files = new Set<string>();
  const follow = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), spec);
      const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
        (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
      );
      if (found) follow(found);
    }
  };
  follow(path.join(root, 'src', 'persistence', 'migrations', 'index.ts'));
  follow(path.join(root, 'src', 'persistence', 'migration-lock.ts'));
  const hash = createHash('sha256');
  hash.update(`format ${TEMPLATE_FORMAT}\nserver ${serverVersion}\ntypeorm ${packageVersion('typeorm')}\n`);
  for (const file of [...files].sort()) hash.update(`${path.relative(root, file)}\n${fs.readFileSync(file, 'utf8')}\n`);
  return hash.digest('hex').slice(0, 16);
}

function packageVersion(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return String(pkg.version);
    }
  }
  throw new Error(`no package.json of ${name}`);
}

/** Whether `name` is a complete template: its marker row is written last. */
async function isComplete(c: Admin, name: string): Promise<boolean> {
  try {
    return (await rows(c, `SELECT 1 FROM \`${name}\`.\`${TEMPLATE_MARKER}\` WHERE id = 1`)).length === 1;
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    if (errno === 1049 || errno === 1146) return false; // no such database, no such table
    throw e;
  }
}

/** Builds template `name` by the real migrations (the caller holds its lock). */
async function buildTemplate(c: Admin, name: string): Promise<void> {
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``); // half-built: its builder died
  await c.query(`CREATE DATABASE \`${name}\` ${CREATE_DATABASE}`);
  const { openDatabase } = await import('../../src/persistence/data-source');
  const db = await openDatabase(testConfig(mysqlDatabase(name).url));
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  await c.query(
    `CREATE TABLE \`${name}\`.\`${TEMPLATE_MARKER}\` (id INT PRIMARY KEY, built_at DATETIME NOT NULL, used_at DATETIME NOT NULL)`,
  );
  await c.query(`INSERT INTO \`${name}\`.\`${TEMPLATE_MARKER}\` VALUES (1, NOW(), NOW())`);
}

/**
 * Drops the templates of other fingerprints that nobody copied for STALE_AFTER_S, and the half-built
 * ones whose builder is gone. Holding a template's lock while at it: one being built is left alone.
 */
async function dropStaleTemplates(c: Admin, keep: string): Promise<void> {
  const others = await rows<{ name: string }>(
    c,
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'ld\\_tpl\\_%' AND SCHEMA_NAME <> ?",
    [keep],
  );
  for (const { name } of others) {
    const [{ got }] = await rows<{ got: number | null }>(c, 'SELECT GET_LOCK(?, 0) AS got', [name]);
    if (Number(got) !== 1) continue;
    try {
      let idle = Infinity;
      if (await isComplete(c, name)) {
        const [row] = await rows<{ idle: number }>(
          c,
          `SELECT TIMESTAMPDIFF(SECOND, used_at, NOW()) AS idle FROM \`${name}\`.\`${TEMPLATE_MARKER}\` WHERE id = 1`,
        );
        idle = Number(row.idle);
      }
      if (idle > STALE_AFTER_S) await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await c.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  }
}

/** What a copy needs of template `name`: every table's CREATE TABLE and, for those with rows, their columns. */
async function readTemplate(c: Admin, name: string): Promise<Template> {
  const uncopied = await rows<{ what: string }>(
    c,
    `SELECT CONCAT(TABLE_TYPE, ' ', TABLE_NAME) AS what FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'BASE TABLE'
     UNION ALL SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
     UNION ALL SELECT CONCAT('EVENT ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
    [name, name, name],
  );
  if (uncopied.length)
    throw new Error(
      `test database template ${name} holds what a copy would leave out: ${uncopied.map((u) => u.what).join(', ')}. ` +
        'Copy it in createMigratedTestDatabase (test/support/db.ts), or bump TEMPLATE_FORMAT after changing the copy.',
    );
  const names = await rows<{ name: string }>(
    c,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ? ORDER BY TABLE_NAME",
    [name, TEMPLATE_MARKER],
  );
  const tables: Template['tables'] = [];
  for (const { name: table } of names) {
    const [shown] = await rows<{ 'Create Table': string }>(c, `SHOW CREATE TABLE \`${name}\`.\`${table}\``);
    const create = shown['Create Table'];
    // A reference to another database would tie each copy to the template.
    if (create.includes(`\`${name}\``)) throw new Error(`template table ${table} names its own database: ${create}`);
    const empty = (await rows(c, `SELECT 1 FROM \`${name}\`.\`${table}\` LIMIT 1`)).length === 0;
    const columns = empty
      ? null
      : (
          await rows<{ name: string }>(
            c,
            "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION",
            [name, table],
          )
        ).map((col) => col.name);
    tables.push({ name: table, create, columns });
  }
  // Each trigger as it was created (its definer left out: the copy's is whoever copies), for after the rows.
  const triggers: string[] = [];
  for (const { name: trigger } of await rows<{ name: string }>(
    c,
    'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER',
    [name],
  )) {
    const [shown] = await rows<{ 'SQL Original Statement': string }>(
      c,
      `SHOW CREATE TRIGGER \`${name}\`.\`${trigger}\``,
    );
    const create = shown['SQL Original Statement'].replace(/^CREATE\s+DEFINER\s*=\s*\S+\s+TRIGGER/i, 'CREATE TRIGGER');
    if (create.includes(`\`${name}\``))
      throw new Error(`template trigger ${trigger} names its own database: ${create}`);
    triggers.push(create);
  }
  return { name, tables, triggers, touched: Date.now() };
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
