import { migrationDatabase } from '../support/migration-db';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { JobRunBrigades1796536800000 } from '../../src/persistence/migrations/20261206T0600-job-run-brigades';

const db = migrationDatabase('job-run-brigades');
const withMigrations = db.withMigrations;

beforeAll(() => db.setUp());
afterAll(() => db.drop());

const RUN =
  "INSERT INTO job_runs (job, period, via, instance, slot_key, triggered_by, attempt, started_at, finished_at, status, found, did, summary, error) VALUES (?, NULL, 'schedule', 'i', NULL, NULL, 1, '2026-11-30 16:00:00', '2026-11-30 16:00:01', ?, ?, ?, ?, ?)";

describe('the job-run-brigades migration (issue 11, finding 4)', () => {
  it('carries the runs of a database of one brigade over to it whole; the instance’s housekeeping stays the instance’s; down drops the table', async () => {
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(JobRunBrigades1796536800000));
    await withMigrations(before, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      await ds.query(
        "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES ('huangpu', '黄浦区城管执法大队', 'Huangpu', 'Asia/Shanghai', '2026-03-31 17:30:00', '2026-04')",
      );
      await ds.query(RUN, [
        'monthly-minimum',
        'ok',
        2,
        1,
        JSON.stringify({ huangpu: { '2026-10': { groups: 4, belowMinimum: 2 } } }),
        null,
      ]);
      await ds.query(RUN, ['time-limits', 'failed', 0, 0, '{}', 'Error: database went away']);
      await ds.query(RUN, ['outbox', 'ok', 3, 3, JSON.stringify({ claimed: 3 }), null]);
    });
    await withMigrations(MIGRATIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      const rows: Array<Record<string, unknown>> = await ds.query(
        'SELECT r.job, p.status, p.found, p.did, p.summary, p.error FROM job_run_brigades p JOIN job_runs r ON r.id = p.run_id JOIN brigades b ON b.id = p.brigade_id WHERE b.code = ? ORDER BY p.run_id',
        ['huangpu'],
      );
      const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
      expect(rows.map((r) => [r.job, r.status, Number(r.found), Number(r.did), json(r.summary), r.error])).toEqual([
        ['monthly-minimum', 'ok', 2, 1, { '2026-10': { groups: 4, belowMinimum: 2 } }, null],
        ['time-limits', 'failed', 0, 0, {}, 'Error: database went away'],
      ]);
      // Down to before it (the migrations after it first).
      const undo = MIGRATIONS.length - MIGRATIONS.indexOf(JobRunBrigades1796536800000);
      for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'each' });
      const tables: Array<Record<string, string>> =
        ds.options.type === 'better-sqlite3'
          ? await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")
          : await ds.query('SHOW TABLES');
      expect(tables.map((r) => Object.values(r)[0])).not.toContain('job_run_brigades');
      expect(Number((await ds.query('SELECT COUNT(*) AS n FROM job_runs'))[0].n)).toBe(3);
    });
  });
});
