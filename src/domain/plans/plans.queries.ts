import type { EntityManager } from 'typeorm';
import { GroupPlan, Operation } from '../../persistence/entities';

/** The group plans' SQL (R5): each function takes the EntityManager (or transaction) and returns entities. */

/** A group's operations planned or begun in [start, end), in order of their planned start. */
export function groupOperationsBetween(
  m: EntityManager,
  brigadeId: number,
  groupId: number,
  start: Date,
  end: Date,
): Promise<Operation[]> {
  return m
    .createQueryBuilder(Operation, 'o')
    .where('o.brigade_id = :b AND o.group_id = :g', { b: brigadeId, g: groupId })
    .andWhere(
      '((o.planned_start >= :start AND o.planned_start < :end) OR (o.actual_start >= :start AND o.actual_start < :end))',
      { start, end },
    )
    .orderBy('o.planned_start', 'ASC')
    .addOrderBy('o.id', 'ASC')
    .getMany();
}

/** What a list of plans is narrowed by: one group (`groupId`) or several (`groupIds`, not empty). */
export interface GroupPlanListQuery {
  brigadeId: number;
  groups: { groupId: number } | { groupIds: readonly number[] };
  month?: string;
  year?: number | string;
  state?: string;
  take: number;
}

/** The plans, by month (the latest first) and group. */
export function listGroupPlans(m: EntityManager, f: GroupPlanListQuery): Promise<GroupPlan[]> {
  const q = m.createQueryBuilder(GroupPlan, 'p').where('p.brigade_id = :b', { b: f.brigadeId });
  if ('groupId' in f.groups) q.andWhere('p.group_id = :g', { g: f.groups.groupId });
  else q.andWhere('p.group_id IN (:...gs)', { gs: f.groups.groupIds });
  if (f.month) q.andWhere('p.month = :month', { month: f.month });
  if (f.year) q.andWhere('p.month LIKE :year', { year: `${f.year}-%` });
  if (f.state) q.andWhere('p.state = :state', { state: f.state });
  return q.orderBy('p.month', 'DESC').addOrderBy('p.group_id', 'ASC').take(f.take).getMany();
}
