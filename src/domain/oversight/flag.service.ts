import { type EntityManager, In } from 'typeorm';
import type { Clock } from '../../clock';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { Flag } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import { type FlagNames, flagNames } from './oversight.read-models';
import { mayResolveFlags } from './oversight.policy';
import {
  countOpenFlags,
  insertFlagAnnouncements,
  insertOpenFlags,
  listFlags,
  refreshFlagFigures,
  reopenFlag,
  resolveFlag,
  settleFlags,
} from './oversight.queries';

/** A flag a job wants to be open now (its figures as they stand). */
export interface WantedFlag {
  rule: string;
  kind: string;
  period: string;
  groupId?: number | null;
  squadId?: number | null;
  recordType?: string | null;
  recordId?: number | null;
  /** What makes it one flag: rule, subject and period. */
  subject: string;
  figures: Record<string, unknown>;
}

export interface SyncResult {
  raised: number;
  stillOpen: number;
  resolvedByData: number;
}

export interface FlagFilters {
  period?: string;
  group?: number;
  status?: string;
  kind?: string;
  rule?: string;
  limit?: number;
}

const key = (brigadeId: number, w: Pick<WantedFlag, 'kind' | 'subject' | 'period'>) =>
  `${brigadeId}:${w.kind}:${w.subject}:${w.period}`;

/**
 * Flags (SPEC §4): raised, kept and closed by the jobs, resolved by managers.
 * `sync` makes the open flags of one kind and scope exactly the wanted ones:
 * new ones are raised (and announced through the outbox), those still wanted
 * get their figures refreshed, and those no longer wanted are closed as
 * resolved by data. Re-running never duplicates a flag (a unique key per rule,
 * subject and period).
 */
export class FlagService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async sync(
    m: EntityManager,
    brigadeId: number,
    scope: { kind: string; periods: string[] },
    wanted: WantedFlag[],
    runId: number | null,
  ): Promise<SyncResult> {
    const now = this.clock.now();
    const result: SyncResult = { raised: 0, stillOpen: 0, resolvedByData: 0 };
    const existing = scope.periods.length
      ? await m.find(Flag, { where: { brigadeId, kind: scope.kind, period: In(scope.periods) } })
      : [];
    const byKey = new Map(existing.map((f) => [f.dedupeKey, f]));
    const wantedKeys = new Set<string>();
    const fresh: WantedFlag[] = [];
    for (const w of wanted) {
      const k = key(brigadeId, w);
      wantedKeys.add(k);
      const f = byKey.get(k);
      if (!f) {
        fresh.push(w);
        continue;
      }
      if (f.status === 'resolved') continue; // a manager settled it; their note stands
      const figures = JSON.stringify(w.figures);
      if (f.status === 'resolved_by_data') {
        // The rule is broken again (data changed back): the flag opens again.
        await reopenFlag(m, f.id, figures, now, runId);
        await this.announce(m, brigadeId, [f], now);
        result.raised++;
      } else {
        if (JSON.stringify(f.figures) !== figures) await refreshFlagFigures(m, f.id, figures, now);
        result.stillOpen++;
      }
    }
    const settled = existing.filter((f) => f.status === 'open' && !wantedKeys.has(f.dedupeKey)).map((f) => f.id);
    if (settled.length) {
      await settleFlags(m, settled, now, runId);
      result.resolvedByData = settled.length;
    }
    // New flags go in by the 500 (three statements a batch), so a run's statements do not grow with the groups.
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      const rows = chunk.map((w) => ({
        rule: w.rule,
        kind: w.kind,
        groupId: w.groupId ?? null,
        squadId: w.squadId ?? null,
        recordType: w.recordType ?? null,
        recordId: w.recordId ?? null,
        period: w.period,
        dedupeKey: key(brigadeId, w),
        figures: w.figures,
      }));
      await insertOpenFlags(m, brigadeId, rows, now, runId);
      // Announce the new flags (managers and the group's squad leaders are told by the notification worker).
      const raised = await m.find(Flag, {
        select: { id: true, groupId: true, rule: true, kind: true, period: true },
        where: { dedupeKey: In(chunk.map((w) => key(brigadeId, w))) },
      });
      await this.announce(m, brigadeId, raised, now);
      result.raised += chunk.length;
    }
    return result;
  }

  /** `flag.raised` outbox rows for flags raised (or raised again): delivered after commit like every side effect. */
  private async announce(
    m: EntityManager,
    brigadeId: number,
    flags: Array<Pick<Flag, 'id' | 'groupId' | 'rule' | 'kind' | 'period'>>,
    now: Date,
  ): Promise<void> {
    if (!flags.length) return;
    await insertFlagAnnouncements(m, brigadeId, flags, now);
  }

  async list(p: Principal, f: FlagFilters): Promise<Flag[]> {
    return listFlags(this.db.manager, {
      brigadeId: p.brigadeId,
      period: f.period,
      groupId: f.group,
      status: f.status,
      kind: f.kind,
      rule: f.rule,
      take: Math.min(f.limit ?? 200, 1000),
    });
  }

  /**
   * Open flags that concern this user (the number in the navigation): all of
   * the brigade's for managers and inspectors; their group's and squad's for a
   * squad leader; none for others.
   */
  async openCount(p: Principal): Promise<number> {
    if (p.roles.some((r) => r === 'duty_officer' || r === 'commander' || r === 'inspector'))
      return countOpenFlags(this.db.manager, p.brigadeId);
    if (p.roles.includes('squad_leader') && p.squad)
      return countOpenFlags(this.db.manager, p.brigadeId, { squadId: p.squadId, groupId: p.squad.groupId ?? -1 });
    return 0;
  }

  /** The names the flags' sentences and links speak of (groups, squads, resolvers), in the reader's brigade. */
  async names(p: Principal, flags: readonly Flag[]): Promise<FlagNames> {
    return flagNames(this.db.manager, p.brigadeId, flags);
  }

  async get(p: Principal, id: number): Promise<Flag> {
    const flag = await this.db.manager.findOneBy(Flag, { id, brigadeId: p.brigadeId });
    if (!flag) throw new NotFoundError(`No flag ${id}`);
    return flag;
  }

  /** A manager resolves an open flag with a note (SPEC §4). */
  async resolve(p: Principal, id: number, note: string): Promise<Flag> {
    if (!mayResolveFlags(p).ok) throw new ForbiddenError('Only managers resolve flags', 'not_manager');
    if (!note?.trim()) throw new ValidationError('A resolution needs a note', { note: 'required' });
    return this.db.transaction(async (m) => {
      const flag = await m.findOneBy(Flag, { id, brigadeId: p.brigadeId });
      if (!flag) throw new NotFoundError(`No flag ${id}`);
      if (flag.status !== 'open')
        throw new RuleViolationError('The flag is not open', [{ code: 'flag_not_open', field: 'status' }]);
      const now = this.clock.now();
      await resolveFlag(m, id, { userId: p.userId, note: note.trim(), at: now });
      return m.findOneByOrFail(Flag, { id });
    });
  }
}
