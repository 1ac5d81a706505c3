import type { DataSource } from 'typeorm';

/** A table's shape as the database's catalog tells it: columns (by name), indexes and foreign keys. */
export interface TableShape {
  columns: Record<string, { type: string; nullable: boolean; default: unknown; extra?: string }>;
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  foreignKeys: string[];
}

/**
 * Every table's shape, to compare two databases: equal shapes, equal schemas
 * (column order aside, which neither the entities nor a query depend on).
 */
export async function schemaOf(ds: DataSource): Promise<Record<string, TableShape>> {
  return ds.options.type === 'better-sqlite3' ? sqliteSchema(ds) : mysqlSchema(ds);
}

async function sqliteSchema(ds: DataSource): Promise<Record<string, TableShape>> {
  const tables: Array<{ name: string }> = await ds.query(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const shape: Record<string, TableShape> = {};
  for (const { name } of tables) {
    const t: TableShape = { columns: {}, indexes: {}, foreignKeys: [] };
    const columns: Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }> =
      await ds.query(`PRAGMA table_info("${name}")`);
    for (const c of columns)
      t.columns[c.name] = {
        type: c.type.toLowerCase(),
        nullable: c.notnull === 0,
        default: c.dflt_value,
        extra: c.pk ? `pk${c.pk}` : '',
      };
    const indexes: Array<{ name: string; unique: number; origin: string }> = await ds.query(
      `PRAGMA index_list("${name}")`,
    );
    for (const i of indexes) {
      const cols: Array<{ seqno: number; name: string }> = await ds.query(`PRAGMA index_info("${i.name}")`);
      // SQLite names the indexes behind UNIQUE and PRIMARY KEY constraints itself: those are named by their columns.
      const key = i.origin === 'c' ? i.name : `${i.origin}:${cols.map((c) => c.name).join(',')}`;
      t.indexes[key] = { unique: i.unique === 1, columns: cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name) };
    }
    const fks: Array<{ from: string; table: string; to: string; on_delete: string; on_update: string }> =
      await ds.query(`PRAGMA foreign_key_list("${name}")`);
    t.foreignKeys = fks
      .map((f) => `${f.from} → ${f.table}.${f.to} on delete ${f.on_delete} on update ${f.on_update}`)
      .sort();
    shape[name] = t;
  }
  return shape;
}

async function mysqlSchema(ds: DataSource): Promise<Record<string, TableShape>> {
  const shape: Record<string, TableShape> = {};
  const columns: Array<Record<string, string | null>> = await ds.query(
    'SELECT TABLE_NAME t, COLUMN_NAME c, COLUMN_TYPE type, IS_NULLABLE n, COLUMN_DEFAULT d, EXTRA e, COLLATION_NAME co FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
  );
  const table = (name: string) => (shape[name] ??= { columns: {}, indexes: {}, foreignKeys: [] });
  for (const r of columns)
    table(r.t!).columns[r.c!] = {
      type: `${r.type} ${r.co ?? ''}`.trim(),
      nullable: r.n === 'YES',
      default: r.d,
      extra: r.e ?? '',
    };
  const indexes: Array<{ t: string; i: string; u: number | string; c: string; s: number | string }> = await ds.query(
    'SELECT TABLE_NAME t, INDEX_NAME i, NON_UNIQUE u, COLUMN_NAME c, SEQ_IN_INDEX s FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
  );
  for (const r of indexes) {
    const i = (table(r.t).indexes[r.i] ??= { unique: Number(r.u) === 0, columns: [] });
    i.columns.push(r.c);
  }
  const fks: Array<Record<string, string>> = await ds.query(
    `SELECT k.TABLE_NAME t, k.CONSTRAINT_NAME n, k.COLUMN_NAME c, k.REFERENCED_TABLE_NAME rt, k.REFERENCED_COLUMN_NAME rc, r.DELETE_RULE d, r.UPDATE_RULE u
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
  );
  for (const r of fks)
    table(r.t).foreignKeys.push(`${r.n}: ${r.c} → ${r.rt}.${r.rc} on delete ${r.d} on update ${r.u}`);
  for (const t of Object.values(shape)) t.foreignKeys.sort();
  return shape;
}
