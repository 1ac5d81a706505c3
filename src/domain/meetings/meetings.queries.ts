import type { EntityManager } from 'typeorm';
import { Meeting } from '../../persistence/entities';
import { sql } from '../../persistence/sql';

/** The meetings' SQL (R9): each function takes the EntityManager (or transaction) and returns plain rows or entities. */

/** What a list of meetings is narrowed by, already resolved to ids. */
export interface MeetingListQuery {
  brigadeId: number;
  /** One group's meetings (the caller has checked it may read them). */
  groupId?: number;
  /** Otherwise: the HQ's meetings and those of these groups. */
  readableGroupIds: readonly number[];
  kind?: string;
  period?: string;
  year?: number | string;
  state?: string;
  take: number;
}

/** The meetings, the latest first. */
export function listMeetings(m: EntityManager, f: MeetingListQuery): Promise<Meeting[]> {
  const q = m.createQueryBuilder(Meeting, 'x').where('x.brigade_id = :b', { b: f.brigadeId });
  if (f.groupId !== undefined) q.andWhere('x.group_id = :g', { g: f.groupId });
  else if (f.readableGroupIds.length)
    q.andWhere("(x.kind = 'hq_summary' OR x.group_id IN (:...gs))", { gs: f.readableGroupIds });
  else q.andWhere("x.kind = 'hq_summary'");
  if (f.kind) q.andWhere('x.kind = :kind', { kind: f.kind });
  if (f.period) q.andWhere('x.period = :period', { period: f.period });
  if (f.year) q.andWhere('x.period LIKE :year', { year: `${f.year}-%` });
  if (f.state) q.andWhere('x.state = :state', { state: f.state });
  return q.orderBy('x.meeting_at', 'DESC').addOrderBy('x.id', 'DESC').take(f.take).getMany();
}

/** A group's meeting as the rotation reads it (`member_squad_ids` JSON text). */
export interface RotationMeetingRow {
  id: number;
  convener_squad_id: number | null;
  member_squad_ids: unknown;
  meeting_at: unknown;
  period: string;
}

/** A group's meetings not cancelled, oldest first. */
export async function groupMeetingRows(m: EntityManager, groupId: number): Promise<RotationMeetingRow[]> {
  const { rows } = await sql<RotationMeetingRow>(
    m,
    "SELECT id, convener_squad_id, member_squad_ids, meeting_at, period FROM meetings WHERE group_id = ? AND kind = 'group' AND state <> 'cancelled' ORDER BY meeting_at, id",
    [groupId],
  );
  return rows;
}
