import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { BorderNotice, HardProblem } from '../../persistence/entities';
import { forUpdate } from '../../persistence/dialect';
import { sql } from '../../persistence/sql';

/** The problems area's SQL (hard problems and border notices): plain rows in and out, no rules. */

/** R12: host squads holding, now, an operation that targets the problem or resolved it. */
export async function holdingHostSquads(m: EntityManager, brigadeId: number, problemId: number): Promise<number[]> {
  const { rows } = await sql<{ host_squad_id: number }>(
    m,
    `SELECT DISTINCT o.host_squad_id FROM operations o
      WHERE o.brigade_id = ? AND o.state = 'holding' AND o.host_squad_id IS NOT NULL
        AND (o.id IN (SELECT operation_id FROM hard_problem_operations WHERE problem_id = ?) OR o.id IN (SELECT operation_id FROM hard_problem_resolutions WHERE problem_id = ?))`,
    [brigadeId, problemId, problemId],
  );
  return rows.map((r) => Number(r.host_squad_id));
}

/** A problem's id and state, its row held until the transaction ends (two problems merged into each other at once cannot both go). */
export async function problemStateForUpdate(
  m: EntityManager,
  brigadeId: number,
  id: number,
): Promise<{ id: number; state: string } | null> {
  const { rows } = await sql<{ id: number; state: string }>(
    m,
    `SELECT id, state FROM hard_problems WHERE id = ? AND brigade_id = ?${forUpdate(m)}`,
    [id, brigadeId],
  );
  return rows[0] ? { id: Number(rows[0].id), state: rows[0].state } : null;
}

export async function insertProblemReport(
  m: EntityManager,
  r: {
    brigadeId: number;
    problemId: number;
    kind: string;
    source: string | null;
    description: string;
    byUserId: number | null;
    at: Date;
  },
): Promise<void> {
  await sql(
    m,
    'INSERT INTO hard_problem_reports (brigade_id, problem_id, original_problem_id, kind, source, description, by_user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [r.brigadeId, r.problemId, r.problemId, r.kind, r.source, r.description, r.byUserId, r.at],
  );
}

/** Makes an operation's plan target a problem unless it does already. */
export async function linkOperation(
  m: EntityManager,
  brigadeId: number,
  problemId: number,
  operationId: number,
  at: Date,
): Promise<void> {
  const { rows } = await sql(
    m,
    'SELECT 1 AS x FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ?',
    [problemId, operationId],
  );
  if (!rows.length)
    await sql(
      m,
      'INSERT INTO hard_problem_operations (problem_id, operation_id, brigade_id, linked_at) VALUES (?, ?, ?, ?)',
      [problemId, operationId, brigadeId, at],
    );
}

/** The problems a new plan targets: it targets none yet, so each is inserted, all in one statement. */
export async function linkNewOperation(
  m: EntityManager,
  brigadeId: number,
  problemIds: readonly number[],
  operationId: number,
  at: Date,
): Promise<void> {
  if (!problemIds.length) return;
  await sql(
    m,
    `INSERT INTO hard_problem_operations (problem_id, operation_id, brigade_id, linked_at) VALUES ${problemIds.map(() => '(?, ?, ?, ?)').join(', ')}`,
    problemIds.flatMap((problemId) => [problemId, operationId, brigadeId, at]),
  );
}

/** §3.4: the survivor of a merge takes the duplicate's reports and the plans that target it; the duplicate keeps none. */
export async function mergeProblemRows(
  m: EntityManager,
  brigadeId: number,
  duplicateId: number,
  intoId: number,
  at: Date,
): Promise<void> {
  await sql(m, 'UPDATE hard_problem_reports SET problem_id = ? WHERE problem_id = ?', [intoId, duplicateId]);
  const { rows } = await sql<{ operation_id: number }>(
    m,
    'SELECT operation_id FROM hard_problem_operations WHERE problem_id = ?',
    [duplicateId],
  );
  for (const r of rows) await linkOperation(m, brigadeId, intoId, Number(r.operation_id), at);
  await sql(m, 'DELETE FROM hard_problem_operations WHERE problem_id = ?', [duplicateId]);
  await sql(m, 'UPDATE hard_problems SET updated_at = ? WHERE id = ?', [at, intoId]);
}

/** Closes a record's open time limit of one kind at `at`: met if not yet due, else late. */
export async function closeDeadline(m: EntityManager, instanceId: number, kind: string, at: Date): Promise<void> {
  await sql(
    m,
    "UPDATE workflow_deadlines SET closed_at = ?, outcome = CASE WHEN due_at >= ? THEN 'met' ELSE 'late' END WHERE instance_id = ? AND kind = ? AND closed_at IS NULL",
    [at, at, instanceId, kind],
  );
}

export async function insertResolution(
  m: EntityManager,
  r: { problemId: number; seq: number; operationId: number; brigadeId: number; at: Date },
): Promise<void> {
  await sql(
    m,
    'INSERT INTO hard_problem_resolutions (problem_id, seq, operation_id, brigade_id, resolved_at) VALUES (?, ?, ?, ?, ?)',
    [r.problemId, r.seq, r.operationId, r.brigadeId, r.at],
  );
}

/** squad_ids is JSON text written without spaces ([3,7]): the id as a whole element. */
function withSquadId<T extends object>(
  q: SelectQueryBuilder<T>,
  alias: string,
  squadId: number,
  p = 's',
): SelectQueryBuilder<T> {
  const s = String(squadId);
  return q.andWhere(
    `(${alias}.squad_ids LIKE :${p}a OR ${alias}.squad_ids LIKE :${p}b OR ${alias}.squad_ids LIKE :${p}c OR ${alias}.squad_ids LIKE :${p}d)`,
    {
      [`${p}a`]: `[${s}]`,
      [`${p}b`]: `[${s},%`,
      [`${p}c`]: `%,${s}]`,
      [`${p}d`]: `%,${s},%`,
    },
  );
}

/** §3.4: the brigade's problems of a category reported since `since`, not merged, newest first (at most 200). */
export function recentProblemsOfCategory(
  m: EntityManager,
  brigadeId: number,
  category: string,
  since: Date,
): Promise<HardProblem[]> {
  return m
    .createQueryBuilder(HardProblem, 'p')
    .where('p.brigade_id = :b AND p.category = :c AND p.reported_at >= :since AND p.state <> :merged', {
      b: brigadeId,
      c: category,
      since,
      merged: 'merged',
    })
    .orderBy('p.reported_at', 'DESC')
    .take(200)
    .getMany();
}

/** The records' versions (id → version). */
export async function versionsOf(m: EntityManager, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const { rows } = await sql<{ id: number; version: number }>(
    m,
    `SELECT id, version FROM workflow_instances WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.version)]));
}

export interface ProblemListQuery {
  brigadeId: number;
  /** Only the problems this user reported, or gained a report of (a rebound, a merge). */
  reporterId?: number | null;
  states?: string[];
  source?: string;
  category?: string;
  squadId?: number;
  text?: string;
  beforeId?: number;
  take: number;
}

/** A page of the brigade's hard problems, newest (highest id) first. */
export function listProblems(m: EntityManager, f: ProblemListQuery): Promise<HardProblem[]> {
  const q = m.createQueryBuilder(HardProblem, 'p').where('p.brigade_id = :b', { b: f.brigadeId });
  if (f.reporterId !== undefined && f.reporterId !== null) {
    q.andWhere(
      '(p.created_by = :reporter OR EXISTS (SELECT 1 FROM hard_problem_reports r WHERE r.problem_id = p.id AND r.by_user_id = :reporter))',
      { reporter: f.reporterId },
    );
  }
  if (f.states?.length) q.andWhere('p.state IN (:...states)', { states: f.states });
  if (f.source) q.andWhere('p.source = :source', { source: f.source });
  if (f.category) q.andWhere('p.category = :category', { category: f.category });
  if (f.squadId !== undefined) withSquadId(q, 'p', f.squadId, 'sq');
  if (f.text !== undefined) q.andWhere('(p.title LIKE :q OR p.location LIKE :q)', { q: `%${f.text}%` });
  if (f.beforeId !== undefined) q.andWhere('p.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('p.id', 'DESC').limit(f.take).getMany();
}

/** The problems a plan targets (their ids). */
export async function problemIdsOfPlan(m: EntityManager, operationId: number): Promise<number[]> {
  const { rows } = await sql<{ problem_id: number }>(
    m,
    'SELECT problem_id FROM hard_problem_operations WHERE operation_id = ?',
    [operationId],
  );
  return rows.map((r) => Number(r.problem_id));
}

export async function unlinkOperation(m: EntityManager, operationId: number, problemId: number): Promise<void> {
  await sql(m, 'DELETE FROM hard_problem_operations WHERE operation_id = ? AND problem_id = ?', [
    operationId,
    problemId,
  ]);
}

/** The oldest problems of a state (at most `take`); `atBorderOf`: only those at that squad's border; `awaitingCallback`: hotline ones not yet called back. */
export function problemsInState(
  m: EntityManager,
  f: { brigadeId: number; state: string; atBorderOf?: number; awaitingCallback?: boolean; take: number },
): Promise<HardProblem[]> {
  const q = m
    .createQueryBuilder(HardProblem, 'p')
    .where('p.brigade_id = :b AND p.state = :state', { b: f.brigadeId, state: f.state });
  if (f.awaitingCallback) q.andWhere("p.source = 'hotline_12319' AND p.callback_count = 0");
  if (f.atBorderOf !== undefined) withSquadId(q, 'p', f.atBorderOf);
  return q.orderBy('p.id', 'ASC').take(f.take).getMany();
}

/** R8: notices sent and not yet acted on, told to the group, or (senders without a group) at the border of the squad. */
export function noticesWaiting(
  m: EntityManager,
  f: { brigadeId: number; groupId: number | null; squadId: number; take: number },
): Promise<BorderNotice[]> {
  const q = m
    .createQueryBuilder(BorderNotice, 'n')
    .where('n.brigade_id = :b AND n.state = :s', { b: f.brigadeId, s: 'sent' });
  const sq = String(f.squadId);
  const borderless =
    '(n.group_id IS NULL AND (n.squad_ids LIKE :na OR n.squad_ids LIKE :nb OR n.squad_ids LIKE :nc OR n.squad_ids LIKE :nd))';
  const border = { na: `[${sq}]`, nb: `[${sq},%`, nc: `%,${sq}]`, nd: `%,${sq},%` };
  if (f.groupId !== null) q.andWhere(`(n.group_id = :g OR ${borderless})`, { g: f.groupId, ...border });
  else q.andWhere(borderless, border);
  return q.orderBy('n.id', 'ASC').take(f.take).getMany();
}

/** A page of the brigade's border notices, newest first. */
export function listNotices(
  m: EntityManager,
  f: { brigadeId: number; states?: string[]; beforeId?: number; take: number },
): Promise<BorderNotice[]> {
  const q = m.createQueryBuilder(BorderNotice, 'n').where('n.brigade_id = :b', { b: f.brigadeId });
  if (f.states?.length) q.andWhere('n.state IN (:...states)', { states: f.states });
  if (f.beforeId !== undefined) q.andWhere('n.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('n.id', 'DESC').limit(f.take).getMany();
}
