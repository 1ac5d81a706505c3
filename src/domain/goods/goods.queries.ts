import type { EntityManager } from 'typeorm';
import { GoodsItem } from '../../persistence/entities';
import { sql } from '../../persistence/sql';

/** The detained goods' SQL (R13): each function takes the EntityManager (or transaction) and returns plain rows or entities. */

/** A squad's goods detained in an operation's results: what the ledger registered for it (R13). */
export async function recountGoodsDetained(
  m: EntityManager,
  operationId: number,
  squadId: number | null,
): Promise<void> {
  await sql(
    m,
    'UPDATE operation_squads SET goods_detained = (SELECT COUNT(*) FROM goods_items g JOIN goods_parties p ON p.id = g.party_id WHERE g.operation_id = ? AND p.squad_id = ?) WHERE operation_id = ? AND squad_id = ?',
    [operationId, squadId, operationId, squadId],
  );
}

/** What a list of detained items is narrowed by, already resolved to ids and instants. */
export interface GoodsListQuery {
  brigadeId: number;
  operationId?: number;
  state?: string;
  custodianSquadId?: number;
  /** Held items whose light (§3.5 thresholds on the projection's columns) is this at `now`. */
  light?: { is: 'red' | 'amber' | 'green'; now: Date };
  beforeId?: number;
  take: number;
}

/** A page of the brigade's detained items, newest (highest id) first. */
export function listGoods(m: EntityManager, f: GoodsListQuery): Promise<GoodsItem[]> {
  const q = m.createQueryBuilder(GoodsItem, 'g').where('g.brigade_id = :b', { b: f.brigadeId });
  if (f.operationId) q.andWhere('g.operation_id = :op', { op: f.operationId });
  if (f.state) q.andWhere('g.state = :state', { state: f.state });
  if (f.custodianSquadId !== undefined) q.andWhere('g.custodian_squad_id = :sq', { sq: f.custodianSquadId });
  if (f.light) {
    const now = f.light.now;
    q.andWhere("g.state = 'held'");
    if (f.light.is === 'red') q.andWhere('g.due_at < :now', { now });
    else if (f.light.is === 'amber') q.andWhere('g.amber_at <= :now AND g.due_at >= :now', { now });
    else q.andWhere('g.amber_at > :now', { now });
  }
  if (f.beforeId !== undefined) q.andWhere('g.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('g.id', 'DESC').take(f.take).getMany();
}

/** Counts and quantities as the driver gives them (MariaDB: SUM of a DECIMAL as text). */
type Amount = number | string | null;

/** An operation's items per unit and state: how many, and how much. */
export async function ledgerRows(
  m: EntityManager,
  operationId: number,
): Promise<Array<{ unit: string; state: string; n: Amount; q: Amount }>> {
  const { rows } = await sql<{ unit: string; state: string; n: Amount; q: Amount }>(
    m,
    'SELECT unit, state, COUNT(*) AS n, SUM(quantity) AS q FROM goods_items WHERE operation_id = ? GROUP BY unit, state ORDER BY unit, state',
    [operationId],
  );
  return rows;
}

/** An operation's items per unit as the engine's history created them (every CREATE step): how many, and how much. */
export async function registeredByUnit(
  m: EntityManager,
  operationId: number,
): Promise<Array<{ unit: string; n: Amount; q: Amount }>> {
  const { rows } = await sql<{ unit: string; n: Amount; q: Amount }>(
    m,
    "SELECT g.unit AS unit, COUNT(*) AS n, SUM(g.quantity) AS q FROM workflow_history h JOIN goods_items g ON g.id = h.instance_id WHERE g.operation_id = ? AND h.event = 'CREATE' GROUP BY g.unit",
    [operationId],
  );
  return rows;
}

/** An operation's items per party: how many, and how many held. */
export async function itemsPerParty(
  m: EntityManager,
  operationId: number,
): Promise<Array<{ party_id: number; n: Amount; held: Amount }>> {
  const { rows } = await sql<{ party_id: number; n: Amount; held: Amount }>(
    m,
    "SELECT party_id, COUNT(*) AS n, SUM(CASE WHEN state = 'held' THEN 1 ELSE 0 END) AS held FROM goods_items WHERE operation_id = ? GROUP BY party_id",
    [operationId],
  );
  return rows;
}

/** The (party, custodian squad) pairs of an operation's items. */
export async function partyCustodians(
  m: EntityManager,
  operationId: number,
): Promise<Array<{ party_id: number; custodian_squad_id: number }>> {
  const { rows } = await sql<{ party_id: number; custodian_squad_id: number }>(
    m,
    'SELECT DISTINCT party_id, custodian_squad_id FROM goods_items WHERE operation_id = ?',
    [operationId],
  );
  return rows;
}

/**
 * Held items at or past their amber time at `now`, the soonest due first: in one custodian squad's care
 * (`custodianSquadId`), or (`awaitingApproval`) those with no extension or disposal approved yet.
 */
export function heldNearLimit(
  m: EntityManager,
  f: { brigadeId: number; now: Date; custodianSquadId?: number | null; awaitingApproval?: boolean; take: number },
): Promise<GoodsItem[]> {
  const q = m
    .createQueryBuilder(GoodsItem, 'g')
    .where("g.brigade_id = :b AND g.state = 'held' AND g.amber_at <= :now", { b: f.brigadeId, now: f.now });
  if (f.custodianSquadId !== undefined) q.andWhere('g.custodian_squad_id = :s', { s: f.custodianSquadId });
  else if (f.awaitingApproval) q.andWhere('g.extended = :f2 AND g.disposal_approved = :f2', { f2: false });
  return q.orderBy('g.due_at', 'ASC').addOrderBy('g.id', 'ASC').take(f.take).getMany();
}
