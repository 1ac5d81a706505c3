import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Config } from '../../config';
import { ManualClock } from '../../src/clock';
import { blobSource } from '../../src/cli-backup';
import { createServices, type Services } from '../../src/container';
import { blobKey, fileStorage, thumbKey } from '../../src/domain/files/file-storage';
import { seedDemoHistory } from '../../src/domain/org/demo-history';
import type { Principal } from '../../src/domain/org/org.service';
import { createLogger } from '../../src/logger';
import { BackupFileError, readBackupLines } from '../../src/persistence/backup/backup-format';
import { restoreBackup, RestoreRefused, verifyBackup } from '../../src/persistence/backup/backup-restore';
import { EXCLUDED, schemaTables } from '../../src/persistence/backup/backup-tables';
import { writeBackup } from '../../src/persistence/backup/backup-write';
import { openDatabase } from '../../src/persistence/data-source';
import { sessionSecret } from '../../src/persistence/session-secret';
import { sql } from '../../src/persistence/sql';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { jpegPhoto, pdfDocument } from '../support/files';

/**
 * Issue 15: `backup` and `restore`. A database with a month of demo past, a second brigade and
 * evidence files is backed up and restored into an empty one — on this project's database, and from
 * the embedded SQLite into MariaDB — and read back through the services: the same figures, histories
 * (hashes verify), users (who can sign in), files.
 */

const NOW = new Date('2026-11-20T02:00:00Z');
const PASSWORD = 'liandong-demo';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-backup-test-'));
let made = 0;
const tempPath = (name: string) => path.join(work, `${++made}-${name}`);

interface Installation {
  services: Services;
  config: Readonly<Config>;
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Services on a database (migrated when `migrate`), their evidence files in a directory of their own
 * (`config`'s, when given).
 */
async function open(
  database: TestDatabase,
  migrate = true,
  config = testConfig(database.url, { files: { dir: tempPath('files') } }),
): Promise<Installation> {
  const db = await openDatabase(config);
  if (migrate) await db.migrate();
  const services = createServices(config, db, new ManualClock(NOW.toISOString()), createLogger({ silent: true }));
  return {
    services,
    config,
    database,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

async function principal(s: Services, brigade: string, username: string): Promise<Principal> {
  const b = await s.org.brigadeByCode(brigade);
  const found = await s.org.userByUsername(b.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return s.org.principalFor(found.user.id);
}

/** The reference brigade with a month of demo past and two evidence files, and a second brigade with one. */
async function source(database: TestDatabase): Promise<Installation & { shas: string[] }> {
  const i = await open(database);
  const s = i.services;
  await s.org.seedDemo();
  await sessionSecret(s.db, i.config);
  await seedDemoHistory(i.config, s.db, createLogger({ silent: true }), { months: 1, now: NOW });
  await s.org.createBrigade({ code: 'jingan', name: '静安区城管执法大队', timeZone: 'Asia/Shanghai' });
  await s.org.createUser({
    brigade: 'jingan',
    username: 'jingan.admin',
    displayName: '静安系统管理员',
    roles: ['admin'],
    password: 'jingan-pw',
  });
  const shas = [
    (await s.files.upload(await principal(s, 'huangpu', 'waitan.leader'), await jpegPhoto({ colour: '#a52' }), 'a.jpg'))
      .sha256,
    (await s.files.upload(await principal(s, 'huangpu', 'inspector'), pdfDocument('audit'), 'b.pdf')).sha256,
    (await s.files.upload(await principal(s, 'jingan', 'jingan.admin'), await jpegPhoto({ colour: '#25a' }), 'c.jpg'))
      .sha256,
  ];
  return { ...i, shas };
}

/** An empty database to restore into (SQLite: a file, as a restore opens it more than once). */
async function emptyTarget(kind: 'sqlite' | 'mysql' = TEST_DB): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const file = tempPath('target.sqlite');
    return { url: `sqlite:${file}`, drop: async () => fs.rmSync(file, { force: true }) };
  }
  return createTestDatabase();
}

async function backup(from: Installation, brigade?: string): Promise<string> {
  const file = tempPath('backup.ldbk.gz');
  const storage = fileStorage(from.config);
  // Small pages, so that every table of more than a few rows is read in several (keyset paging, composite keys too).
  await writeBackup(from.services.db, file, { brigade, blobs: blobSource(storage), now: NOW, pageSize: 7 });
  return file;
}

/** Restores `file` into `database`, then opens it as the application would. */
async function restored(file: string, database: TestDatabase): Promise<Installation> {
  const config = testConfig(database.url, { files: { dir: tempPath('files') } });
  await restoreBackup(config, file, fileStorage(config));
  return open(database, true, config);
}

const rows = async (i: Installation, statement: string) =>
  (await sql<Record<string, unknown>>(i.services.db.manager, statement)).rows;

/** What must come back identical: the brigade's year of figures, every history step and hash, the users. */
async function whatMatters(i: Installation, brigade = 'huangpu') {
  const s = i.services;
  const view = await s.figures.view(await principal(s, brigade, 'commander'), { period: '2026' });
  const history = await rows(
    i,
    'SELECT instance_id, seq, event, from_state, to_state, actor_user_id, prev_hash, hash FROM workflow_history ORDER BY id',
  );
  const users = await rows(i, 'SELECT id, brigade_id, username, password_hash, active FROM users ORDER BY id');
  const files = await rows(
    i,
    'SELECT id, brigade_id, sha256, bytes, content_type, uploaded_by FROM evidence_files ORDER BY id',
  );
  return { view: JSON.parse(JSON.stringify(view)), history, users, files };
}

async function blobsOf(i: Installation, shas: string[]) {
  const storage = fileStorage(i.config);
  return Promise.all(
    shas.map(async (sha) => ({ blob: await storage.read(blobKey(sha)), thumb: await storage.read(thumbKey(sha)) })),
  );
}

async function expectRoundTrip(from: Installation & { shas: string[] }, to: Installation) {
  const [before, after] = [await whatMatters(from), await whatMatters(to)];
  expect(after.view).toEqual(before.view);
  expect(after.history.length).toBeGreaterThan(100);
  expect(after.history).toEqual(before.history);
  expect(after.users).toEqual(before.users);
  expect(after.files).toEqual(before.files);
  expect(await rows(to, 'SELECT setting_key, value FROM app_settings')).toEqual(
    await rows(from, 'SELECT setting_key, value FROM app_settings'),
  );
  expect(before.view.rows.length).toBeGreaterThan(0);
  const verified = await to.services.historyChain.verify();
  expect(verified.ok).toBe(true);
  expect(verified.steps).toBe(before.history.length);
  // A restored user signs in with the password they had.
  await expect(to.services.signIn.signIn('commander', PASSWORD, '127.0.0.1')).resolves.toMatchObject({
    username: 'commander',
  });
  // The evidence files' bytes (and thumbnails) are back, byte for byte.
  const blobs = await blobsOf(to, from.shas);
  expect(blobs).toEqual(await blobsOf(from, from.shas));
  expect(blobs.every((b) => b.blob && b.blob.length > 0)).toBe(true);
}

describe(`backup and restore on ${TEST_DB}`, () => {
  let src: Installation & { shas: string[] };
  let file: string;

  beforeAll(async () => {
    src = await source(await createTestDatabase());
    file = await backup(src);
  }, 180_000);
  afterAll(async () => {
    await src?.close();
  });

  it('carries every table of the schema but those excluded on purpose, with every row', async () => {
    const summary = await verifyBackup(file);
    const tables = await schemaTables(src.services.db.manager);
    expect(Object.keys(summary.tables).sort()).toEqual(tables.filter((t) => !EXCLUDED.includes(t)).sort());
    for (const t of Object.keys(summary.tables)) {
      const [{ n }] = await rows(src, `SELECT COUNT(*) AS n FROM ${t}`);
      expect([t, summary.tables[t]]).toEqual([t, Number(n)]);
    }
    expect(summary.header.schemaVersion).toBe(summary.header.migrations[summary.header.migrations.length - 1]);
    expect(summary.blobs).toBeGreaterThanOrEqual(3);
  });

  it('restores into an empty database: the same figures, histories and hashes, users, files; new ids come after the restored ones', async () => {
    const to = await restored(file, await emptyTarget());
    try {
      await expectRoundTrip(src, to);
      const [{ top }] = await rows(to, 'SELECT MAX(id) AS top FROM workflow_history');
      const [{ topRun }] = await rows(to, 'SELECT MAX(id) AS topRun FROM job_runs');
      const run = await to.services.jobs.run('monthly-minimum', { via: 'cli', period: '2026-10' });
      expect(run.id).toBeGreaterThan(Number(topRun));
      const [{ next }] = await rows(to, 'SELECT MAX(id) AS next FROM workflow_history');
      expect(Number(next)).toBeGreaterThanOrEqual(Number(top));
    } finally {
      await to.close();
    }
  });

  it('refuses to restore into a database that has data, and changes nothing in it', async () => {
    const to = await restored(file, await emptyTarget());
    try {
      const before = await rows(to, 'SELECT COUNT(*) AS n FROM workflow_history');
      await expect(restoreBackup(to.config, file, fileStorage(to.config))).rejects.toThrow(
        /not empty \(rows in .*brigades/,
      );
      await expect(restoreBackup(to.config, file, fileStorage(to.config))).rejects.toBeInstanceOf(RestoreRefused);
      expect(await rows(to, 'SELECT COUNT(*) AS n FROM workflow_history')).toEqual(before);
    } finally {
      await to.close();
    }
  });

  it('refuses a changed, cut or corrupted file before writing anything', async () => {
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
    const changedRow = lines.findIndex((l) => l.includes('"commander"'));
    expect(changedRow).toBeGreaterThan(0);
    const changed = tempPath('changed.ldbk.gz');
    fs.writeFileSync(
      changed,
      zlib.gzipSync(lines.map((l, i) => (i === changedRow ? l.replace('"commander"', '"commandeer"') : l)).join('\n')),
    );
    const cut = tempPath('cut.ldbk.gz');
    fs.writeFileSync(cut, zlib.gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n'));
    const damaged = tempPath('damaged.ldbk.gz');
    const bytes = Buffer.from(fs.readFileSync(file));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    for (const [bad, why] of [
      [changed, /digest does not match/],
      [cut, /no end line/],
      // A flipped byte in the compressed stream fails wherever it first shows (gzip's check, a line that is no
      // JSON, a row or count that does not add up — the content, and so the place, differs from run to run):
      // any of them, as long as it is the file refused.
      [damaged, BackupFileError],
    ] as const) {
      const target = await emptyTarget();
      try {
        await expect(restoreBackup(testConfig(target.url), bad, fileStorage(testConfig(target.url)))).rejects.toThrow(
          why,
        );
        await expect(verifyBackup(bad)).rejects.toBeInstanceOf(BackupFileError);
        // Nothing was made: not even a table.
        const probe = await openDatabase(testConfig(target.url));
        try {
          expect(await schemaTables(probe.manager)).toEqual([]);
        } finally {
          await probe.close();
        }
      } finally {
        await target.drop();
      }
    }
  });

  it('--brigade carries only that brigade’s rows (and the runs they name), and restores on its own', async () => {
    const only = await backup(src, 'huangpu');
    const to = await restored(only, await emptyTarget());
    try {
      expect(await rows(to, 'SELECT code FROM brigades')).toEqual([{ code: 'huangpu' }]);
      for (const t of await schemaTables(to.services.db.manager)) {
        const columns = Object.keys((await rows(to, `SELECT * FROM ${t} LIMIT 1`))[0] ?? {});
        if (columns.includes('brigade_id'))
          expect([t, await rows(to, `SELECT DISTINCT brigade_id FROM ${t} WHERE brigade_id <> 1`)]).toEqual([t, []]);
      }
      expect(await rows(to, "SELECT username FROM users WHERE username = 'jingan.admin'")).toEqual([]);
      // Installation settings (the session secret) stay with the installation.
      expect(await rows(to, 'SELECT setting_key FROM app_settings')).toEqual([]);
      const [before, after] = [await whatMatters(src), await whatMatters(to)];
      expect(after.view).toEqual(before.view);
      expect(after.history).toEqual(before.history);
      expect(after.files).toEqual(before.files.filter((f) => Number(f.brigade_id) === 1));
      expect((await to.services.historyChain.verify()).ok).toBe(true);
      await expect(to.services.signIn.signIn('waitan.leader', PASSWORD, '127.0.0.1')).resolves.toBeTruthy();
      const blobs = await blobsOf(to, src.shas);
      expect(blobs.map((b) => b.blob !== null)).toEqual([true, true, false]);
    } finally {
      await to.close();
    }
  });

  it('a backup read line by line holds its header first and its end last', async () => {
    const seen: string[] = [];
    for await (const { value } of readBackupLines(file)) if (typeof value.t === 'string') seen.push(value.t);
    expect(seen[0]).toBe('header');
    expect(seen[seen.length - 1]).toBe('end');
  });
});

// A brigade moves from the embedded default to a server: in the MariaDB project (where a server answers).
if (TEST_DB === 'mysql')
  describe('from SQLite to MariaDB', () => {
    it('the same figures, histories and hashes, users and files after the move', async () => {
      const sqliteFile = tempPath('source.sqlite');
      const src = await source({
        url: `sqlite:${sqliteFile}`,
        drop: async () => fs.rmSync(sqliteFile, { force: true }),
      });
      try {
        const file = await backup(src);
        const to = await restored(file, await emptyTarget('mysql'));
        try {
          await expectRoundTrip(src, to);
        } finally {
          await to.close();
        }
      } finally {
        await src.close();
      }
    }, 180_000);
  });
