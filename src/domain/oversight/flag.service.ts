import { type EntityManager, In } from 'typeorm';
import type { Clock } from '../../clock';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { Flag } from '../../persistence/entities';
import { sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { type FlagNames, flagNames } from './oversight.read-models';
import { mayResolveFlags } from './oversight.policy';

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

const key = (brigadeId: number, w: Pick<WantedFlag, 'kind' | 'subject' | 'period'>) => `${brigadeId}:${w.kind}:${w.subject}:${w.period}`;

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

  async sync(m: EntityManager, brigadeId: number, scope: { kind: string; periods: string[] }, wanted: WantedFlag[], runId: number | null): Promise<SyncResult> {
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
        await sql(m, "UPDATE flags SET status = 'open', figures = ?, last_checked_at = ?, resolved_at = NULL, resolution_note = NULL, job_run_id = ? WHERE id = ?", [figures, now, runId, f.id]);
        await this.announce(m, brigadeId, [f], now);
        result.raised++;
      } else {
        if (JSON.stringify(f.figures) !== figures) await sql(m, 'UPDATE flags SET figures = ?, last_checked_at = ? WHERE id = ?', [figures, now, f.id]);
        result.stillOpen++;
      }
    }
    const settled = existing.filter((f) => f.status === 'open' && !wantedKeys.has(f.dedupeKey)).map((f) => f.id);
    if (settled.length) {
      await sql(m, `UPDATE flags SET status = 'resolved_by_data', resolved_at = ?, last_checked_at = ?, job_run_id = ? WHERE id IN (${settled.map(() => '?').join(', ')})`, [now, now, runId, ...settled]);
      result.resolvedByData = settled.length;
    }
    // New flags go in by the 500 (three statements a batch), so a run's statements do not grow with the groups.
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      const values: unknown[] = [];
      for (const w of chunk) {
        values.push(brigadeId, w.rule, w.kind, w.groupId ?? null, w.squadId ?? null, w.recordType ?? null, w.recordId ?? null, w.period, key(brigadeId, w), w.figures, 'open', now, now, runId);
      }
      await sql(
        m,
        `INSERT INTO flags (brigade_id, rule, kind, group_id, squad_id, record_type, record_id, period, dedupe_key, figures, status, raised_at, last_checked_at, job_run_id) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        values,
      );
      // Announce the new flags (managers and the group's squad leaders are told by the notification worker).
      const raised = await m.find(Flag, { select: { id: true, groupId: true, rule: true, kind: true, period: true }, where: { dedupeKey: In(chunk.map((w) => key(brigadeId, w))) } });
      await this.announce(m, brigadeId, raised, now);
      result.raised += chunk.length;
    }
    return result;
  }

  /** `flag.raised` outbox rows for flags raised (or raised again): delivered after commit like every side effect. */
  private async announce(m: EntityManager, brigadeId: number, flags: Array<Pick<Flag, 'id' | 'groupId' | 'rule' | 'kind' | 'period'>>, now: Date): Promise<void> {
    if (!flags.length) return;
    const rows: unknown[] = [];
    for (const f of flags) rows.push(brigadeId, null, 0, 'flag', 'flag.raised', { flagId: f.id, groupId: f.groupId, rule: f.rule, kind: f.kind, period: f.period }, now, now, 0);
    await sql(
      m,
      `INSERT INTO outbox (brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, available_at, attempts) VALUES ${flags.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows,
    );
  }

  async list(p: Principal, f: FlagFilters): Promise<Flag[]> {
    const q = this.db.manager.createQueryBuilder(Flag, 'f').where('f.brigade_id = :b', { b: p.brigadeId });
    if (f.period) q.andWhere('f.period LIKE :period', { period: `${f.period}%` });
    if (f.group) q.andWhere('f.group_id = :g', { g: f.group });
    if (f.status) q.andWhere('f.status = :s', { s: f.status });
    if (f.kind) q.andWhere('f.kind = :k', { k: f.kind });
    if (f.rule) q.andWhere('f.rule = :r', { r: f.rule });
    return q.orderBy('f.raised_at', 'DESC').addOrderBy('f.id', 'DESC').take(Math.min(f.limit ?? 200, 1000)).getMany();
  }

  /**
   * Open flags that concern this user (the number in the navigation): all of
   * the brigade's for managers and inspectors; their group's and squad's for a
   * squad leader; none for others.
   */
  async openCount(p: Principal): Promise<number> {
    const q = this.db.manager.createQueryBuilder(Flag, 'f').where("f.brigade_id = :b AND f.status = 'open'", { b: p.brigadeId });
    if (p.roles.some((r) => r === 'duty_officer' || r === 'commander' || r === 'inspector')) return q.getCount();
    if (p.roles.includes('squad_leader') && p.squad) {
      q.andWhere('(f.squad_id = :s OR (f.squad_id IS NULL AND f.group_id = :g))', { s: p.squadId, g: p.squad.groupId ?? -1 });
      return q.getCount();
    }
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
      if (flag.status !== 'open') throw new RuleViolationError('The flag is not open', [{ code: 'flag_not_open', field: 'status' }]);
      const now = this.clock.now();
      await sql(m, "UPDATE flags SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution_note = ? WHERE id = ? AND status = 'open'", [now, p.userId, note.trim(), id]);
      return m.findOneByOrFail(Flag, { id });
    });
  }
}
