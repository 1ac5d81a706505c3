import { MIGRATIONS_LOCK_TABLE } from '../migration-lock';
import type { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { isSqlite } from '../dialect';
import { sql } from '../sql';
import type { ColumnKind } from './backup-format';

/**
 * Which tables a backup carries, in which order, and how one brigade's rows
 * are found. Generic over the entities' metadata: a new entity's table is
 * carried without a word here; a table in the database that no entity
 * declares, or that is neither carried nor excluded below, makes the backup
 * refuse (and the backup test fail) rather than be silently left out.
 */

/**
 * Tables a backup deliberately does not carry, and why.
 * - `migrations`: the schema version travels in the header; restore migrates the target to it.
 * - `web_sessions`: signed-in browsers of this installation: a restored server (often another one,
 *   behind another address) has its users sign in again rather than honour old cookies.
 * - `sign_in_throttle`: counts of recent failed sign-ins, minutes long, by name and address.
 * - `migrations_lock`: which instance is applying migrations right now (migration-lock.ts).
 */
export const EXCLUDED: readonly string[] = ['migrations', MIGRATIONS_LOCK_TABLE, 'web_sessions', 'sign_in_throttle'];

/** A database's own bookkeeping tables, which are not the schema's (SQLite's counters are carried as `nextId`). */
const INTERNAL = /^sqlite_/;

/**
 * Installation-wide tables (no brigade of their own): carried whole in a full backup,
 * left out of one brigade's (the installation it moves to has its own).
 * - `app_settings`: the session secret (signs this installation's cookies).
 * - `job_slots`: which scheduled slot ran where, for every brigade at once.
 */
const INSTALLATION_ONLY: readonly string[] = ['app_settings', 'job_slots'];

/**
 * The rows of one brigade in a table without a `brigade_id` of its own: reached through their parent
 * (each `?` is the brigade's id). A table with neither a `brigade_id` nor a rule here cannot be scoped,
 * and a `--brigade` backup refuses rather than guess.
 */
const SCOPE_THROUGH_PARENT: Record<string, string> = {
  brigades: 'id = ?',
  api_tokens: 'user_id IN (SELECT id FROM users WHERE brigade_id = ?)',
  user_roles: 'user_id IN (SELECT id FROM users WHERE brigade_id = ?)',
  idempotency_keys: 'user_id IN (SELECT id FROM users WHERE brigade_id = ?)',
  notification_deliveries: 'outbox_id IN (SELECT id FROM outbox WHERE brigade_id = ?)',
  // A run of a job is shared by the brigades it ran for: the brigade's own account of it travels
  // in job_run_brigades, and the run is carried when the brigade took part in it or a flag names it.
  job_runs:
    'id IN (SELECT run_id FROM job_run_brigades WHERE brigade_id = ?) OR id IN (SELECT job_run_id FROM flags WHERE brigade_id = ?)',
};

/** Marks a table that no rule scopes to one brigade: a `--brigade` backup refuses on it (checkScopable). */
const UNSCOPABLE = '(no rule)';

export interface TablePlan {
  name: string;
  /** Primary-key columns, in order: rows are read in this order, a page at a time. */
  key: string[];
  /** The entity's columns and their kinds (a column no entity declares is read as `unknown`). */
  kinds: Map<string, ColumnKind>;
  /** SQL condition (with `?` for the brigade's id) selecting one brigade's rows; null: the table is left out of it. */
  brigadeScope: string | null;
  /** Whether the primary key is made by the database (an auto-increment counter to carry). */
  generated: boolean;
}

function kindOf(type: unknown): ColumnKind {
  const t = String(typeof type === 'function' ? type.name : type).toLowerCase();
  if (t === 'datetime' || t === 'timestamp' || t === 'date') return 'datetime';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'json' || t === 'simple-json') return 'json';
  if (t === 'integer' || t === 'int' || t === 'bigint' || t === 'number') return 'integer';
  if (t === 'double' || t === 'float' || t === 'real' || t === 'decimal') return 'double';
  if (t === 'varchar' || t === 'text' || t === 'string' || t === 'char') return 'text';
  return 'unknown';
}

/** The tables the schema holds now (the database's own list, not the entities'). */
export async function schemaTables(m: EntityManager): Promise<string[]> {
  const { rows } = isSqlite(m)
    ? await sql<{ name: string }>(m, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    : await sql<{ name: string }>(
        m,
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
      );
  return rows.map((r) => r.name).filter((n) => !INTERNAL.test(n));
}

/** Every carried table's plan, parents before children (foreign keys), named tables by name after that. */
export function tablePlans(ds: DataSource): TablePlan[] {
  const byTable = new Map<string, EntityMetadata>();
  for (const meta of ds.entityMetadatas) if (!EXCLUDED.includes(meta.tableName)) byTable.set(meta.tableName, meta);
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name)) return;
    const meta = byTable.get(name);
    if (!meta) return;
    path.add(name);
    for (const fk of meta.foreignKeys) visit(fk.referencedEntityMetadata.tableName, path);
    path.delete(name);
    placed.add(name);
    const kinds = new Map<string, ColumnKind>(meta.columns.map((c) => [c.databaseName, kindOf(c.type)]));
    const scope = INSTALLATION_ONLY.includes(name)
      ? null
      : (SCOPE_THROUGH_PARENT[name] ?? (kinds.has('brigade_id') ? 'brigade_id = ?' : UNSCOPABLE));
    ordered.push({
      name,
      key: meta.primaryColumns.map((c) => c.databaseName),
      kinds,
      brigadeScope: scope,
      generated: meta.primaryColumns.some((c) => c.isGenerated),
    });
  };
  for (const name of [...byTable.keys()].sort()) visit(name, new Set());
  return ordered;
}

/** Throws naming the tables that cannot be narrowed to one brigade. */
export function checkScopable(plans: TablePlan[]): void {
  const bad = plans.filter((p) => p.brigadeScope === UNSCOPABLE).map((p) => p.name);
  if (bad.length)
    throw new Error(
      `cannot narrow ${bad.join(', ')} to one brigade: no brigade_id column and no rule in backup-tables.ts (SCOPE_THROUGH_PARENT)`,
    );
}

/**
 * Tables in the database that the backup would not carry and are not excluded on purpose
 * (a table made by a migration with no entity): a backup refuses rather than leave them out.
 */
export async function uncarriedTables(m: EntityManager, plans: TablePlan[]): Promise<string[]> {
  const carried = new Set(plans.map((p) => p.name));
  return (await schemaTables(m)).filter((t) => !carried.has(t) && !EXCLUDED.includes(t));
}

/** The migrations applied, oldest first (none: a database never migrated). */
export async function appliedMigrations(m: EntityManager): Promise<string[]> {
  if (!(await schemaTables(m)).includes('migrations')) return [];
  const { rows } = await sql<{ name: string }>(m, 'SELECT name FROM migrations ORDER BY timestamp, id');
  return rows.map((r) => r.name);
}

/** Each table's next auto-increment id in this database (SQLite: its sqlite_sequence; MariaDB/MySQL: the table's AUTO_INCREMENT). */
export async function nextIds(m: EntityManager): Promise<Map<string, number>> {
  const { rows } = isSqlite(m)
    ? await sql<{ name: string; next: number }>(m, 'SELECT name, seq + 1 AS next FROM sqlite_sequence')
    : await sql<{ name: string; next: number }>(
        m,
        'SELECT TABLE_NAME AS name, AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL',
      );
  return new Map(rows.map((r) => [r.name, Number(r.next)]));
}

/**
 * One page of a table's rows after `after` (the last page's last key; null: from the start), in key order,
 * narrowed by `scope` when given: keyset paging, so a big table is read in pages without an OFFSET scan.
 */
export async function readPage(
  m: EntityManager,
  plan: TablePlan,
  after: unknown[] | null,
  scope: { where: string; brigadeId: number } | null,
  limit: number,
): Promise<Array<Record<string, unknown>>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (scope) {
    where.push(`(${scope.where})`);
    params.push(...Array.from(scope.where.matchAll(/\?/g), () => scope.brigadeId));
  }
  if (after) {
    // (a, b) > (x, y) spelled out: a > x OR (a = x AND b > y), which both databases use an index for.
    const ors = plan.key.map((_, i) => {
      const eqs = plan.key.slice(0, i).map((k) => `${k} = ?`);
      return `(${[...eqs, `${plan.key[i]} > ?`].join(' AND ')})`;
    });
    where.push(`(${ors.join(' OR ')})`);
    plan.key.forEach((_, i) => params.push(...after.slice(0, i), after[i]));
  }
  const { rows } = await sql<Record<string, unknown>>(
    m,
    `SELECT * FROM ${plan.name}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${plan.key.join(', ')} LIMIT ${limit}`,
    params,
  );
  return rows;
}

/** Whether any of these tables holds a row (the tables that do). */
export async function tablesWithRows(m: EntityManager, tables: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const t of tables) {
    const { rows } = await sql(m, `SELECT 1 AS one FROM ${t} LIMIT 1`);
    if (rows.length) found.push(t);
  }
  return found;
}

/** Tables a restore may find rows in and replace: installation settings made at a server's first start. */
export const REPLACED_ON_RESTORE: readonly string[] = ['app_settings'];

/** Inserts rows (values as `sql` binds them) in as few statements as both databases take. */
export async function insertRows(m: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  // SQLite takes at most 32766 parameters in a statement; MySQL's text protocol has no such limit.
  const per = Math.max(1, Math.min(500, Math.floor(30000 / Math.max(1, columns.length))));
  const one = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const batch = rows.slice(i, i + per);
    await sql(
      m,
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => one).join(', ')}`,
      batch.flat(),
    );
  }
}

/** Empties a table (a restore replacing installation settings). */
export async function deleteAll(m: EntityManager, table: string): Promise<void> {
  await sql(m, `DELETE FROM ${table}`);
}

/**
 * Foreign keys checked at commit (SQLite: deferred to the end of the transaction) or not at all for this
 * connection (MariaDB/MySQL, which cannot defer them; the rows come from a consistent database).
 */
export async function relaxForeignKeys(m: EntityManager): Promise<void> {
  await sql(m, isSqlite(m) ? 'PRAGMA defer_foreign_keys = ON' : 'SET FOREIGN_KEY_CHECKS = 0');
}

export async function restoreForeignKeys(m: EntityManager): Promise<void> {
  if (!isSqlite(m)) await sql(m, 'SET FOREIGN_KEY_CHECKS = 1');
}

/**
 * Sets a table's auto-increment counter to at least `next`. SQLite: in the transaction (sqlite_sequence is a
 * table). MariaDB/MySQL: an ALTER TABLE, which commits implicitly, so it is called after the rows committed.
 */
export async function raiseNextId(m: EntityManager, table: string, next: number): Promise<void> {
  if (isSqlite(m)) {
    const seq = next - 1;
    const r = await sql(m, 'UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?', [seq, table, seq]);
    if (r.affected === 0) {
      const { rows } = await sql(m, 'SELECT 1 AS one FROM sqlite_sequence WHERE name = ?', [table]);
      if (!rows.length) await sql(m, 'INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [table, seq]);
    }
    return;
  }
  // ALTER … AUTO_INCREMENT never sets a counter below the greatest id present (InnoDB keeps the greater).
  await sql(m, `ALTER TABLE ${table} AUTO_INCREMENT = ${Math.floor(next)}`);
}
