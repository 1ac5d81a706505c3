import { Brackets, In, IsNull, type SelectQueryBuilder } from 'typeorm';
import type { Clock } from '../../clock';
import type { Database } from '../../persistence/data-source';
import { Operation, WorkflowDeadline } from '../../persistence/entities';
import { localDateOf } from '../../time';
import type { Principal } from '../org/org.service';

/** What waits for one user, by kind of work, most urgent first. */
export type InboxSectionKey = 'returned' | 'drafts' | 'to_start' | 'to_complete' | 'holding_checks' | 'to_decide' | 'audits' | 'spot_checks';

export interface InboxItem {
  operation: Operation;
  /** Since when it has waited for this user. */
  since: Date | null;
  /** The open time limit of its state, if any (SPEC §3.5). */
  dueAt: Date | null;
  startsAt: Date | null;
}

export interface InboxSection {
  key: InboxSectionKey;
  /** The event this work ends with (the button on the operation's page). */
  action: string;
  items: InboxItem[];
  total: number;
}

type Query = SelectQueryBuilder<Operation>;

interface SectionSpec {
  key: InboxSectionKey;
  action: string;
  where: (q: Query) => Query;
  order: (q: Query) => Query;
  since: (o: Operation) => Date | null;
}

const SHOWN = 20;

/**
 * The inbox (SPEC §6: each role lands on what waits for it): a squad leader's
 * drafts, returned plans, operations to start or complete and holding checks
 * due; a manager's filings to decide, oldest first; an inspector's audits due
 * and holdings to spot-check (never of their own squad).
 */
export class InboxService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  private specs(p: Principal): SectionSpec[] {
    const specs: SectionSpec[] = [];
    const roles = new Set(p.roles);
    const squad = p.squadId;
    const today = localDateOf(this.clock.now(), p.timeZone);
    // R4: operations this user commands — designated to them, or hosted by their squad with nobody designated.
    const commands = (q: Query) =>
      q.andWhere(
        new Brackets((b) => {
          b.where('o.designated_commander_id = :me', { me: p.userId });
          if (roles.has('squad_leader') && squad !== null) {
            b.orWhere('(o.designated_commander_id IS NULL AND o.host_squad_id = :squad)', { squad });
          }
        }),
      );
    if (roles.has('squad_leader') && squad !== null) {
      specs.push(
        {
          key: 'returned',
          action: 'FILE',
          where: (q) => q.andWhere("o.state = 'draft' AND o.lead_squad_id = :squad AND o.return_count > 0", { squad }),
          order: (q) => q.orderBy('o.updated_at', 'ASC'),
          since: (o) => o.updatedAt,
        },
        {
          key: 'drafts',
          action: 'FILE',
          where: (q) => q.andWhere("o.state = 'draft' AND o.lead_squad_id = :squad AND o.return_count = 0", { squad }),
          order: (q) => q.orderBy('o.planned_start', 'ASC'),
          since: (o) => o.createdAt,
        },
      );
    }
    if (roles.has('squad_leader') || roles.has('commander')) {
      specs.push(
        {
          key: 'to_start',
          action: 'START',
          where: (q) => commands(q.andWhere("o.state = 'approved'")),
          order: (q) => q.orderBy('o.planned_start', 'ASC'),
          since: (o) => o.plannedStart,
        },
        {
          key: 'to_complete',
          action: 'COMPLETE',
          where: (q) => commands(q.andWhere("o.state = 'in_progress'")),
          order: (q) => q.orderBy('o.actual_start', 'ASC'),
          since: (o) => o.actualStart,
        },
      );
    }
    if ((roles.has('squad_leader') || roles.has('officer')) && squad !== null) {
      specs.push({
        key: 'holding_checks',
        action: 'LOG_HOLDING_CHECK',
        // R12: the host squad logs each day of holding; today's not yet logged.
        where: (q) =>
          q.andWhere("o.state = 'holding' AND o.host_squad_id = :squad AND (o.last_holding_check_date IS NULL OR o.last_holding_check_date < :today)", {
            squad,
            today,
          }),
        order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
        since: (o) => o.actualEnd,
      });
    }
    if (roles.has('duty_officer') || roles.has('commander')) {
      specs.push({
        key: 'to_decide',
        action: 'APPROVE',
        where: (q) => q.andWhere("o.state = 'filed'"),
        order: (q) => q.orderBy('o.filed_at', 'ASC'),
        since: (o) => o.filedAt,
      });
    }
    if (roles.has('inspector')) {
      // R14: never the holding of the inspector's own squad.
      const notOwn = (q: Query) => (squad === null ? q : q.andWhere('(o.host_squad_id IS NULL OR o.host_squad_id <> :own)', { own: squad }));
      specs.push(
        {
          key: 'audits',
          action: 'AUDIT_PASS',
          where: (q) => notOwn(q.andWhere("o.state = 'awaiting_audit'")),
          order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
          since: (o) => o.holdingDeadline,
        },
        {
          key: 'spot_checks',
          action: 'SPOT_CHECK',
          where: (q) => notOwn(q.andWhere("o.state = 'holding'")),
          order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
          since: (o) => o.actualEnd,
        },
      );
    }
    return specs;
  }

  private base(p: Principal): Query {
    return this.db.manager.createQueryBuilder(Operation, 'o').where('o.brigade_id = :brigade', { brigade: p.brigadeId });
  }

  /** The sections of this user's inbox, each with its first items and its total. */
  async inbox(p: Principal): Promise<InboxSection[]> {
    const specs = this.specs(p);
    const [lists, totals] = await Promise.all([
      Promise.all(specs.map((spec) => spec.order(spec.where(this.base(p))).addOrderBy('o.id', 'ASC').take(SHOWN).getMany())),
      this.totals(p, specs),
    ]);
    const ids = lists.flat().map((o) => o.id);
    const deadlines = ids.length
      ? await this.db.manager.find(WorkflowDeadline, { where: { instanceId: In([...new Set(ids)]), closedAt: IsNull() } })
      : [];
    const due = new Map(deadlines.map((d) => [d.instanceId, d]));
    return specs.map((spec, i) => ({
      key: spec.key,
      action: spec.action,
      total: totals[i],
      items: lists[i].map((operation) => ({
        operation,
        since: spec.since(operation),
        dueAt: due.get(operation.id)?.dueAt ?? null,
        startsAt: due.get(operation.id)?.startsAt ?? null,
      })),
    }));
  }

  /** How many things wait for this user (the number in the navigation). */
  async count(p: Principal): Promise<number> {
    return (await this.totals(p, this.specs(p))).reduce((a, b) => a + b, 0);
  }

  /**
   * Each section's total, in one statement: the sections' own counts joined by
   * UNION ALL (each keeps its index; one round trip instead of one per section,
   * on every page, since the navigation shows the sum).
   */
  private async totals(p: Principal, specs: SectionSpec[]): Promise<number[]> {
    if (!specs.length) return [];
    const parts = specs.map((spec, i) => spec.where(this.base(p)).select('COUNT(1)', 'n').addSelect(String(i), 'k').getQueryAndParameters());
    const rows: Array<{ n: unknown; k: unknown }> = await this.db.manager.query(
      parts.map(([statement]) => statement).join(' UNION ALL '),
      parts.flatMap(([, params]) => params),
    );
    const totals = specs.map(() => 0);
    for (const row of rows) totals[Number(row.k)] = Number(row.n);
    return totals;
  }
}
