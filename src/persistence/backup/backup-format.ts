import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { readDate } from '../columns';

/**
 * A backup file: gzip'd JSON lines, read and written as a stream (a table is
 * never held whole in memory). In order:
 *
 *   {"t":"header", …}                          format, schema version (migrations), brigade, source dialect
 *   {"t":"table","name":…,"columns":[…],"types":[…],"nextId":…}
 *   {"r":[…]}                                  one row: values in `columns` order, encoded by `types`
 *   {"t":"tableEnd","name":…,"rows":N}
 *   … every table …
 *   {"t":"blob","key":"blob/ab/<sha>","contentType":…}  an evidence file's bytes (or its thumbnail's)
 *   {"b":"<base64>"}                           its bytes, in parts
 *   {"t":"blobEnd","key":…,"sha256":…,"bytes":N}
 *   {"t":"missing","key":…}                    a blob a row names that the store did not have
 *   {"t":"end","tables":{…},"blobs":N,"sha256":"…"}   counts, and the SHA-256 of every line before this one
 *
 * The end line's digest makes a cut or changed file refused before anything is written.
 */

export const BACKUP_FORMAT = 'liandong-backup';
export const BACKUP_FORMAT_VERSION = 1;

/** How a column's values are written: by the entity's column type (`unknown` for a column no entity declares). */
export type ColumnKind = 'datetime' | 'boolean' | 'json' | 'integer' | 'double' | 'text' | 'unknown';

export interface BackupHeader {
  t: 'header';
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  /** The database the backup was read from: `sqlite` or `mysql` (MariaDB/MySQL). */
  source: string;
  /** Only this brigade's rows (and the rows they need), or the whole installation. */
  brigade: { id: number; code: string } | null;
  /** Migrations applied, oldest first (the schema version is the last). */
  migrations: string[];
  schemaVersion: string;
  /** Tables deliberately not carried (see backup-tables.ts: EXCLUDED). */
  excluded: string[];
}

export interface TableLine {
  t: 'table';
  name: string;
  columns: string[];
  types: ColumnKind[];
  /** The id the table's auto-increment counter would give next in the source (null: no counter). */
  nextId: number | null;
}

export interface EndLine {
  t: 'end';
  tables: Record<string, number>;
  blobs: number;
  missing: string[];
  sha256: string;
}

/** A column's value as written into the file: the same JSON from either database. */
export function encodeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return { $big: value.toString() };
  if (Buffer.isBuffer(value)) return { $b64: value.toString('base64') };
  switch (kind) {
    case 'datetime': {
      const d = readDate(value);
      if (!d || !Number.isFinite(d.getTime())) throw new Error(`not a datetime: ${String(value)}`);
      return d.toISOString();
    }
    case 'boolean':
      return value === true || value === 1 || value === '1';
    case 'json':
      // The JSON text as stored (MySQL would hand over a value): key order kept.
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      if (value instanceof Date) return { $date: value.toISOString() };
      return value;
  }
}

/** A value read from the file, as `sql` binds it (a Date for a datetime: each database stores it its own way). */
export function decodeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const o = value as Record<string, string>;
    if ('$big' in o) return BigInt(o.$big);
    if ('$b64' in o) return Buffer.from(o.$b64, 'base64');
    if ('$date' in o) return new Date(o.$date);
    throw new Error(`unreadable value ${JSON.stringify(value)}`);
  }
  if (kind === 'datetime') {
    const d = new Date(String(value));
    if (!Number.isFinite(d.getTime())) throw new Error(`not a datetime: ${String(value)}`);
    return d;
  }
  return value;
}

/** Writes lines into a gzip'd file under a temporary name, renamed into place only when whole. */
export class BackupWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly out: fs.WriteStream;
  private readonly temp: string;
  private failed: Error | null = null;

  constructor(private readonly file: string) {
    this.temp = `${file}.${process.pid}.part`;
    this.out = fs.createWriteStream(this.temp);
    this.gzip.pipe(this.out);
    const fail = (e: Error) => (this.failed ??= e);
    this.gzip.on('error', fail);
    this.out.on('error', fail);
  }

  async line(value: object): Promise<void> {
    if (this.failed) throw this.failed;
    const text = `${JSON.stringify(value)}\n`;
    this.hash.update(text);
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  /** The digest of every line written so far (the end line carries it). */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  async close(): Promise<void> {
    this.gzip.end();
    await finished(this.out);
    if (this.failed) throw this.failed;
    await fs.promises.rename(this.temp, this.file);
  }

  async abandon(): Promise<void> {
    this.gzip.destroy();
    this.out.destroy();
    await fs.promises.rm(this.temp, { force: true });
  }
}

/** A line of the file, parsed, with the digest of every line before it. */
export interface ReadLine {
  value: Record<string, unknown>;
  /** SHA-256 of the lines before this one (what an end line must carry). */
  digestBefore: string;
  number: number;
}

/** The file's lines, parsed, one at a time (a gzip or JSON error is thrown naming the line). */
export async function* readBackupLines(file: string): AsyncGenerator<ReadLine> {
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  const parse = (text: string): ReadLine => {
    number += 1;
    const digestBefore = hash.copy().digest('hex');
    hash.update(`${text}\n`);
    try {
      return { value: JSON.parse(text) as Record<string, unknown>, digestBefore, number };
    } catch {
      throw new BackupFileError(`line ${number} is not JSON`);
    }
  };
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      let at = rest.indexOf('\n');
      while (at >= 0) {
        yield parse(rest.slice(0, at));
        rest = rest.slice(at + 1);
        at = rest.indexOf('\n');
      }
    }
  } catch (e) {
    if (e instanceof BackupFileError) throw e;
    throw new BackupFileError(`the file is not a whole gzip stream (${(e as Error).message})`);
  } finally {
    source.destroy();
  }
  rest += decoder.end();
  if (rest.length) throw new BackupFileError('the file ends in the middle of a line (cut short?)');
}

/** A backup file that cannot be restored: damaged, cut, or not a backup. */
export class BackupFileError extends Error {}
