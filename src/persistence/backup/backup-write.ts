import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Database } from '../data-source';
import { sql } from '../sql';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupHeader,
  BackupWriter,
  encodeValue,
  type EndLine,
  type TableLine,
} from './backup-format';
import {
  appliedMigrations,
  checkScopable,
  EXCLUDED,
  nextIds,
  readPage,
  tablePlans,
  uncarriedTables,
} from './backup-tables';

/** Where the evidence files' bytes are read from: the file store, seen only through the keys a file row names. */
export interface BlobSource {
  /** The store keys of one `evidence_files` row (its blob, and its thumbnail if it has one). */
  keysOf(row: Record<string, unknown>): Array<{ key: string; contentType: string }>;
  open(key: string): Promise<Readable | null>;
}

export interface BackupReport {
  file: string;
  brigade: string | null;
  schemaVersion: string;
  tables: Record<string, number>;
  rows: number;
  blobs: number;
  blobBytes: number;
  /** Keys that rows name and the store did not have (the backup carries the rows; restore reports them). */
  missing: string[];
  seconds: number;
}

const PAGE = 1000;
/** Base64 parts of a blob: 48 KiB of bytes each (64 KiB of text). */
const PART = 48 * 1024;

/**
 * Writes a consistent logical backup of the database (or of one brigade) and of the evidence files' bytes
 * into `file`. Everything is read in one transaction over one snapshot while the application keeps running:
 * MariaDB/MySQL `START TRANSACTION WITH CONSISTENT SNAPSHOT` at REPEATABLE READ; SQLite one read
 * transaction (WAL: writers in other processes go on, unseen by it).
 */
export async function writeBackup(
  db: Database,
  file: string,
  opts: { brigade?: string; blobs: BlobSource; now?: Date; pageSize?: number },
): Promise<BackupReport> {
  const started = performance.now();
  const plans = tablePlans(db.dataSource);
  const pageSize = opts.pageSize ?? PAGE;
  if (opts.brigade !== undefined) checkScopable(plans);
  const out = new BackupWriter(file);
  try {
    const report = await inSnapshot(db, async (m) => {
      const uncarried = await uncarriedTables(m, plans);
      if (uncarried.length)
        throw new Error(
          `the database has table(s) ${uncarried.join(', ')} that no entity declares: the backup would leave them out (declare an entity, or exclude them in backup-tables.ts, saying why)`,
        );
      let brigade: BackupHeader['brigade'] = null;
      if (opts.brigade !== undefined) {
        const { rows } = await sql<{ id: number; code: string }>(m, 'SELECT id, code FROM brigades WHERE code = ?', [
          opts.brigade,
        ]);
        if (!rows.length) throw new Error(`no brigade ${opts.brigade}`);
        brigade = { id: Number(rows[0].id), code: String(rows[0].code) };
      }
      const migrations = await appliedMigrations(m);
      const header: BackupHeader = {
        t: 'header',
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        createdAt: (opts.now ?? new Date()).toISOString(),
        source: db.kind,
        brigade,
        migrations,
        schemaVersion: migrations[migrations.length - 1] ?? '',
        excluded: [...EXCLUDED],
      };
      await out.line(header);
      const counters = await nextIds(m);
      const tables: Record<string, number> = {};
      const blobKeys = new Map<string, string>();
      for (const plan of plans) {
        if (brigade && plan.brigadeScope === null) continue;
        const scope = brigade && plan.brigadeScope ? { where: plan.brigadeScope, brigadeId: brigade.id } : null;
        let columns: string[] | null = null;
        let count = 0;
        let after: unknown[] | null = null;
        for (;;) {
          const rows = await readPage(m, plan, after, scope, pageSize);
          if (!columns) {
            columns = rows.length ? Object.keys(rows[0]) : [...plan.kinds.keys()];
            const line: TableLine = {
              t: 'table',
              name: plan.name,
              columns,
              types: columns.map((c) => plan.kinds.get(c) ?? 'unknown'),
              nextId: plan.generated ? (counters.get(plan.name) ?? null) : null,
            };
            await out.line(line);
          }
          for (const row of rows) {
            await out.line({ r: columns.map((c) => encodeValue(plan.kinds.get(c) ?? 'unknown', row[c])) });
            if (plan.name === 'evidence_files')
              for (const k of opts.blobs.keysOf(row)) blobKeys.set(k.key, k.contentType);
          }
          count += rows.length;
          if (rows.length < pageSize) break;
          const last = rows[rows.length - 1];
          after = plan.key.map((k) => last[k]);
        }
        await out.line({ t: 'tableEnd', name: plan.name, rows: count });
        tables[plan.name] = count;
      }
      // The bytes, read while the snapshot is still held: a blob is written once and never changed
      // (content-addressed); only an orphan's may be removed meanwhile, and is then reported missing.
      const missing: string[] = [];
      let blobBytes = 0;
      let blobs = 0;
      for (const [key, contentType] of [...blobKeys].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const stream = await opts.blobs.open(key);
        if (!stream) {
          missing.push(key);
          await out.line({ t: 'missing', key });
          continue;
        }
        await out.line({ t: 'blob', key, contentType });
        const hash = createHash('sha256');
        let bytes = 0;
        let pending = Buffer.alloc(0);
        for await (const chunk of stream) {
          pending = Buffer.concat([pending, Buffer.from(chunk as Uint8Array)]);
          while (pending.length >= PART) {
            const part = pending.subarray(0, PART);
            hash.update(part);
            bytes += part.length;
            await out.line({ b: part.toString('base64') });
            pending = pending.subarray(PART);
          }
        }
        if (pending.length) {
          hash.update(pending);
          bytes += pending.length;
          await out.line({ b: pending.toString('base64') });
        }
        await out.line({ t: 'blobEnd', key, sha256: hash.digest('hex'), bytes });
        blobs += 1;
        blobBytes += bytes;
      }
      const end: EndLine = { t: 'end', tables, blobs, missing, sha256: out.digest() };
      await out.line(end);
      return {
        file,
        brigade: brigade?.code ?? null,
        schemaVersion: header.schemaVersion,
        tables,
        rows: Object.values(tables).reduce((a, b) => a + b, 0),
        blobs,
        blobBytes,
        missing,
        seconds: 0,
      };
    });
    await out.close();
    return { ...report, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } catch (e) {
    await out.abandon();
    throw e;
  }
}

/** Runs `read` in one read-only transaction over one consistent snapshot of the database. */
async function inSnapshot<T>(db: Database, read: (m: EntityManager) => Promise<T>): Promise<T> {
  // SQLite: one transaction on the one connection (the in-process write lock, so no write of this
  // process interleaves on it); a deferred BEGIN takes its snapshot at the first read.
  if (db.kind === 'sqlite') return db.transaction(read);
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    // The pool's connections read at READ COMMITTED (data-source.ts); this one transaction at REPEATABLE READ,
    // whose snapshot is taken at once (WITH CONSISTENT SNAPSHOT), not at the first read.
    await runner.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await runner.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    try {
      return await read(runner.manager);
    } finally {
      await runner.query('COMMIT');
    }
  } finally {
    await runner.release();
  }
}
