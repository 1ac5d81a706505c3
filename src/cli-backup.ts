import { parseArgs } from 'node:util';
import type { Config } from '../config';
import type { Services } from './container';
import { blobKey, type FileStorage, fileStorage, thumbKey } from './domain/files/file-storage';
import { type BackupReport, type BlobSource, writeBackup } from './persistence/backup/backup-write';
import { type RestoreReport, restoreBackup } from './persistence/backup/backup-restore';

/** Writes a piece of the command's output. */
export type Out = (text: string) => void;

/** The file store as a backup reads it: each evidence file row's blob, and its thumbnail when it has one. */
export function blobSource(storage: Pick<FileStorage, 'open'>): BlobSource {
  return {
    keysOf: (row) => {
      const sha = String(row.sha256);
      const keys = [{ key: blobKey(sha), contentType: String(row.content_type) }];
      if (row.thumbnail_type) keys.push({ key: thumbKey(sha), contentType: String(row.thumbnail_type) });
      return keys;
    },
    open: (key) => storage.open(key),
  };
}

/** Closes an S3 store's sockets (a local store has none). */
function release(storage: FileStorage): void {
  (storage as { destroy?: () => void }).destroy?.();
}

/** `backup --out FILE [--brigade CODE]`: a consistent backup of the database (or one brigade) and its evidence files. */
export async function backupCommand(
  services: Pick<Services, 'db'>,
  args: string[],
  config: Readonly<Config>,
  out: Out,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, brigade: { type: 'string' } },
    strict: true,
  });
  if (!values.out) throw new Error('Usage: backup --out FILE [--brigade CODE]');
  const storage = fileStorage(config);
  try {
    const report = await writeBackup(services.db, values.out, { brigade: values.brigade, blobs: blobSource(storage) });
    out(formatBackupReport(report));
    return 0;
  } finally {
    release(storage);
  }
}

export function formatBackupReport(r: BackupReport): string {
  return (
    `Backup written to ${r.file}${r.brigade ? ` (brigade ${r.brigade} only)` : ''}: schema ${r.schemaVersion}, ` +
    `${r.rows} row(s) in ${Object.keys(r.tables).length} table(s), ${r.blobs} file blob(s) (${r.blobBytes} bytes), in ${r.seconds} s.\n` +
    (r.missing.length
      ? `Warning: ${r.missing.length} blob(s) named by evidence files were not in the file store: ${r.missing.join(', ')}\n`
      : '')
  );
}

/**
 * `restore FILE`: into the empty database DATABASE_URL names (made and migrated here), then migrated to
 * this code's schema; the history chains verified afterwards. Opens the database itself: it must not be
 * migrated past the backup's schema first, as every other command's start does.
 */
export async function restoreCommand(
  args: string[],
  config: Readonly<Config>,
  out: Out,
  verify: () => Promise<{ ok: boolean; text: string }>,
): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new Error('Usage: restore FILE');
  const storage = fileStorage(config);
  let report: RestoreReport;
  try {
    report = await restoreBackup(config, positionals[0], storage);
  } finally {
    release(storage);
  }
  out(formatRestoreReport(report));
  const checked = await verify();
  out(checked.text);
  return checked.ok ? 0 : 1;
}

export function formatRestoreReport(r: RestoreReport): string {
  const h = r.summary.header;
  return (
    `Restored ${r.rows} row(s) and ${r.blobs} file blob(s) from a backup of ${h.createdAt}` +
    `${h.brigade ? ` (brigade ${h.brigade.code} only)` : ''}, schema ${h.schemaVersion}, in ${r.seconds} s.\n` +
    (r.migratedAfter.length ? `Then migrated to this code's schema: ${r.migratedAfter.join(', ')}\n` : '') +
    (r.summary.missing.length
      ? `Warning: ${r.summary.missing.length} blob(s) were missing when the backup was made: ${r.summary.missing.join(', ')}\n`
      : '')
  );
}
