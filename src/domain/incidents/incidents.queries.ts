import type { EntityManager } from 'typeorm';
import { Operation, OperationIncident } from '../../persistence/entities';

/** The incidents' SQL (R11): each function takes the EntityManager (or transaction) and returns entities. */

/** What a list of incidents is narrowed by, already resolved to ids and instants. */
export interface IncidentListQuery {
  brigadeId: number;
  type?: string;
  severity?: string;
  /** Incidents of this group's operations. */
  groupId?: number;
  from?: Date;
  to?: Date;
  beforeId?: number;
  take: number;
}

/** A page of the brigade's incidents, newest (highest id) first. */
export function listIncidents(m: EntityManager, f: IncidentListQuery): Promise<OperationIncident[]> {
  const q = m
    .createQueryBuilder(OperationIncident, 'i')
    .innerJoin(Operation, 'o', 'o.id = i.operation_id')
    .where('i.brigade_id = :b', { b: f.brigadeId });
  if (f.type) q.andWhere('i.type = :type', { type: f.type });
  if (f.severity) q.andWhere('i.severity = :severity', { severity: f.severity });
  if (f.groupId !== undefined) q.andWhere('o.group_id = :g', { g: f.groupId });
  if (f.from) q.andWhere('i.occurred_at >= :from', { from: f.from });
  if (f.to) q.andWhere('i.occurred_at < :to', { to: f.to });
  if (f.beforeId !== undefined) q.andWhere('i.id < :cursor', { cursor: f.beforeId });
  return q.orderBy('i.id', 'DESC').take(f.take).getMany();
}
