import type { EntityManager } from 'typeorm';
import { lockedForRead } from '../persistence/dialect';
import { GoodsItem } from '../persistence/entities';
import { sql } from '../persistence/sql';

/** The jobs' SQL: the run log, the run slots, and the rows the jobs read. Plain rows in and out. */

/** Claims a run slot (`<job>:<slot>`); a slot another instance claimed first fails with a unique violation. */
export async function claimSlot(m: EntityManager, key: string, instance: string, at: Date): Promise<void> {
  await sql(m, 'INSERT INTO job_slots (slot_key, job, instance, claimed_at, finished_at) VALUES (?, ?, ?, ?, NULL)', [
    key,
    key.slice(0, key.indexOf(':')),
    instance,
    at,
  ]);
}

/** Which instance holds a run slot; null when nobody claimed it. */
export async function slotOwner(m: EntityManager, key: string): Promise<string | null> {
  const { rows } = await sql<{ instance: string }>(m, 'SELECT instance FROM job_slots WHERE slot_key = ?', [key]);
  return rows[0]?.instance ?? null;
}

export async function finishSlot(m: EntityManager, key: string, instance: string, at: Date): Promise<void> {
  await sql(m, 'UPDATE job_slots SET finished_at = ? WHERE slot_key = ? AND instance = ?', [at, key, instance]);
}

/** A run begun (running), and each brigade's part of it; returns the run's id. */
export async function insertRun(
  m: EntityManager,
  run: {
    job: string;
    period: string | null;
    via: string;
    instance: string;
    slotKey: string | null;
    triggeredBy: number | null;
    attempt: number;
    startedAt: Date;
  },
  brigadeIds: number[],
): Promise<number> {
  const { insertId } = await sql(
    m,
    'INSERT INTO job_runs (job, period, via, instance, slot_key, triggered_by, attempt, started_at, finished_at, status, found, did, summary, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, 0, ?, NULL)',
    [
      run.job,
      run.period,
      run.via,
      run.instance,
      run.slotKey,
      run.triggeredBy,
      run.attempt,
      run.startedAt,
      'running',
      {},
    ],
  );
  for (const id of brigadeIds) {
    await sql(
      m,
      'INSERT INTO job_run_brigades (run_id, brigade_id, status, found, did, summary, error) VALUES (?, ?, ?, 0, 0, ?, NULL)',
      [insertId, id, 'running', {}],
    );
  }
  return insertId;
}

export interface RunEnd {
  status: 'ok' | 'failed';
  found: number;
  did: number;
  summary: unknown;
  error: string | null;
}

export async function finishRunBrigade(m: EntityManager, runId: number, brigadeId: number, end: RunEnd): Promise<void> {
  await sql(
    m,
    'UPDATE job_run_brigades SET status = ?, found = ?, did = ?, summary = ?, error = ? WHERE run_id = ? AND brigade_id = ?',
    [end.status, end.found, end.did, end.summary, end.error, runId, brigadeId],
  );
}

export async function finishRun(m: EntityManager, runId: number, at: Date, end: RunEnd): Promise<void> {
  await sql(
    m,
    'UPDATE job_runs SET finished_at = ?, status = ?, found = ?, did = ?, summary = ?, error = ? WHERE id = ?',
    [at, end.status, end.found, end.did, end.summary, end.error, runId],
  );
}

/** Runs cut short (a shutdown out of time): failed with `reason`, and their brigades' parts still running too. */
export async function interruptRuns(m: EntityManager, runIds: number[], at: Date, reason: string): Promise<void> {
  if (!runIds.length) return;
  const marks = runIds.map(() => '?').join(', ');
  await sql(
    m,
    `UPDATE job_runs SET finished_at = ?, status = 'failed', error = ? WHERE id IN (${marks}) AND status = 'running'`,
    [at, reason, ...runIds],
  );
  await sql(
    m,
    `UPDATE job_run_brigades SET status = 'failed', error = ? WHERE run_id IN (${marks}) AND status = 'running'`,
    [reason, ...runIds],
  );
}

/** Forgets the outbox job's idle runs (ok, nothing found) and its slots from before `before`. */
export async function pruneIdleOutboxRuns(m: EntityManager, before: Date): Promise<{ runs: number; slots: number }> {
  const runs = await sql(
    m,
    "DELETE FROM job_runs WHERE job = 'outbox' AND status = 'ok' AND found = 0 AND started_at < ?",
    [before],
  );
  // Slot keys are `outbox:<ISO instant>`: a range of the primary key, oldest first.
  const slots = await sql(m, 'DELETE FROM job_slots WHERE slot_key >= ? AND slot_key < ?', [
    'outbox:',
    `outbox:${before.toISOString()}`,
  ]);
  return { runs: runs.affected, slots: slots.affected };
}

/** The brigade's held items at or past amber, read with a lock on MySQL/MariaDB (see goods-limits.job.ts). */
export function heldGoodsAtAmber(m: EntityManager, brigadeId: number, now: Date): Promise<GoodsItem[]> {
  const q = m
    .createQueryBuilder(GoodsItem, 'g')
    .where("g.brigade_id = :b AND g.state = 'held' AND g.amber_at <= :now", { b: brigadeId, now });
  return lockedForRead(m, q).getMany();
}
