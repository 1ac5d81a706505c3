import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Case, CaseTransfer } from '../../persistence/entities';
import { sql } from '../../persistence/sql';

/** The cases area's SQL (cases, their transfers): each function takes the EntityManager (or transaction) and returns plain rows or entities. */

/** A page of the brigade's cases, newest (highest id) first. */
export function listCases(
  m: EntityManager,
  f: { brigadeId: number; handlingSquadId?: number; operationId?: number; beforeId?: number; take: number },
): Promise<Case[]> {
  const q = m.createQueryBuilder(Case, 'c').where('c.brigade_id = :b', { b: f.brigadeId });
  if (f.handlingSquadId !== undefined) q.andWhere('c.handling_squad_id = :s', { s: f.handlingSquadId });
  if (f.operationId !== undefined) q.andWhere('c.operation_id = :o', { o: f.operationId });
  if (f.beforeId !== undefined) q.andWhere('c.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('c.id', 'DESC').take(f.take).getMany();
}

/** What a list of transfers is narrowed by, already resolved to ids. */
export interface TransferListQuery {
  brigadeId: number;
  state?: string;
  /** Either side, or the squad designated. */
  squadId?: number;
  caseId?: number;
  /** §3.5's light at `now`, on the projection's columns (portable: no date arithmetic in SQL). */
  light?: { is: 'red' | 'amber' | 'green'; now: Date };
  beforeId?: number;
  take: number;
}

/** A page of the brigade's transfers, newest (highest id) first. */
export function listTransfers(m: EntityManager, f: TransferListQuery): Promise<CaseTransfer[]> {
  const q = m.createQueryBuilder(CaseTransfer, 't').where('t.brigade_id = :b', { b: f.brigadeId });
  if (f.state) q.andWhere('t.state = :state', { state: f.state });
  if (f.squadId !== undefined)
    q.andWhere('(t.from_squad_id = :s OR t.to_squad_id = :s OR t.designated_squad_id = :s)', { s: f.squadId });
  if (f.caseId !== undefined) q.andWhere('t.case_id = :c', { c: f.caseId });
  const now = f.light?.now;
  if (f.light?.is === 'red') q.andWhere('t.due_at < :now', { now });
  if (f.light?.is === 'amber') q.andWhere('t.amber_at <= :now AND t.due_at >= :now', { now });
  if (f.light?.is === 'green') q.andWhere('t.amber_at > :now', { now });
  if (f.beforeId !== undefined) q.andWhere('t.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('t.id', 'DESC').take(f.take).getMany();
}

/** Which waiting transfers: proposals to a squad (`proposedTo`), disputes (`disputed`), or both. */
export interface WaitingTransfers {
  brigadeId: number;
  proposedTo?: number;
  disputed?: boolean;
}

function waitingQuery(m: EntityManager, w: WaitingTransfers): SelectQueryBuilder<CaseTransfer> | null {
  const parts: string[] = [];
  if (w.proposedTo !== undefined) parts.push("(t.state = 'proposed' AND t.to_squad_id = :own)");
  if (w.disputed) parts.push("t.state = 'disputed'");
  if (!parts.length) return null;
  return m
    .createQueryBuilder(CaseTransfer, 't')
    .where('t.brigade_id = :b', { b: w.brigadeId })
    .andWhere(`(${parts.join(' OR ')})`, { own: w.proposedTo ?? null });
}

/** Up to `take` waiting transfers, the soonest due first. */
export async function waitingTransfers(m: EntityManager, w: WaitingTransfers, take: number): Promise<CaseTransfer[]> {
  const q = waitingQuery(m, w);
  return q ? q.orderBy('t.due_at', 'ASC').addOrderBy('t.id', 'ASC').take(take).getMany() : [];
}

export async function countWaitingTransfers(m: EntityManager, w: WaitingTransfers): Promise<number> {
  const q = waitingQuery(m, w);
  return q ? q.getCount() : 0;
}

// ------------------------------------------------------------ the transfer workflow's projection

/** Marks a case as having this open transfer, if its squad still handles it and none is open; whether it did. */
export async function claimCaseForTransfer(
  m: EntityManager,
  c: { caseId: number; brigadeId: number; fromSquadId: number; transferId: number; at: Date },
): Promise<boolean> {
  const claimed = await sql(
    m,
    'UPDATE cases SET open_transfer_id = ?, updated_at = ? WHERE id = ? AND brigade_id = ? AND handling_squad_id = ? AND open_transfer_id IS NULL',
    [c.transferId, c.at, c.caseId, c.brigadeId, c.fromSquadId],
  );
  return claimed.affected === 1;
}

/** Ends a case's open transfer; `squadId`: the squad that handles the case from now (null: the same). */
export async function endCaseTransfer(
  m: EntityManager,
  caseId: number,
  squadId: number | null,
  at: Date,
): Promise<void> {
  if (squadId !== null)
    await sql(m, 'UPDATE cases SET handling_squad_id = ?, open_transfer_id = NULL, updated_at = ? WHERE id = ?', [
      squadId,
      at,
      caseId,
    ]);
  else await sql(m, 'UPDATE cases SET open_transfer_id = NULL, updated_at = ? WHERE id = ?', [at, caseId]);
}

/** Transfers with their receiving squad and case number. */
export async function transferReferences(
  m: EntityManager,
  ids: readonly number[],
): Promise<Array<{ id: number; to_squad_id: number; reference: string }>> {
  const { rows } = await sql<{ id: number; to_squad_id: number; reference: string }>(
    m,
    `SELECT t.id, t.to_squad_id, c.reference FROM case_transfers t JOIN cases c ON c.id = t.case_id WHERE t.id IN (${ids.map(() => '?').join(', ')})`,
    [...ids],
  );
  return rows;
}
