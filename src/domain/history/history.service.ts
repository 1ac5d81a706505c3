import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { Brigade, HistoryAnchor } from '../../persistence/entities';
import { isUniqueViolation, settledMaxId } from '../../persistence/dialect';
import { localDateOf } from '../../time';
import type { Principal } from '../org/org.service';
import {
  AnchorDigest,
  anchorDigestOf,
  type ChainRecord,
  type ChainRow,
  chainsOf,
  headWithin,
  type RecordVerdict,
  verifyRecordChain,
} from './history-chain';
import { maySeeHistoryCheck } from './history.policy';
import { chainHead, historyRows, insertAnchor, recordTitle } from './history.queries';

/** An anchor as printed by `npm run cli -- anchors` and kept outside the system. */
export interface KeptAnchor {
  brigade: string;
  day: string;
  digest: string;
  recordCount: number;
  stepCount: number;
  uptoHistoryId: number;
}

export interface AnchorCheck {
  day: string;
  /** `database`: the brigade's latest anchor in history_anchors; `kept`: one given from outside. */
  source: 'database' | 'kept';
  uptoHistoryId: number;
  expected: { digest: string; recordCount: number; stepCount: number };
  found: { digest: string; recordCount: number; stepCount: number };
  ok: boolean;
  /** A kept anchor whose day's row in history_anchors says something else: the table was changed. */
  tableDiffers?: boolean;
}

export interface BrokenRecord extends RecordVerdict {
  /** The record's title (operations, hard problems) or description (goods), when there is one. */
  title: string | null;
  /** The record's version (for "the record is at version N"). */
  version: number;
}

export interface BrigadeVerification {
  code: string;
  records: number;
  steps: number;
  broken: BrokenRecord[];
  anchors: AnchorCheck[];
}

export interface HistoryReport {
  brigades: BrigadeVerification[];
  records: number;
  steps: number;
  ok: boolean;
}

/** What a record's page says of its history. */
export interface HistoryCheck {
  ok: boolean;
  steps: number;
  /** The first step that does not verify. */
  fromSeq: number | null;
}

export interface AnchorTaken {
  brigade: string;
  day: string;
  /** False when the brigade already had the day's anchor (a run is idempotent per day). */
  taken: boolean;
  anchor: HistoryAnchor;
}

/**
 * The tamper-evident history: verifying the chains (all of them, or one
 * record's for its page), taking the daily anchors and listing them.
 */
export class HistoryService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: Readonly<Config>,
  ) {}

  /**
   * Walks every chain (of one brigade, or of all), a batch of records at a
   * time, and checks each brigade's latest anchor and any anchors kept
   * outside (`kept`) against the chains as of their cuts.
   */
  async verify(opts: { brigade?: string; kept?: KeptAnchor[] } = {}): Promise<HistoryReport> {
    const m = this.db.manager;
    const brigades = await this.brigades(opts.brigade);
    const report: HistoryReport = { brigades: [], records: 0, steps: 0, ok: true };
    for (const brigade of brigades) {
      const latest = await m.findOne(HistoryAnchor, { where: { brigadeId: brigade.id }, order: { day: 'DESC' } });
      const checks: Array<{
        source: AnchorCheck['source'];
        kept: KeptAnchor;
        digest: AnchorDigest;
        row: HistoryAnchor | null;
      }> = [];
      if (latest)
        checks.push({
          source: 'database',
          kept: keptOf(brigade, latest),
          digest: new AnchorDigest(latest.uptoHistoryId),
          row: latest,
        });
      for (const k of opts.kept ?? []) {
        if (k.brigade !== brigade.code) continue;
        const row = await m.findOne(HistoryAnchor, { where: { brigadeId: brigade.id, day: k.day } });
        checks.push({ source: 'kept', kept: k, digest: new AnchorDigest(k.uptoHistoryId), row });
      }
      const result: BrigadeVerification = { code: brigade.code, records: 0, steps: 0, broken: [], anchors: [] };
      for await (const chain of chainsOf(m, brigade.id)) {
        const verdict = verifyRecordChain(chain.record, chain.rows);
        result.records++;
        result.steps += verdict.steps;
        if (!verdict.ok)
          result.broken.push({ ...verdict, title: await titleOf(m, chain.record), version: chain.record.version });
        for (const c of checks) {
          const head = headWithin(chain.rows, c.digest.uptoHistoryId);
          if (head) c.digest.add(chain.record.instanceId, head.seq, head.hash);
        }
      }
      for (const c of checks) {
        const found = { digest: c.digest.digest(), recordCount: c.digest.recordCount, stepCount: c.digest.stepCount };
        const expected = { digest: c.kept.digest, recordCount: c.kept.recordCount, stepCount: c.kept.stepCount };
        const check: AnchorCheck = {
          day: c.kept.day,
          source: c.source,
          uptoHistoryId: c.kept.uptoHistoryId,
          expected,
          found,
          ok:
            found.digest === expected.digest &&
            found.recordCount === expected.recordCount &&
            found.stepCount === expected.stepCount,
        };
        if (c.source === 'kept') {
          const row = c.row ? keptOf(brigade, c.row) : null;
          check.tableDiffers =
            !row ||
            row.digest !== c.kept.digest ||
            row.uptoHistoryId !== c.kept.uptoHistoryId ||
            row.recordCount !== c.kept.recordCount ||
            row.stepCount !== c.kept.stepCount;
        }
        result.anchors.push(check);
      }
      report.brigades.push(result);
      report.records += result.records;
      report.steps += result.steps;
      if (result.broken.length || result.anchors.some((a) => !a.ok || a.tableDiffers)) report.ok = false;
    }
    return report;
  }

  /**
   * Takes the day's anchor (the brigade's local date) of every brigade that
   * has none yet: the digest of each record's last step up to a cut — the
   * history rows with an id up to the greatest one committed when the cut is
   * read. Idempotent per day; two runs at once keep one (a unique key).
   * `only`: these brigades (the history-anchor job gives it one at a time).
   */
  async anchor(now = this.clock.now(), only?: Brigade[]): Promise<AnchorTaken[]> {
    const brigades = only ?? (await this.brigades());
    const due = [];
    for (const brigade of brigades) {
      const day = localDateOf(now, brigade.timeZone);
      const existing = await this.db.manager.findOne(HistoryAnchor, { where: { brigadeId: brigade.id, day } });
      due.push({ brigade, day, existing });
    }
    const existing = due.flatMap((d) =>
      d.existing ? [{ brigade: d.brigade.code, day: d.day, taken: false, anchor: d.existing }] : [],
    );
    if (existing.length === due.length) return existing;
    const cut = await this.cut();
    const out: AnchorTaken[] = [];
    for (const { brigade, day, existing } of due) {
      if (existing) {
        out.push({ brigade: brigade.code, day, taken: false, anchor: existing });
        continue;
      }
      const digest = await anchorDigestOf(this.db.manager, brigade.id, cut.upto);
      const values = {
        brigadeId: brigade.id,
        day,
        digest: digest.digest(),
        recordCount: digest.recordCount,
        stepCount: digest.stepCount,
        uptoHistoryId: cut.upto,
        coveredAt: cut.at,
        createdAt: this.clock.now(),
      };
      try {
        const insertId = await this.db.transaction((m) => insertAnchor(m, values));
        out.push({
          brigade: brigade.code,
          day,
          taken: true,
          anchor: Object.assign(new HistoryAnchor(), { id: insertId, ...values }),
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const other = await this.db.manager.findOneOrFail(HistoryAnchor, { where: { brigadeId: brigade.id, day } });
        out.push({ brigade: brigade.code, day, taken: false, anchor: other });
      }
    }
    return out;
  }

  /** The anchors, oldest first, with their brigade's code (for `npm run cli -- anchors`). */
  async anchors(brigade?: string): Promise<Array<{ brigade: string; anchor: HistoryAnchor }>> {
    const brigades = await this.brigades(brigade);
    const byId = new Map(brigades.map((b) => [b.id, b.code]));
    const rows = await this.db.manager.find(HistoryAnchor, { order: { day: 'ASC', brigadeId: 'ASC' } });
    return rows.flatMap((anchor) => {
      const code = byId.get(anchor.brigadeId);
      return code === undefined ? [] : [{ brigade: code, anchor }];
    });
  }

  /**
   * A record's page: whether its history verifies, from the record as loaded
   * and its rows read after it (the page has both already); null when the
   * reader is not one to be told (history.policy.ts).
   */
  check(actor: Principal, record: ChainRecord, rows: readonly ChainRow[]): HistoryCheck | null {
    if (!maySeeHistoryCheck(actor)) return null;
    return checkOf(verifyRecordChain(record, rows, { rowsMayBeAhead: true }));
  }

  /**
   * The same for a page whose record came without its chain head: the head is
   * read after the page's rows (one small read); should a step have come in
   * between, the rows are read once more.
   */
  async checkRows(
    actor: Principal,
    workflow: string,
    instanceId: number,
    rows: readonly ChainRow[],
  ): Promise<HistoryCheck | null> {
    if (!maySeeHistoryCheck(actor)) return null;
    const m = this.db.manager;
    const head = await chainHead(m, { instanceId, workflow, brigadeId: actor.brigadeId });
    if (!head) throw new NotFoundError(`No ${workflow} ${instanceId}`);
    const record: ChainRecord = {
      instanceId,
      workflow,
      brigadeId: actor.brigadeId,
      version: Number(head.version),
      headHash: head.head_hash ?? null,
      state: head.state,
    };
    const last = rows.reduce((n, r) => Math.max(n, Number(r.seq)), 0);
    const fresh = record.version > last ? await readRows(m, instanceId) : rows;
    return checkOf(verifyRecordChain(record, fresh, { rowsMayBeAhead: record.version > last }));
  }

  /** The cut of an anchor: the greatest history id such that every row up to it has committed or never will. */
  private async cut(): Promise<{ upto: number; at: Date }> {
    const at = this.clock.now();
    const upto = await settledMaxId(this.db, 'workflow_history', this.config.history.anchorSettleSeconds * 1000);
    return { upto, at };
  }

  private async brigades(code?: string): Promise<Brigade[]> {
    const all = await this.db.manager.find(Brigade, { order: { id: 'ASC' } });
    if (code === undefined) return all;
    const one = all.filter((b) => b.code === code);
    if (!one.length) throw new NotFoundError(`No brigade ${code}`);
    return one;
  }
}

function checkOf(v: RecordVerdict): HistoryCheck {
  return { ok: v.ok, steps: v.steps, fromSeq: v.firstBadSeq };
}

function keptOf(brigade: Brigade, a: HistoryAnchor): KeptAnchor {
  return {
    brigade: brigade.code,
    day: a.day,
    digest: a.digest,
    recordCount: Number(a.recordCount),
    stepCount: Number(a.stepCount),
    uptoHistoryId: Number(a.uptoHistoryId),
  };
}

async function titleOf(m: EntityManager, record: ChainRecord): Promise<string | null> {
  return recordTitle(m, record.workflow, record.instanceId);
}

async function readRows(m: EntityManager, instanceId: number): Promise<ChainRow[]> {
  const rows = await historyRows(m, instanceId);
  return rows.map((r) => ({
    id: Number(r.id),
    brigadeId: Number(r.brigade_id),
    seq: Number(r.seq),
    event: String(r.event),
    payload: r.payload,
    actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
    actorName: String(r.actor_name),
    actorRole: String(r.actor_role),
    fromState: (r.from_state as string | null) ?? null,
    toState: String(r.to_state),
    version: Number(r.version),
    at: r.at as Date | string,
    effectiveAt: r.effective_at as Date | string,
    prevHash: (r.prev_hash as string | null) ?? null,
    hash: (r.hash as string | null) ?? null,
  }));
}

/** Reads `npm run cli -- anchors` output kept outside: `brigade day digest records steps upto [covered-at]` per line; `#` starts a comment. */
export function parseKeptAnchors(text: string): KeptAnchor[] {
  const out: KeptAnchor[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [brigade, day, digest, records, steps, upto] = line.split(/\s+/);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(day ?? '') ||
      !/^[0-9a-f]{64}$/.test(digest ?? '') ||
      ![records, steps, upto].every((n) => /^\d+$/.test(n ?? ''))
    ) {
      throw new ValidationError(
        `anchors line ${i + 1}: expected "brigade day digest records steps upto", got "${raw}"`,
        {},
      );
    }
    out.push({
      brigade,
      day,
      digest,
      recordCount: Number(records),
      stepCount: Number(steps),
      uptoHistoryId: Number(upto),
    });
  }
  return out;
}
