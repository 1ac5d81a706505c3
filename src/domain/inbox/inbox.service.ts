import { In, IsNull } from 'typeorm';
import { hasRole } from '../../../workflows/shared/actor';
import type { Clock } from '../../clock';
import type { Database } from '../../persistence/data-source';
import { Operation, WorkflowDeadline } from '../../persistence/entities';
import { localDateOf } from '../../time';
import type { Principal } from '../org/org.service';
import { type InboxReader, type InboxSectionKey, sectionOperations, sectionTotals } from './inbox.queries';

export type { InboxSectionKey };

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

/** One kind of inbox section: who has it, the event its work ends with, since when an item has waited (what it selects: inbox.queries.ts). */
interface SectionSpec {
  key: InboxSectionKey;
  action: string;
  shownTo: (p: Principal) => boolean;
  since: (o: Operation) => Date | null;
}

/** The sections, in the order the inbox shows them. */
const SECTIONS: readonly SectionSpec[] = [
  // A squad leader's plans: returned to them, and drafts not filed yet.
  {
    key: 'returned',
    action: 'FILE',
    shownTo: (p) => hasRole(p, 'squad_leader') && p.squadId !== null,
    since: (o) => o.updatedAt,
  },
  {
    key: 'drafts',
    action: 'FILE',
    shownTo: (p) => hasRole(p, 'squad_leader') && p.squadId !== null,
    since: (o) => o.createdAt,
  },
  // R4: the operations one commands, to start and to complete.
  {
    key: 'to_start',
    action: 'START',
    shownTo: (p) => hasRole(p, 'squad_leader') || hasRole(p, 'commander'),
    since: (o) => o.plannedStart,
  },
  {
    key: 'to_complete',
    action: 'COMPLETE',
    shownTo: (p) => hasRole(p, 'squad_leader') || hasRole(p, 'commander'),
    since: (o) => o.actualStart,
  },
  // R12: the host squad's daily holding checks.
  {
    key: 'holding_checks',
    action: 'LOG_HOLDING_CHECK',
    shownTo: (p) => (hasRole(p, 'squad_leader') || hasRole(p, 'officer')) && p.squadId !== null,
    since: (o) => o.actualEnd,
  },
  // A manager's filings to decide.
  {
    key: 'to_decide',
    action: 'APPROVE',
    shownTo: (p) => hasRole(p, 'duty_officer') || hasRole(p, 'commander'),
    since: (o) => o.filedAt,
  },
  // R14: an inspector's audits and spot checks (never of their own squad).
  { key: 'audits', action: 'AUDIT_PASS', shownTo: (p) => hasRole(p, 'inspector'), since: (o) => o.holdingDeadline },
  { key: 'spot_checks', action: 'SPOT_CHECK', shownTo: (p) => hasRole(p, 'inspector'), since: (o) => o.actualEnd },
];

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
    return SECTIONS.filter((spec) => spec.shownTo(p));
  }

  private reader(p: Principal): InboxReader {
    return {
      brigadeId: p.brigadeId,
      userId: p.userId,
      squadId: p.squadId,
      leadsSquad: hasRole(p, 'squad_leader'),
      today: localDateOf(this.clock.now(), p.timeZone),
    };
  }

  /** The sections of this user's inbox, each with its first items and its total. */
  async inbox(p: Principal): Promise<InboxSection[]> {
    const specs = this.specs(p);
    const reader = this.reader(p);
    const m = this.db.manager;
    const [lists, totals] = await Promise.all([
      Promise.all(specs.map((spec) => sectionOperations(m, spec.key, reader, SHOWN))),
      sectionTotals(
        m,
        specs.map((s) => s.key),
        reader,
      ),
    ]);
    const ids = lists.flat().map((o) => o.id);
    const deadlines = ids.length
      ? await this.db.manager.find(WorkflowDeadline, {
          where: { instanceId: In([...new Set(ids)]), closedAt: IsNull() },
        })
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
    const totals = await sectionTotals(
      this.db.manager,
      this.specs(p).map((s) => s.key),
      this.reader(p),
    );
    return totals.reduce((a, b) => a + b, 0);
  }
}
