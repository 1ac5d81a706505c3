import type { Database } from '../../persistence/data-source';
import { LinkageGroup, Operation, OperationIncident, Squad, User } from '../../persistence/entities';
import { ValidationError } from '../../errors';
import { zonedInstant } from '../../time';
import type { Principal } from '../org/org.service';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import { In } from 'typeorm';
import { listIncidents } from './incidents.queries';
import { known } from '../../known';

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
  operation: Pick<
    Operation,
    'id' | 'numberYear' | 'numberSeq' | 'title' | 'state' | 'groupId' | 'hostSquadId' | 'location'
  >;
  reporter: User | null;
}

/**
 * Incidents across operations (R11), newest first: logged through the
 * operation's LOG_INCIDENT step (its history keeps them), listed here for the
 * Duty Command Section and the commanders.
 */
export class IncidentService {
  constructor(private readonly db: Database) {}

  async list(
    p: Principal,
    f: IncidentFilters,
  ): Promise<{
    items: IncidentRow[];
    nextCursor: string | null;
    groups: Map<number, LinkageGroup>;
    squads: Map<number, Squad>;
  }> {
    const m = this.db.manager;
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const [groups, squads] = await Promise.all([
      m.find(LinkageGroup, { where: { brigadeId: p.brigadeId } }),
      m.find(Squad, { where: { brigadeId: p.brigadeId } }),
    ]);
    let groupId: number | undefined;
    if (f.group) {
      const g = groups.find((x) => x.code === f.group);
      if (!g) throw new ValidationError(`Unknown group code: ${f.group}`, { group: `unknown_code:${f.group}` });
      groupId = g.id;
    }
    const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? zonedInstant(v, p.timeZone) : new Date(v));
    const rows = await listIncidents(m, {
      brigadeId: p.brigadeId,
      type: f.type,
      severity: f.severity,
      groupId,
      from: f.from ? instant(f.from) : undefined,
      to: f.to ? instant(f.to) : undefined,
      beforeId: f.cursor ? decodeCursor(f.cursor) : undefined,
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const [ops, users] = await Promise.all([
      page.length
        ? m.find(Operation, {
            select: {
              id: true,
              numberYear: true,
              numberSeq: true,
              title: true,
              state: true,
              groupId: true,
              hostSquadId: true,
              location: true,
            },
            where: { id: In([...new Set(page.map((i) => i.operationId))]) },
          })
        : [],
      page.some((i) => i.reportedBy !== null)
        ? m.find(User, {
            where: { id: In([...new Set(page.map((i) => i.reportedBy).filter((x): x is number => x !== null))]) },
          })
        : [],
    ]);
    const opById = new Map(ops.map((o) => [o.id, o]));
    const userById = new Map(users.map((u) => [u.id, u]));
    return {
      items: page.map((incident) => ({
        incident,
        operation: known(opById, incident.operationId, 'operation'),
        reporter: incident.reportedBy !== null ? (userById.get(incident.reportedBy) ?? null) : null,
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
      groups: new Map(groups.map((g) => [g.id, g])),
      squads: new Map(squads.map((s) => [s.id, s])),
    };
  }
}
