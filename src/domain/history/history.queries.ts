import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';

/** The history's SQL (the chains, the anchors): each function takes the EntityManager (or transaction) and returns plain rows. */

/** The ids of up to `batch` of a brigade's records after `after`, in ascending order. */
export async function recordIdsAfter(
  m: EntityManager,
  brigadeId: number,
  after: number,
  batch: number,
): Promise<number[]> {
  const { rows } = await sql<{ id: number }>(
    m,
    'SELECT id FROM workflow_instances WHERE id > ? AND brigade_id = ? ORDER BY id LIMIT ?',
    [after, brigadeId, batch],
  );
  return rows.map((r) => Number(r.id));
}

/** A record (its chain head) with one of its history rows (none: `id` null), as stored. */
export type WalkRow = Omit<HistoryRow, 'id'> & {
  record_id: number;
  workflow: string;
  record_brigade_id: number;
  record_version: number;
  head_hash: string | null;
  record_state: string;
  id: number | null;
};

/** Records and all their rows in one statement (one moment), by record then seq. */
export async function walkRows(m: EntityManager, recordIds: readonly number[]): Promise<WalkRow[]> {
  const { rows } = await sql<WalkRow>(
    m,
    `SELECT i.id AS record_id, i.workflow, i.brigade_id AS record_brigade_id, i.version AS record_version, i.head_hash, i.state AS record_state,
              h.id, h.brigade_id, h.seq, h.actor_user_id, h.actor_name, h.actor_role, h.event, h.payload, h.from_state, h.to_state, h.version, h.at, h.effective_at, h.prev_hash, h.hash
         FROM workflow_instances i LEFT JOIN workflow_history h ON h.instance_id = i.id
        WHERE i.id IN (${recordIds.map(() => '?').join(', ')}) ORDER BY i.id, h.seq`,
    [...recordIds],
  );
  return rows;
}

/** Each record's last step with a history id up to `uptoHistoryId` (seq and hash), by record. */
export async function headsWithin(
  m: EntityManager,
  recordIds: readonly number[],
  uptoHistoryId: number,
): Promise<Array<{ instance_id: number; seq: number; hash: string | null }>> {
  const { rows } = await sql<{ instance_id: number; seq: number; hash: string | null }>(
    m,
    `SELECT h.instance_id, h.seq, h.hash FROM workflow_history h
         JOIN (SELECT instance_id, MAX(seq) AS seq FROM workflow_history WHERE instance_id IN (${recordIds.map(() => '?').join(', ')}) AND id <= ? GROUP BY instance_id) t
           ON t.instance_id = h.instance_id AND t.seq = h.seq
        ORDER BY h.instance_id`,
    [...recordIds, uptoHistoryId],
  );
  return rows;
}

/** One record's history rows, by seq (as stored). */
export interface HistoryRow {
  id: number;
  brigade_id: number;
  seq: number;
  actor_user_id: number | null;
  actor_name: string;
  actor_role: string;
  event: string;
  payload: unknown;
  from_state: string | null;
  to_state: string;
  version: number;
  at: Date | string;
  effective_at: Date | string;
  prev_hash: string | null;
  hash: string | null;
}

export async function historyRows(m: EntityManager, instanceId: number): Promise<HistoryRow[]> {
  const { rows } = await sql<HistoryRow>(
    m,
    'SELECT id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash FROM workflow_history WHERE instance_id = ? ORDER BY seq',
    [instanceId],
  );
  return rows;
}

/** A record's chain head, if it is a record of this workflow in this brigade. */
export async function chainHead(
  m: EntityManager,
  key: { instanceId: number; workflow: string; brigadeId: number },
): Promise<{ version: number; head_hash: string | null; state: string } | undefined> {
  const { rows } = await sql<{ version: number; head_hash: string | null; state: string }>(
    m,
    'SELECT version, head_hash, state FROM workflow_instances WHERE id = ? AND workflow = ? AND brigade_id = ?',
    [key.instanceId, key.workflow, key.brigadeId],
  );
  return rows[0];
}

/** The tables whose row names a record, per workflow (for "which record" in a report): its title, or what it is about. */
const TITLES: Record<string, string> = {
  operation: 'SELECT title AS t FROM operations WHERE id = ?',
  hard_problem: 'SELECT title AS t FROM hard_problems WHERE id = ?',
  goods: 'SELECT description AS t FROM goods_items WHERE id = ?',
  border_notice: 'SELECT what AS t FROM border_notices WHERE id = ?',
};

/** A record's title, if its workflow has one. */
export async function recordTitle(m: EntityManager, workflow: string, instanceId: number): Promise<string | null> {
  const statement = TITLES[workflow];
  if (!statement) return null;
  const { rows } = await sql<{ t: string | null }>(m, statement, [instanceId]);
  return rows[0]?.t ?? null;
}

/** A daily anchor's row; its id. */
export async function insertAnchor(
  m: EntityManager,
  a: {
    brigadeId: number;
    day: string;
    digest: string;
    recordCount: number;
    stepCount: number;
    uptoHistoryId: number;
    coveredAt: Date;
    createdAt: Date;
  },
): Promise<number> {
  const { insertId } = await sql(
    m,
    'INSERT INTO history_anchors (brigade_id, day, digest, record_count, step_count, upto_history_id, covered_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [a.brigadeId, a.day, a.digest, a.recordCount, a.stepCount, a.uptoHistoryId, a.coveredAt, a.createdAt],
  );
  return insertId;
}
