import type { Database } from '../../persistence/data-source';
import { LinkageGroup, Operation, OperationIncident, Squad, User } from '../../persistence/entities';
import { ValidationError } from '../../errors';
import { zonedInstant } from '../../time';
import type { Principal } from '../org/org.service';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import { In } from 'typeorm';

/** R11: what the brigade wants to know of its incidents: which, how bad, where, and what was done. */
export interface IncidentFilters {
  type?: string;
  severity?: string;
  group?: string;
  /** On or after (YYYY-MM-DD in the brigade's zone, or an instant). */
  from?: string;
  /** Before (exclusive). */
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface IncidentRow {
  incident: OperationIncident;
  operation: Pick<Operation, 'id' | 'numberYear' | 'numberSeq' | 'title' | 'state' | 'groupId' | 'hostSquadId' | 'location'>;
  reporter: User | null;
}

/**
 * Incidents across operations (R11), newest first: logged through the
 * operation's LOG_INCIDENT step (its history keeps them), listed here for the
 * Duty Command Section and the commanders.
 */
export class IncidentService {
  constructor(private readonly db: Database) {}

  async list(p: Principal, f: IncidentFilters): Promise<{ items: IncidentRow[]; nextCursor: string | null; groups: Map<number, LinkageGroup>; squads: Map<number, Squad> }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const [groups, squads] = await Promise.all([m.find(LinkageGroup, { where: { brigadeId: p.brigadeId } }), m.find(Squad, { where: { brigadeId: p.brigadeId } })]);
    const q = m.createQueryBuilder(OperationIncident, 'i').innerJoin(Operation, 'o', 'o.id = i.operation_id').where('i.brigade_id = :b', { b: p.brigadeId });
    if (f.type) q.andWhere('i.type = :type', { type: f.type });
    if (f.severity) q.andWhere('i.severity = :severity', { severity: f.severity });
    if (f.group) {
      const g = groups.find((x) => x.code === f.group);
      if (!g) throw new ValidationError(`Unknown group code: ${f.group}`, { group: `unknown_code:${f.group}` });
      q.andWhere('o.group_id = :g', { g: g.id });
    }
    const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? zonedInstant(v, p.timeZone) : new Date(v));
    if (f.from) q.andWhere('i.occurred_at >= :from', { from: instant(f.from) });
    if (f.to) q.andWhere('i.occurred_at < :to', { to: instant(f.to) });
    if (f.cursor) q.andWhere('i.id < :cursor', { cursor: decodeCursor(f.cursor) });
    const rows = await q.orderBy('i.id', 'DESC').take(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const [ops, users] = await Promise.all([
      page.length ? m.find(Operation, { select: { id: true, numberYear: true, numberSeq: true, title: true, state: true, groupId: true, hostSquadId: true, location: true }, where: { id: In([...new Set(page.map((i) => i.operationId))]) } }) : [],
      page.some((i) => i.reportedBy !== null) ? m.find(User, { where: { id: In([...new Set(page.map((i) => i.reportedBy).filter((x): x is number => x !== null))]) } }) : [],
    ]);
    const opById = new Map(ops.map((o) => [o.id, o]));
    const userById = new Map(users.map((u) => [u.id, u]));
    return {
      items: page.map((incident) => ({ incident, operation: opById.get(incident.operationId)!, reporter: incident.reportedBy !== null ? (userById.get(incident.reportedBy) ?? null) : null })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
      groups: new Map(groups.map((g) => [g.id, g])),
      squads: new Map(squads.map((s) => [s.id, s])),
    };
  }
}
