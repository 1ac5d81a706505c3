import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Config } from '../../../config';
import { type Database, dataSourceOptions, detectFlavor, openDatabase, parseDatabaseUrl } from '../data-source';
import { MIGRATIONS } from '../migrations';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupHeader,
  BackupFileError,
  type ColumnKind,
  decodeValue,
  type EndLine,
  readBackupLines,
  type TableLine,
} from './backup-format';
import {
  appliedMigrations,
  deleteAll,
  EXCLUDED,
  insertRows,
  raiseNextId,
  relaxForeignKeys,
  REPLACED_ON_RESTORE,
  restoreForeignKeys,
  schemaTables,
  tablesWithRows,
} from './backup-tables';

/** Where restored evidence files' bytes go: the file store (content-addressed: writing a blob twice is harmless). */
export interface BlobTarget {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
}

/** What a whole, undamaged backup file holds (read through once, nothing written). */
export interface BackupSummary {
  header: BackupHeader;
  tables: Record<string, number>;
  blobs: number;
  missing: string[];
}

/** A restore refused before anything was written: the target or the file is not what a restore needs. */
export class RestoreRefused extends Error {}

/** The names of this code's migrations, oldest first. */
const codeMigrations = (): string[] => MIGRATIONS.map((m) => m.name);

/**
 * Reads the whole file and checks it, writing nothing: its format, that every row has its columns,
 * each table's and blob's count, each blob's SHA-256, and the end line's digest of everything before it
 * (a cut, changed or truncated file is refused here).
 */
export async function verifyBackup(file: string): Promise<BackupSummary> {
  let header: BackupHeader | null = null;
  let table: TableLine | null = null;
  let rows = 0;
  let blob: { key: string; hash: ReturnType<typeof createHash>; bytes: number } | null = null;
  const tables: Record<string, number> = {};
  let blobs = 0;
  let end: EndLine | null = null;
  for await (const { value: v, digestBefore, number } of readBackupLines(file)) {
    const bad = (why: string) => new BackupFileError(`line ${number}: ${why}`);
    if (end) throw bad('lines after the end line');
    if (number === 1) {
      if (v.t !== 'header' || v.format !== BACKUP_FORMAT) throw bad('not a Liandong backup (no header)');
      if (Number(v.formatVersion) > BACKUP_FORMAT_VERSION)
        throw bad(`backup format ${String(v.formatVersion)} is newer than this code reads (${BACKUP_FORMAT_VERSION})`);
      header = v as unknown as BackupHeader;
      continue;
    }
    if ('r' in v) {
      if (!table) throw bad('a row outside a table');
      if (!Array.isArray(v.r) || v.r.length !== table.columns.length)
        throw bad(`a row of ${table.name} without its columns`);
      rows += 1;
    } else if ('b' in v) {
      if (!blob || typeof v.b !== 'string') throw bad('bytes outside a blob');
      const part = Buffer.from(v.b, 'base64');
      blob.hash.update(part);
      blob.bytes += part.length;
    } else if (v.t === 'table') {
      if (table || blob) throw bad('a table inside another');
      table = v as unknown as TableLine;
      rows = 0;
    } else if (v.t === 'tableEnd') {
      if (!table || v.name !== table.name || v.rows !== rows)
        throw bad(`table ${String(v.name)} does not have its rows`);
      tables[table.name] = rows;
      table = null;
    } else if (v.t === 'blob') {
      if (table || blob) throw bad('a blob inside another');
      blob = { key: String(v.key), hash: createHash('sha256'), bytes: 0 };
    } else if (v.t === 'blobEnd') {
      if (!blob || v.key !== blob.key) throw bad('a blob’s end without its start');
      const sha = blob.hash.digest('hex');
      if (sha !== v.sha256 || blob.bytes !== v.bytes) throw bad(`${blob.key}: its bytes do not match their SHA-256`);
      // A blob is named by its content's hash: bytes that are not the name's are not that file.
      if (/^blob\//.test(blob.key) && !blob.key.endsWith(sha)) throw bad(`${blob.key}: the bytes are another file’s`);
      blobs += 1;
      blob = null;
    } else if (v.t === 'missing') {
      // carried as said in the end line
    } else if (v.t === 'end') {
      if (table || blob) throw bad('the end inside a table or blob');
      if (v.sha256 !== digestBefore) throw bad('the file’s digest does not match its content: it was changed');
      end = v as unknown as EndLine;
      if (JSON.stringify(end.tables) !== JSON.stringify(tables) || end.blobs !== blobs)
        throw bad('the counts at the end do not match the file’s content');
    } else throw bad(`unknown line ${JSON.stringify(v).slice(0, 80)}`);
  }
  if (!header) throw new BackupFileError('the file is empty');
  if (!end) throw new BackupFileError('the file has no end line: it was cut short');
  return { header, tables, blobs, missing: end.missing };
}

export interface RestoreReport {
  summary: BackupSummary;
  /** Migrations run before loading (to the backup's schema version) and after (to this code's). */
  migratedBefore: string[];
  migratedAfter: string[];
  rows: number;
  blobs: number;
  seconds: number;
}

/**
 * Restores `file` into the (empty) database `config` names, and its blobs into `blobs`:
 * 1. the file is read through and checked (verifyBackup): nothing is written unless it is whole;
 * 2. the target is refused if it holds data, or if its schema or the backup's is not one this code knows;
 * 3. the target is migrated to the backup's schema version (each migration commits on its own);
 * 4. every row is inserted in ONE transaction, the blobs written to the store before it commits:
 *    a failure rolls every row back (on MariaDB/MySQL the tables made in step 3 stay, empty, and a
 *    second restore may run into them; blobs already written stay in the store, unreferenced);
 * 5. auto-increment counters are set past the restored ids (MariaDB/MySQL: ALTER TABLE, after the commit);
 * 6. the remaining migrations bring the schema to this code's version (and convert the restored rows).
 */
export async function restoreBackup(
  config: Readonly<Pick<Config, 'database'>>,
  file: string,
  blobs: BlobTarget,
): Promise<RestoreReport> {
  const started = performance.now();
  const summary = await verifyBackup(file);
  const { header } = summary;
  const known = codeMigrations();
  const upto = header.migrations.length;
  if (header.migrations.some((name, i) => known[i] !== name)) {
    const unknown = header.migrations.filter((n) => !known.includes(n));
    throw new RestoreRefused(
      unknown.length
        ? `the backup's schema (${header.schemaVersion}) is newer than this code's (${known[known.length - 1]}): it has migration(s) ${unknown.join(', ')}. Restore it with that version of Liandong or a newer one.`
        : `the backup's migrations are not this code's, in this order: it was made by another line of Liandong`,
    );
  }
  let target = parseDatabaseUrl(config.database.url);
  if (target.kind === 'mysql' && !target.flavor) target = { ...target, flavor: await detectFlavor(target) };

  // Migrate to the backup's schema version (never past it: rows of that version go into tables of that version).
  const early = new DataSource({
    ...dataSourceOptions(target, { poolSize: 2 }),
    migrations: MIGRATIONS.slice(0, upto),
  });
  await early.initialize();
  let migratedBefore: string[];
  try {
    const m = early.manager;
    const applied = await appliedMigrations(m);
    if (applied.some((name, i) => header.migrations[i] !== name))
      throw new RestoreRefused(
        `the target database's schema (${applied[applied.length - 1]}) is past the backup's (${header.schemaVersion}): restore into a new, empty database (no tables); this command makes its schema`,
      );
    const present = await schemaTables(m);
    const holding = await tablesWithRows(
      m,
      present.filter((t) => !EXCLUDED.includes(t) && !REPLACED_ON_RESTORE.includes(t)),
    );
    if (holding.length)
      throw new RestoreRefused(
        `the target database is not empty (rows in ${holding.join(', ')}): a backup is restored only into an empty database`,
      );
    migratedBefore = (await early.runMigrations({ transaction: 'each' })).map((x) => x.name);
  } finally {
    await early.destroy();
  }

  const db = await openDatabase(config, target);
  let rows = 0;
  let written = 0;
  try {
    const counters = new Map<string, number>();
    await inWriteTransaction(db, async (m) => {
      await relaxForeignKeys(m);
      try {
        for (const t of REPLACED_ON_RESTORE) await deleteAll(m, t);
        let table: { line: TableLine; kinds: ColumnKind[]; pending: unknown[][] } | null = null;
        let blob: { key: string; contentType: string; parts: Buffer[] } | null = null;
        const flush = async () => {
          if (!table || !table.pending.length) return;
          await insertRows(m, table.line.name, table.line.columns, table.pending);
          rows += table.pending.length;
          table.pending = [];
        };
        for await (const { value: v, number } of readBackupLines(file)) {
          if (number === 1) continue;
          if ('r' in v && table) {
            const kinds = table.kinds;
            table.pending.push((v.r as unknown[]).map((x, i) => decodeValue(kinds[i], x)));
            if (table.pending.length >= 500) await flush();
          } else if ('b' in v && blob) {
            blob.parts.push(Buffer.from(String(v.b), 'base64'));
          } else if (v.t === 'table') {
            const line = v as unknown as TableLine;
            table = { line, kinds: line.types, pending: [] };
            if (line.nextId !== null) counters.set(line.name, line.nextId);
          } else if (v.t === 'tableEnd') {
            await flush();
            table = null;
          } else if (v.t === 'blob') {
            blob = { key: String(v.key), contentType: String(v.contentType), parts: [] };
          } else if (v.t === 'blobEnd' && blob) {
            const body = Buffer.concat(blob.parts);
            // Checked again as written: the file could have changed since it was read through.
            if (createHash('sha256').update(body).digest('hex') !== v.sha256)
              throw new BackupFileError(`${blob.key}: its bytes changed since the file was checked`);
            await blobs.put(blob.key, body, blob.contentType);
            written += 1;
            blob = null;
          }
        }
        if (db.kind === 'sqlite') for (const [name, next] of counters) await raiseNextId(m, name, next);
      } finally {
        await restoreForeignKeys(m);
      }
    });
    if (db.kind !== 'sqlite') for (const [name, next] of counters) await raiseNextId(db.manager, name, next);
    const migratedAfter = await db.migrate();
    return {
      summary,
      migratedBefore,
      migratedAfter,
      rows,
      blobs: written,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await db.close();
  }
}

/**
 * One write transaction on one connection (MariaDB/MySQL: a dedicated one, so its session setting of
 * FOREIGN_KEY_CHECKS stays on it and is set back before it returns to the pool).
 */
async function inWriteTransaction(db: Database, work: Parameters<Database['transaction']>[0]): Promise<void> {
  if (db.kind === 'sqlite') {
    await db.transaction(work);
    return;
  }
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await work(runner.manager);
      await runner.commitTransaction();
    } catch (e) {
      await runner.rollbackTransaction();
      throw e;
    }
  } finally {
    await runner.release();
  }
}
