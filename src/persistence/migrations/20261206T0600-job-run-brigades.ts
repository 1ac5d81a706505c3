import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/** The oversight jobs as they were when this migration landed: each ran over every brigade and keyed its summary by brigade code. */
const BRIGADE_JOBS = ['monthly-minimum', 'holding', 'time-limits', 'plans-and-meetings', 'goods-limits', 'history-anchor'];
const BATCH = 500;

/**
 * Issue 11, finding 4: each brigade's part of a run of an oversight job, kept
 * apart (`job_run_brigades`), so a brigade's jobs page and API show only its
 * own part. Runs already logged by a database of one brigade were all that
 * brigade's: they are carried over whole. With more brigades a past run's
 * found/did cannot be split, so those runs stay in the instance's log only
 * (`npm run cli -- job list`). (Self-contained: no application code.)
 */
export class JobRunBrigades1796536800000 implements MigrationInterface {
  name = 'JobRunBrigades1796536800000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'job_run_brigades',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'run_id', type: 'integer' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'found', type: 'integer' },
          { name: 'did', type: 'integer' },
          { name: 'summary', type: 'json' },
          { name: 'error', type: 'text', isNullable: true },
        ],
        indices: [
          { name: 'UQ_job_run_brigades_run_brigade', columnNames: ['run_id', 'brigade_id'], isUnique: true },
          { name: 'IDX_job_run_brigades_brigade_run', columnNames: ['brigade_id', 'run_id'] },
        ],
        foreignKeys: [
          { name: 'FK_job_run_brigades_run_id', columnNames: ['run_id'], referencedTableName: 'job_runs', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
          { name: 'FK_job_run_brigades_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    const brigades: Array<{ id: unknown; code: string }> = await q.query('SELECT id, code FROM brigades');
    if (brigades.length !== 1) return;
    const [only] = brigades;
    const marks = BRIGADE_JOBS.map(() => '?').join(', ');
    for (let after = 0; ; ) {
      const runs: Array<{ id: unknown; status: string; found: unknown; did: unknown; summary: unknown; error: string | null }> = await q.query(
        `SELECT id, status, found, did, summary, error FROM job_runs WHERE job IN (${marks}) AND id > ? ORDER BY id LIMIT ${BATCH}`,
        [...BRIGADE_JOBS, after],
      );
      if (!runs.length) break;
      for (const r of runs) {
        const summary = readJson(r.summary);
        const part = summary && typeof summary === 'object' && only.code in summary ? (summary as Record<string, unknown>)[only.code] : {};
        await q.query('INSERT INTO job_run_brigades (run_id, brigade_id, status, found, did, summary, error) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          Number(r.id),
          Number(only.id),
          r.status,
          Number(r.found),
          Number(r.did),
          JSON.stringify(part ?? {}),
          r.error,
        ]);
      }
      after = Number(runs[runs.length - 1].id);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // A child table only: dropping it rebuilds no parent (on SQLite too).
    await q.dropTable('job_run_brigades');
  }
}

/** A JSON column as either driver hands it over (SQLite: text; MySQL/MariaDB: parsed, or text for MariaDB's JSON alias). */
function readJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
