import type { EntityManager } from 'typeorm';
import { readDate } from '../../persistence/sql';
import { groupOperationRows, groupOperationsToCome } from './oversight.queries';
import { monthBounds } from './periods';

/**
 * R6: each group runs at least 2 qualifying operations a month. An operation
 * qualifies for a group when it was completed (reached holding or beyond), is
 * regular or brigade-led, lasted at least 4 hours, and the group's squads took
 * part in it; it belongs to the month it began in (brigade time).
 */

export type NotCountingReason = 'short' | 'ad_hoc' | 'not_completed';

export interface MonthOperation {
  id: number;
  /** The brigade's number of its plan (〔year〕第 seq 号). */
  number: { year: number; seq: number } | null;
  title: string;
  kind: string;
  state: string;
  actualStart: Date | null;
  actualHours: number | null;
}

export interface GroupMonth {
  groupId: number;
  counted: MonthOperation[];
  notCounted: Array<MonthOperation & { reason: NotCountingReason }>;
}

const COMPLETED = new Set(['holding', 'awaiting_audit', 'closed']);

/** Why an operation of the month does not count toward R6 (null: it counts). The same rule in SQL: QUALIFIES_SQL (oversight.queries.ts). */
export function notCountingReason(o: {
  kind: string;
  state: string;
  countsTowardMinimum: boolean | null;
}): NotCountingReason | null {
  if (!COMPLETED.has(o.state)) return 'not_completed';
  if (o.kind === 'ad_hoc') return 'ad_hoc';
  if (!o.countsTowardMinimum) return 'short';
  return null;
}

/** Every group's operations of a month, counted and not (one query for the whole brigade, however many groups). */
export async function evaluateMonth(
  m: EntityManager,
  brigadeId: number,
  month: string,
  timeZone: string,
  groupIds: number[],
): Promise<Map<number, GroupMonth>> {
  const { start, end } = monthBounds(month, timeZone);
  // (A row per squad taking part: two squads of one group give the same pair twice; kept once below.)
  const rows = await groupOperationRows(m, brigadeId, start, end);
  const out = new Map<number, GroupMonth>(groupIds.map((g) => [g, { groupId: g, counted: [], notCounted: [] }]));
  const seen = new Set<string>();
  for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    const entry = out.get(Number(r.group_id));
    const pair = `${r.group_id}|${r.id}`;
    if (!entry || seen.has(pair)) continue;
    seen.add(pair);
    const op: MonthOperation = {
      id: Number(r.id),
      number:
        r.number_seq === null || r.number_seq === undefined
          ? null
          : { year: Number(r.number_year), seq: Number(r.number_seq) },
      title: r.title,
      kind: r.kind,
      state: r.state,
      actualStart: readDate(r.actual_start),
      actualHours: r.actual_hours === null ? null : Number(r.actual_hours),
    };
    const reason = notCountingReason({
      kind: r.kind,
      state: r.state,
      countsTowardMinimum: r.counts_toward_minimum === null ? null : Boolean(Number(r.counts_toward_minimum)),
    });
    if (reason) entry.notCounted.push({ ...op, reason });
    else entry.counted.push(op);
  }
  return out;
}

/** Approved (or under way) operations of each group still to come in the rest of a month: what could yet count (R6 early warning). */
export async function stillToCome(
  m: EntityManager,
  brigadeId: number,
  month: { start: Date; end: Date },
  now: Date,
): Promise<Map<number, number[]>> {
  const rows = await groupOperationsToCome(m, brigadeId, month, now);
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(Number(r.group_id), [...(out.get(Number(r.group_id)) ?? []), Number(r.id)]);
  return out;
}
