import type { Config } from '../../../config';
import { ManualClock } from '../../clock';
import { type Services, createServices } from '../../container';
import type { Logger } from '../../logger';
import type { Database } from '../../persistence/data-source';
import type { EventInput } from '../operations/operation.inputs';
import type { Principal } from './org.service';
import { Brigade } from '../../persistence/entities';
import { addMonths, monthBounds, monthOf } from '../oversight/periods';
import { REFERENCE_BRIGADE, REFERENCE_GROUPS } from './reference-organisation';
import { lastOutboxId, withdrawOutboxAfter } from './org.queries';
import { holdingDaysOf } from '../../../workflows/operation';
import { localDate } from '../../../workflows/shared/time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small seeded PRNG (mulberry32): the same history every time for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}

const TITLES = [
  '占道经营综合整治',
  '夜间跨门营业整治',
  '乱设摊联合整治',
  '景区周边无证经营整治',
  '共享单车乱停放整治',
  '渣土车夜间运输检查',
  '违法户外广告清理',
];
const PLACES = [
  '南京东路',
  '外滩滨江',
  '豫园商城周边',
  '老西门地铁站口',
  '五里桥路',
  '打浦桥日月光周边',
  '淮海中路',
  '新天地太仓路',
];
/** Where each group works (its streets), so a group's operations and problems are where its squads are. */
const GROUP_PLACES: Record<string, string[]> = {
  north: ['南京东路', '外滩滨江', '九江路', '河南中路'],
  oldcity: ['豫园商城周边', '老西门地铁站口', '复兴东路', '中华路'],
  south: ['五里桥路', '打浦桥日月光周边', '瞿溪路', '制造局路'],
  west: ['淮海中路', '新天地太仓路', '瑞金二路', '思南路'],
};
const SOURCES = ['hotspot', 'media', 'leadership', 'community', 'hotline_12319', 'notification'] as const;

export interface DemoHistoryReport {
  operations: number;
  events: number;
  seconds: number;
  /** The demo past's first month: the brigade's `since` (R6: from it on, months are judged). */
  since: string;
}

/**
 * A past for the demo brigade, so a fresh start has figures to look at: over
 * the last `months` months each linkage group runs one to three joint
 * operations a month (some months short of the minimum of two, R6), driven
 * through the real services on a clock moved as time would move — filed,
 * sometimes returned and filed again, approved, begun, sometimes an incident,
 * completed with results (now and then under 4 h, with the reason), held with
 * daily checks, audited (now and then failed and held again). A few are
 * cancelled. The most recent ones are left where they would be today (in
 * holding, awaiting audit, approved for the coming days). The brigade's `since`
 * becomes this past's first month, and each of its months that has ended is
 * judged by the monthly-minimum job as the scheduler would have (R6). Demo data
 * only: the notifications of this past are not sent.
 */
export async function seedDemoHistory(
  config: Readonly<Config>,
  db: Database,
  logger: Logger,
  opts: { months: number; now: Date; seed?: number },
): Promise<DemoHistoryReport> {
  const t0 = performance.now();
  // What the outbox held before: only what this past adds is withdrawn at the end.
  const last = await lastOutboxId(db.manager);
  const past = await DemoPast.open(config, db, logger, opts);
  await past.operationsOfMonths(opts.months);
  await past.todaysWork();
  const since = await past.judgeMonths();
  // This past is not news: nobody is told of it (what was waiting before stays).
  await db.transaction((m) => withdrawOutboxAfter(m, last));
  const report = {
    operations: past.operations,
    events: past.events,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    since,
  };
  logger.info('demo history loaded', { ...report });
  return report;
}

/** An operation as planned: who leads it, who takes part, how long, where, and the hard problem it is about (if any). */
interface PlannedOperation {
  id: number;
  lead: string;
  partners: string[];
  squads: string[];
  hours: number;
  place: string;
  problem: { id: number; version: number; source: string } | null;
}

/** The demo past as it is made: the services on a clock moved as time would move, the seeded draws, and what was made so far. */
class DemoPast {
  operations = 0;
  events = 0;
  /** Operations left in holding now, and left awaiting their audit now (what a phone and an inspector work on today). */
  private holding = 0;
  private awaitingAudit = 0;
  private earliest = Infinity;
  private cases = 0;
  private readonly principals = new Map<string, Principal>();
  private readonly rand: ReturnType<typeof prng>;
  /** The present (ms): nothing of the past happens after it. */
  private readonly now: number;

  private constructor(
    private readonly config: Readonly<Config>,
    private readonly db: Database,
    private readonly clock: ManualClock,
    private readonly services: Services,
    private readonly brigade: Brigade,
    opts: { now: Date; seed?: number },
  ) {
    this.rand = prng(opts.seed ?? 20261127);
    this.now = opts.now.getTime();
  }

  static async open(
    config: Readonly<Config>,
    db: Database,
    logger: Logger,
    opts: { now: Date; seed?: number },
  ): Promise<DemoPast> {
    const clock = new ManualClock(opts.now);
    const services = createServices(config, db, clock, logger);
    const brigade = await services.org.brigadeByCode(REFERENCE_BRIGADE.code);
    return new DemoPast(config, db, clock, services, brigade, opts);
  }

  /** Over the last `months` months, each linkage group's one to three operations a month (some months short of R6's two). */
  async operationsOfMonths(months: number): Promise<void> {
    // Days are laid out in Shanghai time: an operation begins at 09:00, 14:00 or 19:00 there.
    const midnight = (t: number) => Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
    const first = midnight(this.now) - months * 30 * DAY;
    for (let month = 0; month <= months; month++) {
      const monthStart = first + month * 30 * DAY;
      for (const group of REFERENCE_GROUPS) {
        const count = this.rand.chance(0.2) ? 1 : this.rand.int(2, 3);
        for (let k = 0; k < count; k++) {
          const start = monthStart + this.rand.int(1, 28) * DAY + this.rand.pick([9, 14, 19]) * HOUR;
          const filedAt = start - this.rand.int(2, 6) * DAY;
          if (filedAt > this.now - HOUR) continue;
          await this.operation(group, start, filedAt);
        }
      }
    }
  }

  /**
   * Whatever day it is, today's field work exists: an operation in holding (the host squad's daily check, the
   * inspector's spot check, R12/R14) and one whose holding is over and awaits its audit. The seeded months leave
   * some on most days, but not on every one.
   */
  async todaysWork(): Promise<void> {
    const group = REFERENCE_GROUPS[0];
    if (this.holding === 0) {
      const start = this.now - 2 * DAY;
      await this.operation(group, start, start - 4 * DAY);
    }
    if (this.awaitingAudit === 0) {
      // Ends (3.5–6 h after it starts) so that holding is over 2–4.5 h ago: the holding job has noticed, the inspector not yet.
      const start = this.now - this.config.operations.holdingDaysDefault * DAY - 8 * HOUR;
      await this.operation(REFERENCE_GROUPS[1] ?? group, start, start - 4 * DAY);
    }
  }

  /**
   * R6: the brigade has used Liandong since this past began, so its months are judged — and were, by the
   * monthly-minimum job just after each ended, as the scheduler runs it (flags raised then, where a group fell short).
   * Returns the brigade's `since`.
   */
  async judgeMonths(): Promise<string> {
    const { brigade } = this;
    const since = monthOf(new Date(Math.min(this.earliest, this.now)), brigade.timeZone);
    await this.db.manager.update(Brigade, { id: brigade.id }, { since });
    for (let month = since; month < monthOf(new Date(this.now), brigade.timeZone); month = addMonths(month, 1)) {
      this.clock.set(
        new Date(Math.min(monthBounds(addMonths(month, 1), brigade.timeZone).start.getTime() + 70 * 60_000, this.now)),
      );
      await this.services.jobs.run('monthly-minimum', { via: 'schedule', period: month });
    }
    this.clock.set(new Date(this.now));
    return since;
  }

  /** A demo user, signed in (read once). */
  private async as(username: string): Promise<Principal> {
    let p = this.principals.get(username);
    if (!p) {
      const found = await this.services.org.userByUsername(this.brigade.id, username);
      if (!found) throw new Error(`demo history: no user ${username}`);
      p = await this.services.org.principalFor(found.user.id);
      this.principals.set(username, p);
    }
    return p;
  }

  /** An operation's step at `at` (never after now), by a user — or by the system (a job), at `effectiveAt` if given. */
  private async send(id: number, username: string | null, input: EventInput, at: number, effectiveAt?: number) {
    this.clock.set(new Date(Math.min(at, this.now)));
    this.events++;
    if (username === null) {
      const when = effectiveAt === undefined ? {} : { effectiveAt: new Date(effectiveAt) };
      return this.services.engine.send(
        this.services.workflows.operation,
        id,
        this.services.org.systemActor(this.brigade),
        input as never,
        when,
      );
    }
    return this.services.operations.send(await this.as(username), id, input);
  }

  /**
   * One joint operation of a group, through every step its date allows: planned (and maybe
   * about a hard problem), filed and decided, begun, completed, held and audited.
   */
  private async operation(group: (typeof REFERENCE_GROUPS)[number], start: number, filedAt: number): Promise<void> {
    const op = await this.plan(group, start, filedAt);
    let v = await this.fileAndDecide(op, filedAt);
    if (v === null || start > this.now) return;
    v = await this.begin(op, start, v);
    const end = start + op.hours * HOUR;
    if (end > this.now) return;
    v = await this.complete(op, end, v);
    if (this.rand.chance(0.15)) await this.caseAndTransfer(op.id, op.lead, op.partners[0], op.place, end + 3 * HOUR);
    await this.holdAndAudit(op, end, v);
  }

  /** R5, R7: the lead squad's leader drafts the plan (about a third of them set out to fix a hard problem at the border of its squads). */
  private async plan(
    group: (typeof REFERENCE_GROUPS)[number],
    start: number,
    filedAt: number,
  ): Promise<PlannedOperation> {
    const members = group.squads.map((s) => s.code);
    const lead = this.rand.pick(members);
    const others = members.filter((c) => c !== lead);
    const partners = others.slice(0, this.rand.int(1, others.length)).sort(() => this.rand.next() - 0.5);
    const squads = [lead, ...partners];
    const hours = this.rand.chance(0.1) ? 3.5 : this.rand.pick([4, 4.5, 5, 6]);
    // R7: about a third of the operations set out to fix a hard problem reported a few days before, at the border of its squads.
    const place = this.rand.pick(GROUP_PLACES[group.code] ?? PLACES);
    const problem = this.rand.chance(0.35)
      ? await this.reportProblem(lead, partners[0], place, filedAt - this.rand.int(2, 6) * DAY)
      : null;
    this.clock.set(new Date(filedAt - DAY));
    const leader = await this.as(`${lead}.leader`);
    const id = await this.services.operations.create(leader, {
      ...(problem ? { problems: [problem.id] } : {}),
      group: group.code,
      kind: this.rand.chance(0.15) ? 'ad_hoc' : 'regular',
      leadSquad: lead,
      hostSquad: lead,
      squads,
      title: `${place}${this.rand.pick(TITLES)}`,
      problemSource: this.rand.pick(SOURCES),
      location: place,
      plannedStart: new Date(start).toISOString(),
      plannedHours: Math.max(4, hours),
      forces: squads.map((squad) => ({ squad, officers: this.rand.int(3, 8), vehicles: this.rand.int(0, 2) })),
      situation: '群众反映集中，屡禁不止。',
      mission: '清理违法设摊，教育劝导，依法查处。',
      execution: `${place}分设三个岗点，联合巡查，定点守控。`,
      command: `${lead} 中队领导现场指挥，对讲机二频道联络。`,
      contingency: '遇阻碍执法立即报告指挥，联系属地派出所。',
      goodsArrangements: '暂扣物品当场登记、开具清单，由牵头中队保管。',
      holdingPlan: '行动后由属地中队每日定时巡查固守，发现回潮立即处置。',
    });
    this.operations++;
    this.earliest = Math.min(this.earliest, start);
    return { id, lead, partners, squads, hours, place, problem };
  }

  /** Filed (now and then returned and filed again, or cancelled), then approved; the version, or null when cancelled. */
  private async fileAndDecide({ id, lead }: PlannedOperation, filedAt: number): Promise<number | null> {
    let v = (await this.send(id, `${lead}.leader`, { type: 'FILE' }, filedAt)).version;
    if (this.rand.chance(0.1)) {
      v = (
        await this.send(
          id,
          'duty',
          { type: 'RETURN', reason: '警力安排不明确，请补充各中队岗位。', expectedVersion: v },
          filedAt + 3 * HOUR,
        )
      ).version;
      v = (await this.send(id, `${lead}.leader`, { type: 'FILE', expectedVersion: v }, filedAt + 6 * HOUR)).version;
    }
    if (this.rand.chance(0.05)) {
      await this.send(
        id,
        'duty',
        { type: 'CANCEL', reason: '恶劣天气，行动取消。', expectedVersion: v },
        filedAt + 8 * HOUR,
      );
      return null;
    }
    return (
      await this.send(
        id,
        this.rand.pick(['duty', 'duty2', 'commander']),
        { type: 'APPROVE', expectedVersion: v },
        filedAt + this.rand.int(2, 20) * HOUR,
      )
    ).version;
  }

  /** R6, R11: begun (now and then recorded the next day, a late entry), sometimes with an incident; the version. */
  private async begin({ id, lead }: PlannedOperation, start: number, v: number): Promise<number> {
    // Now and then the start is recorded the next day (a dead zone in the street): a late entry, with why (R6).
    const late = this.rand.chance(0.05) && start + 14 * HOUR < this.now;
    const startInput: EventInput = {
      type: 'START',
      actualStart: new Date(start).toISOString(),
      ...(late ? { lateReason: '现场无信号，次日回队后补录。' } : {}),
      expectedVersion: v,
    };
    v = (await this.send(id, `${lead}.leader`, startInput, late ? start + 14 * HOUR : start)).version;
    if (this.rand.chance(0.08) && start + HOUR < this.now) {
      const incident: EventInput = {
        type: 'LOG_INCIDENT',
        incidentType: this.rand.pick(['verbal_abuse', 'obstruction', 'assault', 'siege'] as const),
        severity: this.rand.chance(0.8) ? 'minor' : 'serious',
        occurredAt: new Date(start + HOUR).toISOString(),
        injuries: this.rand.chance(0.9) ? 0 : 1,
        description: '当事人不配合检查，围观人员起哄。',
        response: '现场民警协助，当事人离开。',
        expectedVersion: v,
      };
      v = (await this.send(id, `${lead}.leader`, incident, start + HOUR)).version;
    }
    return v;
  }

  /** R13, R15: goods registered on the spot now and then, then the results; the version. */
  private async complete(
    { id, lead, squads, hours, place }: PlannedOperation,
    end: number,
    v: number,
  ): Promise<number> {
    // R13: goods are registered on the spot; the results then say what the ledger holds (left out here: taken from it).
    if (this.rand.chance(0.3)) await this.detainGoods(id, lead, place, end - HOUR);
    const results = squads.map((squad) => ({
      squad,
      officers: this.rand.int(3, 8),
      vehicles: this.rand.int(0, 2),
      educated: this.rand.int(0, 15),
      handled: this.rand.int(0, 5),
    }));
    return (
      await this.send(
        id,
        `${lead}.leader`,
        {
          type: 'COMPLETE',
          actualEnd: new Date(end).toISOString(),
          results,
          ...(hours < 4 ? { shortReason: '突降暴雨，提前收队。' } : {}),
          expectedVersion: v,
        },
        end + this.rand.int(1, 10) * HOUR,
      )
    ).version;
  }

  /** R12, R14: the host squad's daily checks through holding, then the audit (a failed one holds again from it); a linked problem is resolved after. */
  private async holdAndAudit({ id, lead, problem }: PlannedOperation, end: number, v: number): Promise<void> {
    const holdingDays = this.config.operations.holdingDaysDefault;
    // Holding (R12): the host squad's daily checks, then the audit (R14); a failed audit holds again from the audit.
    let from = end;
    for (let round = 0; ; round++) {
      // Most host squads check every holding day (the day it ended included); some skip days (the audit then sees the gaps, R12).
      const diligent = this.rand.chance(0.8);
      const due = from + holdingDays * DAY;
      const days = holdingDaysOf(new Date(from).toISOString(), new Date(due).toISOString(), 'Asia/Shanghai');
      for (let d = 0; d < days.length; d += diligent ? 1 : this.rand.int(1, 3)) {
        // The morning round at 10:00; on the first and last days within the holding period.
        const morning = Date.parse(`${days[d]}T10:00:00+08:00`);
        const day = Math.min(Math.max(morning, from + 30 * 60_000), due - 30 * 60_000);
        // Holding that ends just after midnight: its last day had no time left for a check (one dated that day,
        // recorded the evening before, would be a check of a day still to come).
        if (localDate(new Date(day).toISOString(), 'Asia/Shanghai') < days[d]) continue;
        if (day > this.now) {
          this.holding++;
          return;
        }
        v = (
          await this.send(
            id,
            `${lead}.officer`,
            {
              type: 'LOG_HOLDING_CHECK',
              date: days[d],
              officersOnPost: this.rand.int(1, 3),
              reboundObserved: this.rand.chance(0.1),
              expectedVersion: v,
            },
            day,
          )
        ).version;
      }
      // The holding job notices the end of holding a few minutes after it (the step keeps both times).
      const elapsed = due + this.rand.int(1, 10) * 60_000;
      if (elapsed > this.now) {
        this.holding++;
        return;
      }
      v = (await this.send(id, null, { type: 'HOLDING_ELAPSED' }, elapsed, due)).version;
      const audit = elapsed + this.rand.int(4, 60) * HOUR;
      if (audit > this.now) {
        this.awaitingAudit++;
        return;
      }
      if (round === 0 && this.rand.chance(0.1)) {
        v = (
          await this.send(
            id,
            'inspector',
            {
              type: 'AUDIT_FAIL',
              findings: '回潮明显，早市时段仍有摊贩。',
              rectification: '早市时段增派人员守控。',
              expectedVersion: v,
            },
            audit,
          )
        ).version;
        from = audit;
        continue;
      }
      const pass: EventInput = {
        type: 'AUDIT_PASS',
        findings: '点位整洁，未见回潮。',
        ...(diligent ? {} : { coverageReason: '固守登记有缺，督察现场走访周边商户核实，未见回潮。' }),
        expectedVersion: v,
      };
      await this.send(id, 'inspector', pass, audit);
      if (problem) await this.resolveProblem(problem, lead, id, audit + this.rand.int(2, 24) * HOUR);
      return;
    }
  }

  /** R13: a party's goods detained in the operation, and what became of them (most returned, some confiscated, a few still held). */
  private async detainGoods(operationId: number, squad: string, place: string, at: number): Promise<void> {
    this.clock.set(new Date(Math.min(at, this.now)));
    const leader = await this.as(`${squad}.leader`);
    const perishable = this.rand.chance(0.3);
    const { itemIds } = await this.services.goods.register(leader, {
      operationId,
      party: { name: this.rand.pick(['王某', '李某', '张某', '陈某', '刘某']), stall: `${place}流动摊` },
      items: Array.from({ length: this.rand.int(1, 3) }, () =>
        perishable
          ? {
              description: this.rand.pick(['水果', '蔬菜', '熟食']),
              quantity: this.rand.int(5, 40),
              unit: '千克',
              perishable: true,
              storagePlace: '中队冷藏柜',
            }
          : {
              description: this.rand.pick(['三轮车', '遮阳伞', '货架', '音箱']),
              quantity: this.rand.int(1, 3),
              unit: '件',
              storagePlace: '中队暂扣物品仓库',
            },
      ),
    });
    this.events += itemIds.length;
    for (const item of itemIds) {
      const when = at + (perishable ? this.rand.int(2, 20) * HOUR : this.rand.int(1, 20) * DAY);
      if (when > this.now) continue;
      this.clock.set(new Date(when));
      const step = this.rand.next();
      this.events++;
      if (step < 0.7)
        await this.services.goods.send(leader, item, { type: 'RETURN_TO_OWNER', receivedBy: '当事人本人' });
      else
        await this.services.goods.send(leader, item, {
          type: 'CONFISCATE',
          decisionRef: `黄城管罚〔${new Date(when).getUTCFullYear()}〕${this.rand.int(10, 999)}号`,
        });
    }
  }

  /** R7, §3.4: a hard problem at the border of two squads, reported by an officer and accepted by the leader. */
  private async reportProblem(
    squad: string,
    other: string,
    place: string,
    at: number,
  ): Promise<{ id: number; version: number; source: string }> {
    this.clock.set(new Date(Math.min(at, this.now)));
    const source = this.rand.pick(SOURCES);
    const { id } = await this.services.problems.report(await this.as(`${squad}.officer`), {
      source,
      category: this.rand.pick(['street_vending', 'shop_overflow', 'illegal_advertising', 'illegal_parking'] as const),
      title: `${place}${this.rand.pick(['流动设摊反复回潮', '跨门营业屡禁不止', '占道堆物', '非机动车乱停放'])}`,
      description: '两中队交界处，单方整治后即转移至相邻辖区。',
      location: `${place}·${this.rand.pick(['路口', '地铁站口', '商场门前', '弄堂口'])}`,
      squads: [squad, other],
      ...(source === 'hotline_12319'
        ? {
            hotlineRef: `12319-${this.rand.int(100000, 999999)}`,
            complainant: this.rand.pick(['张先生', '李女士', '王阿姨']),
          }
        : {}),
    });
    this.clock.set(new Date(Math.min(at + this.rand.int(2, 20) * HOUR, this.now)));
    this.events += 2;
    const accepted = await this.services.problems.send(await this.as(`${squad}.leader`), id, { type: 'ACCEPT' });
    return { id, version: accepted.version, source };
  }

  /** §3.4: resolved from the operation once its holding passed audit; this.now and then it comes back and is resolved again; hotline callers are called back. */
  private async resolveProblem(
    problem: { id: number; source: string },
    squad: string,
    operationId: number,
    at: number,
  ): Promise<void> {
    if (at > this.now) return;
    const leader = await this.as(`${squad}.leader`);
    this.clock.set(new Date(at));
    this.events++;
    await this.services.problems.send(leader, problem.id, {
      type: 'RESOLVE',
      note: '联合整治后固守到位，现场已无回潮。',
      operation: operationId,
    });
    let last = at;
    if (this.rand.chance(0.2) && at + 10 * DAY < this.now) {
      this.clock.set(new Date(at + this.rand.int(5, 10) * DAY));
      await this.services.problems.send(await this.as('inspector'), problem.id, {
        type: 'REBOUND',
        origin: 'inspector',
        note: '督察复查发现回潮。',
      });
      last = at + 12 * DAY;
      if (last > this.now) return;
      this.clock.set(new Date(last));
      await this.services.problems.send(leader, problem.id, { type: 'RESOLVE', note: '再次整治，落实长效管理。' });
      this.events += 2;
    }
    if (problem.source === 'hotline_12319' && last + DAY < this.now) {
      this.clock.set(new Date(last + DAY));
      await this.services.problems.send(leader, problem.id, {
        type: 'RECORD_CALLBACK',
        caller: `${squad} 中队内勤`,
        outcome: this.rand.pick(['satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied'] as const),
      });
      this.events++;
    }
  }

  /** R10: a case from the operation, this.now and then transferred to the other squad at the border (accepted, or disputed and designated by the legal section). */
  private async caseAndTransfer(
    operationId: number,
    squad: string,
    other: string,
    place: string,
    at: number,
  ): Promise<void> {
    if (at > this.now) return;
    this.clock.set(new Date(at));
    const leader = await this.as(`${squad}.leader`);
    const year = new Date(at + 8 * HOUR).getUTCFullYear();
    const caseId = await this.services.cases.registerCase(leader, {
      reference: `黄浦城管〔${year}〕第${String(++this.cases).padStart(4, '0')}号`,
      partyKind: this.rand.chance(0.5) ? 'stall' : 'person',
      partyName: this.rand.pick(['王某', '李某', '某水果店', '某餐饮店']),
      violation: this.rand.pick(['占道经营', '跨门营业', '擅自设置户外广告']),
      location: place,
      operation: operationId,
    });
    this.events++;
    if (!this.rand.chance(0.6) || at + 6 * HOUR > this.now) return;
    this.clock.set(new Date(at + 2 * HOUR));
    const transferId = await this.services.cases.propose(leader, {
      case: caseId,
      toSquad: other,
      materials: this.config.transfers.requiredMaterials.map((code) => ({ code, count: this.rand.int(1, 3) })),
      note: '违法行为发生地属对方辖区，依法移送。',
    });
    const receiver = await this.as(`${other}.leader`);
    this.clock.set(new Date(at + this.rand.int(4, 40) * HOUR));
    this.events += 2;
    if (this.rand.chance(0.7)) {
      await this.services.cases.send(receiver, transferId, { type: 'ACCEPT' });
      return;
    }
    await this.services.cases.send(receiver, transferId, {
      type: 'DISPUTE',
      reason: '经核查，违法行为发生地不在本中队辖区。',
    });
    const designateAt = at + this.rand.int(2, 4) * DAY;
    if (designateAt > this.now) return;
    this.clock.set(new Date(designateAt));
    await this.services.cases.send(await this.as('legal'), transferId, {
      type: 'DESIGNATE',
      squad: this.rand.pick([squad, other]),
      reason: '依据现场勘验笔录确定违法行为发生地。',
    });
    this.events++;
  }
}
