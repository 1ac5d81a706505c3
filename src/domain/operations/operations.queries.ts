import type { EntityManager } from 'typeorm';
import { Operation, User, UserRole } from '../../persistence/entities';
import { sql, type Statement } from '../../persistence/sql';
import { selectEntities } from '../../persistence/rows';

/** The operations area's SQL: each function takes the EntityManager (or transaction) and returns plain rows. */

/** R12: a round's holding checks and spot checks, as recorded. */
export async function holdingRecordRows(m: EntityManager, operationId: number, round: number) {
  const { rows } = await sql<{ kind: string; date: string | null; rebound_observed: unknown }>(
    m,
    "SELECT kind, date, rebound_observed FROM holding_records WHERE operation_id = ? AND round = ? AND kind IN ('holding_check', 'spot_check')",
    [operationId, round],
  );
  return rows;
}

/** R13: items registered in the operation's goods ledger, counted per detaining squad (squad id → count). */
export async function goodsCountBySquad(m: EntityManager, operationId: number): Promise<Record<number, number>> {
  const { rows } = await sql<{ squad_id: unknown; n: unknown }>(
    m,
    'SELECT p.squad_id AS squad_id, COUNT(*) AS n FROM goods_items g JOIN goods_parties p ON p.id = g.party_id WHERE g.operation_id = ? GROUP BY p.squad_id',
    [operationId],
  );
  return Object.fromEntries(rows.filter((r) => r.squad_id !== null).map((r) => [Number(r.squad_id), Number(r.n)]));
}

/** The squads' rows of a new plan, in order (operation_squads' columns): its squads and their planned forces. */
export function newSquadRowValues(
  operationId: number,
  brigadeId: number,
  squads: ReadonlyArray<{ squadId: number; officers: number | null; vehicles: number | null }>,
): Array<Record<string, unknown>> {
  return squads.map((s, i) => ({
    operation_id: operationId,
    squad_id: s.squadId,
    brigade_id: brigadeId,
    position: i + 1,
    planned_officers: s.officers,
    planned_vehicles: s.vehicles,
  }));
}

/** Inserts `newSquadRowValues`' rows in one statement (none when the plan names no squad). */
export function newSquadRowsStatement(rows: ReadonlyArray<Record<string, unknown>>): Statement[] {
  if (!rows.length) return [];
  const names = Object.keys(rows[0]);
  const one = `(${names.map(() => '?').join(', ')})`;
  return [
    {
      text: `INSERT INTO operation_squads (${names.join(', ')}) VALUES ${rows.map(() => one).join(', ')}`,
      params: rows.flatMap((r) => names.map((n) => r[n])),
    },
  ];
}

/**
 * The squads' result lines, in one statement whatever their number (issue 14: it was one per squad). The goods a
 * squad detained are what the ledger registered for it (R13). A squad named twice keeps its last line, as a
 * statement per line did.
 */
export function resultLinesStatements(
  operationId: number,
  lines: ReadonlyArray<{ squadId: number; officers: number; vehicles: number; educated: number; handled: number }>,
): Statement[] {
  const bySquad = new Map(lines.map((l) => [l.squadId, l]));
  if (!bySquad.size) return [];
  const squads = [...bySquad.values()];
  const cases = (column: 'officers' | 'vehicles' | 'educated' | 'handled') => ({
    text: `${column} = CASE squad_id ${squads.map(() => 'WHEN ? THEN ?').join(' ')} END`,
    params: squads.flatMap((l) => [l.squadId, l[column]]),
  });
  const sets = (['officers', 'vehicles', 'educated', 'handled'] as const).map(cases);
  return [
    {
      text: `UPDATE operation_squads SET ${sets.map((c) => c.text).join(', ')},
            goods_detained = (SELECT COUNT(*) FROM goods_items g JOIN goods_parties p ON p.id = g.party_id
                               WHERE g.operation_id = operation_squads.operation_id AND p.squad_id = operation_squads.squad_id)
      WHERE operation_id = ? AND squad_id IN (${squads.map(() => '?').join(', ')})`,
      params: [...sets.flatMap((c) => c.params), operationId, ...squads.map((l) => l.squadId)],
    },
  ];
}

/** Keeps the latest holding-check date on the operation (a check of an earlier day leaves it). */
export async function noteHoldingCheckDate(m: EntityManager, operationId: number, date: string): Promise<void> {
  await sql(
    m,
    'UPDATE operations SET last_holding_check_date = ? WHERE id = ? AND (last_holding_check_date IS NULL OR last_holding_check_date < ?)',
    [date, operationId, date],
  );
}

/** R12: amends the day's holding check of a round, if there is one; false when there is none yet. */
export async function amendHoldingCheck(
  m: EntityManager,
  key: { operationId: number; round: number; date: string },
  check: {
    officersOnPost: number;
    reboundObserved: boolean;
    notes: string;
    byUserId: number | null;
    at: Date;
    historySeq: number;
  },
): Promise<boolean> {
  const amended = await sql(
    m,
    "UPDATE holding_records SET officers_on_post = ?, rebound_observed = ?, notes = ?, by_user_id = ?, at = ?, history_seq = ?, amendments = amendments + 1 WHERE operation_id = ? AND kind = 'holding_check' AND round = ? AND date = ?",
    [
      check.officersOnPost,
      check.reboundObserved,
      check.notes,
      check.byUserId,
      check.at,
      check.historySeq,
      key.operationId,
      key.round,
      key.date,
    ],
  );
  return amended.affected > 0;
}

/** The plan's number, if it has been given one. */
export async function planNumberOf(m: EntityManager, operationId: number): Promise<number | null> {
  const { rows } = await sql<{ number_seq: unknown }>(m, 'SELECT number_seq FROM operations WHERE id = ?', [
    operationId,
  ]);
  return rows[0]?.number_seq === null || rows[0]?.number_seq === undefined ? null : Number(rows[0].number_seq);
}

export async function setPlanNumber(
  m: EntityManager,
  operationId: number,
  no: { year: number; seq: number },
): Promise<void> {
  await sql(m, 'UPDATE operations SET number_year = ?, number_seq = ? WHERE id = ?', [no.year, no.seq, operationId]);
}

/** Whether a hard problem is linked to the operation, or was resolved by it. */
export async function isProblemOfOperation(m: EntityManager, operationId: number, problemId: number): Promise<boolean> {
  const linked = await sql(
    m,
    'SELECT 1 FROM hard_problem_operations WHERE operation_id = ? AND problem_id = ? UNION SELECT 1 FROM hard_problem_resolutions WHERE operation_id = ? AND problem_id = ?',
    [operationId, problemId, operationId, problemId],
  );
  return linked.rows.length > 0;
}

/** The active squad leaders of a squad. */
export function activeSquadLeaders(m: EntityManager, squadId: number): Promise<User[]> {
  return selectEntities(
    m,
    User,
    "squad_id = ? AND active = ? AND id IN (SELECT user_id FROM user_roles WHERE role = 'squad_leader')",
    [squadId, true],
  );
}

/** What a list of operations is narrowed by, already resolved to ids and instants. */
export interface OperationListQuery {
  brigadeId: number;
  states?: string[];
  kind?: string;
  source?: string;
  groupId?: number;
  squadId?: number;
  from?: Date;
  to?: Date;
  number?: { year: number; seq: number };
  text?: string;
  /** Only ids below this one (the previous page's last). */
  beforeId?: number;
  take: number;
}

/** A page of the brigade's operations, newest (highest id) first. */
export function listOperations(m: EntityManager, f: OperationListQuery): Promise<Operation[]> {
  const q = m.createQueryBuilder(Operation, 'o').where('o.brigade_id = :brigade', { brigade: f.brigadeId });
  if (f.states?.length) q.andWhere('o.state IN (:...states)', { states: f.states });
  if (f.kind) q.andWhere('o.kind = :kind', { kind: f.kind });
  if (f.source) q.andWhere('o.problem_source = :source', { source: f.source });
  if (f.groupId !== undefined) q.andWhere('o.group_id = :group', { group: f.groupId });
  if (f.squadId !== undefined)
    q.andWhere('EXISTS (SELECT 1 FROM operation_squads os WHERE os.operation_id = o.id AND os.squad_id = :squad)', {
      squad: f.squadId,
    });
  if (f.from) q.andWhere('o.planned_start >= :from', { from: f.from });
  if (f.to) q.andWhere('o.planned_start < :to', { to: f.to });
  if (f.number) q.andWhere('o.number_year = :ny AND o.number_seq = :ns', { ny: f.number.year, ns: f.number.seq });
  else if (f.text !== undefined) q.andWhere('(o.title LIKE :text OR o.location LIKE :text)', { text: `%${f.text}%` });
  if (f.beforeId !== undefined) q.andWhere('o.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('o.id', 'DESC').limit(f.take).getMany();
}

/** The brigade's active users with one of these roles, by username. */
export function activeUsersWithRoles(m: EntityManager, brigadeId: number, roles: readonly string[]): Promise<User[]> {
  return m
    .createQueryBuilder(User, 'u')
    .innerJoin(UserRole, 'r', 'r.user_id = u.id AND r.role IN (:...roles)', { roles: [...roles] })
    .where('u.brigade_id = :b AND u.active = :a', { b: brigadeId, a: true })
    .orderBy('u.username', 'ASC')
    .getMany();
}

/** Whose holding a list of operations in holding is: one host squad's, or every squad's but one (R14: an inspector's own). */
export type HoldingScope = { hostSquadId: number } | { notHostSquadId: number | null };

/** R12, R14: the brigade's operations in holding, in a scope, the holding that ends first first. */
export function operationsInHolding(
  m: EntityManager,
  brigadeId: number,
  scope: HoldingScope,
  take: number,
): Promise<Operation[]> {
  const q = m
    .createQueryBuilder(Operation, 'o')
    .where("o.brigade_id = :brigade AND o.state = 'holding'", { brigade: brigadeId });
  if ('hostSquadId' in scope) q.andWhere('o.host_squad_id = :squad', { squad: scope.hostSquadId });
  else if (scope.notHostSquadId !== null)
    q.andWhere('(o.host_squad_id IS NULL OR o.host_squad_id <> :own)', { own: scope.notHostSquadId });
  return q.orderBy('o.holding_deadline', 'ASC').addOrderBy('o.id', 'ASC').limit(take).getMany();
}
