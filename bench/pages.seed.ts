/**
 * The seed of `npm run bench -- pages`: N operations with their whole history,
 * in a MariaDB database the app has migrated and seeded with the reference
 * organisation.
 *
 * Nothing here writes a row the engine would not have written. A few hundred
 * *templates* — one per host squad and per way an operation goes (closed after
 * a return, after a failed audit, cancelled once filed, waiting in each state
 * …) — are driven through the real domain services and engine on a manual
 * clock; their rows (snapshot, history, outbox, time limits, projection,
 * squads, incidents, holding records) are read back, the templates deleted,
 * and each of the N operations is a template's rows moved in time: every
 * datetime column and every instant inside the JSON (snapshot, payloads) is
 * shifted by the same whole days plus a few minutes, calendar dates by the
 * same days. Template events all fall between 08:00 and 14:00 Shanghai time
 * and the extra minutes are under 7 h, so no local date changes under the
 * shift — the clone is exactly what the engine would have written had the
 * same commands come at the shifted instants. Clones are bulk-inserted with
 * multi-row INSERTs straight through mysql2 (set-up, not what is measured).
 */
import { performance } from 'node:perf_hooks';
import type mysqlPromise from 'mysql2/promise';
import { ManualClock } from '../src/clock';
import { createServices, type Services } from '../src/container';
import type { EventInput, PlanInput } from '../src/domain/operations/operation.inputs';
import type { Principal } from '../src/domain/org/org.service';
import { REFERENCE_GROUPS, demoUsers } from '../src/domain/org/reference-organisation';
import { createLogger } from '../src/logger';
import { localDateOf } from '../src/time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_ZONE = 'Asia/Shanghai';
/** Extra minutes a clone is moved by, beyond whole days: template events end by 06:00Z, so clones stay before 13:00Z (21:00 Shanghai). */
const MAX_EXTRA_MINUTES = 420;

type Conn = mysqlPromise.Connection;

/** A small deterministic PRNG (mulberry32): the same seed gives the same database. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ------------------------------------------------------------------ the ways an operation goes

/** One step of a template; times follow from the step before (see `whenOf`). */
type Step =
  | 'EDIT'
  | 'FILE'
  | 'RETURN'
  | 'APPROVE'
  | 'DESIGNATE'
  | 'CANCEL_LEAD'
  | 'CANCEL_MANAGER'
  | 'START'
  | 'INCIDENT'
  | 'COMPLETE'
  | 'COMPLETE_SHORT'
  | 'CHECK'
  | 'CHECK_REBOUND'
  | 'SPOT'
  | 'ELAPSED'
  | 'PASS'
  | 'FAIL';

interface Scenario {
  key: string;
  /** The state the steps end in. */
  state: 'draft' | 'filed' | 'approved' | 'in_progress' | 'holding' | 'awaiting_audit' | 'closed' | 'cancelled';
  /** Share of all operations (normalised over every scenario). */
  weight: number;
  steps: Step[];
  kind?: 'regular' | 'ad_hoc' | 'brigade_led';
  /** The lead squad is the host's neighbour in the group (it drafts; the host commands, R4). */
  leadIsNeighbour?: boolean;
  holdingDays?: number;
}

const n = (step: Step, times: number): Step[] => Array.from({ length: times }, () => step);

/**
 * Most operations are closed; a few are cancelled; the rest wait in every
 * state — filings to decide plentiful enough for a duty officer's inbox. 5–12
 * history rows each (creation included), plus a rare long one (a month of
 * daily holding checks and a failed audit).
 */
export const SCENARIOS: Scenario[] = [
  {
    key: 'closed_plain',
    state: 'closed',
    weight: 18,
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_checks',
    state: 'closed',
    weight: 24,
    leadIsNeighbour: true,
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE', 'CHECK', 'CHECK', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_incident_spot',
    state: 'closed',
    weight: 12,
    leadIsNeighbour: true,
    steps: [
      'FILE',
      'APPROVE',
      'START',
      'INCIDENT',
      'COMPLETE',
      'CHECK',
      'CHECK_REBOUND',
      'CHECK',
      'SPOT',
      'ELAPSED',
      'PASS',
    ],
  },
  {
    key: 'closed_returned',
    state: 'closed',
    weight: 8,
    steps: ['FILE', 'RETURN', 'EDIT', 'FILE', 'APPROVE', 'START', 'COMPLETE', 'CHECK', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_audit_failed',
    state: 'closed',
    weight: 6,
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE', 'CHECK', 'ELAPSED', 'FAIL', 'CHECK', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_short_ad_hoc',
    state: 'closed',
    weight: 5,
    kind: 'ad_hoc',
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE_SHORT', 'CHECK', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_brigade_led',
    state: 'closed',
    weight: 4,
    kind: 'brigade_led',
    steps: ['FILE', 'APPROVE', 'DESIGNATE', 'START', 'INCIDENT', 'COMPLETE', 'CHECK', 'ELAPSED', 'PASS'],
  },
  {
    key: 'closed_long',
    state: 'closed',
    weight: 0.1,
    holdingDays: 21,
    steps: [
      'EDIT',
      'FILE',
      'RETURN',
      'EDIT',
      'FILE',
      'APPROVE',
      'START',
      'INCIDENT',
      'INCIDENT',
      'COMPLETE',
      ...n('CHECK', 9),
      'SPOT',
      ...n('CHECK', 9),
      'CHECK_REBOUND',
      'SPOT',
      'ELAPSED',
      'FAIL',
      ...n('CHECK', 6),
      'ELAPSED',
      'PASS',
    ],
  },
  { key: 'cancelled_draft', state: 'cancelled', weight: 2, steps: ['EDIT', 'EDIT', 'EDIT', 'CANCEL_LEAD'] },
  {
    key: 'cancelled_filed',
    state: 'cancelled',
    weight: 2,
    steps: ['FILE', 'RETURN', 'EDIT', 'FILE', 'CANCEL_MANAGER'],
  },
  { key: 'cancelled_approved', state: 'cancelled', weight: 2, steps: ['EDIT', 'FILE', 'APPROVE', 'CANCEL_MANAGER'] },
  { key: 'draft', state: 'draft', weight: 0.6, steps: ['EDIT', 'EDIT', 'EDIT', 'EDIT'] },
  { key: 'draft_returned', state: 'draft', weight: 0.4, steps: ['EDIT', 'FILE', 'RETURN', 'EDIT'] },
  { key: 'filed', state: 'filed', weight: 1.2, steps: ['EDIT', 'EDIT', 'EDIT', 'FILE'] },
  { key: 'filed_again', state: 'filed', weight: 0.8, steps: ['FILE', 'RETURN', 'EDIT', 'FILE'] },
  { key: 'approved', state: 'approved', weight: 1, steps: ['EDIT', 'EDIT', 'FILE', 'APPROVE'] },
  { key: 'in_progress', state: 'in_progress', weight: 0.3, steps: ['FILE', 'APPROVE', 'START', 'INCIDENT'] },
  {
    key: 'holding',
    state: 'holding',
    weight: 2.4,
    holdingDays: 7,
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE', 'CHECK', 'CHECK'],
  },
  {
    key: 'awaiting_audit',
    state: 'awaiting_audit',
    weight: 0.8,
    steps: ['FILE', 'APPROVE', 'START', 'COMPLETE', 'CHECK', 'SPOT', 'ELAPSED'],
  },
];

/** How long ago a clone's last event may lie, per waiting state (SPEC §3.5's limits, roughly). */
const RECENT: Record<string, number> = {
  draft: 14 * DAY,
  filed: 2 * DAY,
  approved: 4 * DAY,
  in_progress: 1 * DAY,
  holding: 6 * DAY,
  awaiting_audit: 3 * DAY,
};

// ------------------------------------------------------------------ words

const STREETS: Record<string, string[]> = {
  waitan: ['中山东一路', '北京东路', '九江路'],
  nanjingdonglu: ['南京东路', '河南中路', '福建中路'],
  'nanjinglu-walk': ['南京路步行街', '浙江中路'],
  'bund-scenic': ['外滩观景平台', '陈毅广场'],
  yuyuan: ['方浜中路', '旧校场路'],
  xiaodongmen: ['东门路', '中山南路'],
  laoximen: ['复兴东路', '西藏南路'],
  'yuyuan-scenic': ['豫园商城', '城隍庙广场'],
  bansongyuanlu: ['半淞园路', '南车站路'],
  wuliqiao: ['瞿溪路', '局门路'],
  dapuqiao: ['徐家汇路', '打浦路'],
  huaihaizhonglu: ['淮海中路', '思南路'],
  ruijinerlu: ['瑞金二路', '建国中路'],
  huaihailu: ['淮海路', '黄陂南路'],
  xintiandi: ['新天地', '马当路'],
};
const PROBLEMS = [
  '无证设摊',
  '跨门营业',
  '占道堆物',
  '夜间排档油烟扰民',
  '共享单车乱停放',
  '建筑垃圾偷倒',
  '违法户外广告',
  '非法客运揽客',
  '流动摊贩',
  '乱张贴',
];
const SOURCES = ['hotspot', 'media', 'leadership', 'community', 'hotline_12319', 'notification'] as const;

function planTexts(street: string, problem: string, host: string) {
  return {
    situation: `${street}沿线${problem}反复出现，高峰时段聚集，群众通过12319热线和街道多次反映，媒体亦有关注。`,
    mission: `清除${street}${problem}，教育劝离当事人，依法查处拒不改正者，恢复市容秩序并建立长效固守。`,
    execution: `分三个岗点同时推进：东段、中段、西段各设一组，机动组巡回支援；行动时段覆盖高峰，结束后转入固守。`,
    command: `${host}中队领导任现场指挥，各中队带队领导分段负责，对讲机二频道联络，每小时向勤务指挥科报告一次。`,
    contingency: '遇辱骂、围攻或阻挠执法，立即停止执法、全程录像取证、撤离至安全地带并报110，必要时请求公安支援。',
    goodsArrangements: '暂扣物品当场登记造册、双人签字，由所在地中队统一保管，按规定时限处理，做到账物相符。',
    holdingPlan: `${host}中队在${street}设两个固定岗点，每日高峰时段固守，发现回潮立即处置并报告联动小组。`,
  };
}

// ------------------------------------------------------------------ templates

interface TemplateSpec {
  scenario: Scenario;
  group: string | null;
  host: string;
  lead: string;
  squads: string[];
  designated: string | null;
  holdingDays: number;
  title: string;
  street: string;
  source: (typeof SOURCES)[number];
  rand: () => number;
}

interface TemplateRows {
  spec: TemplateSpec;
  id: number;
  /** Rows per table, as read back (the template's own ids in them). */
  tables: Record<string, Array<Record<string, unknown>>>;
  createdAt: number;
  lastEventAt: number;
  /** When the open time limit that sends an event (holding's end) is due, if any. */
  openEventDue: number | null;
  historyLength: number;
}

function templateSpecs(rand: () => number): TemplateSpec[] {
  const specs: TemplateSpec[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  for (const scenario of SCENARIOS) {
    if (scenario.kind === 'brigade_led') {
      // R4: brigade-led, spanning groups, commanded by a mobile squad's leader the brigade designates.
      REFERENCE_GROUPS.forEach((g, i) => {
        const other = REFERENCE_GROUPS[(i + 1) % REFERENCE_GROUPS.length];
        const host = g.squads[0].code;
        const street = pick(STREETS[host]);
        const problem = pick(PROBLEMS);
        specs.push({
          scenario,
          group: null,
          host,
          lead: host,
          squads: [host, g.squads[1].code, other.squads[0].code, i % 2 ? 'mobile-2' : 'mobile-1'],
          designated: `${i % 2 ? 'mobile-2' : 'mobile-1'}.leader`,
          holdingDays: 7,
          title: `${street}${problem}区域联动专项整治`,
          street,
          source: 'leadership',
          rand: prng(Math.floor(rand() * 2 ** 32)),
        });
      });
      continue;
    }
    for (const g of REFERENCE_GROUPS) {
      g.squads.forEach((s, i) => {
        const members = g.squads.map((x) => x.code);
        const neighbour = members[(i + 1) % members.length];
        const others = members.filter((c) => c !== s.code && c !== neighbour);
        // The host, its neighbour, and 0–2 more of the group (R3: 2–4 squads).
        const extra = others.slice(0, Math.floor(rand() * (others.length + 1)));
        const street = pick(STREETS[s.code]);
        const problem = pick(PROBLEMS);
        const checks = scenario.steps.filter((x) => x === 'CHECK' || x === 'CHECK_REBOUND').length;
        specs.push({
          scenario,
          group: g.code,
          host: s.code,
          lead: scenario.leadIsNeighbour ? neighbour : s.code,
          squads: [s.code, neighbour, ...extra],
          designated: null,
          holdingDays: scenario.holdingDays ?? Math.max(checks + 1, pick([3, 5, 7, 7, 7, 10])),
          title: `${street}${problem}联合整治`,
          street,
          source: scenario.kind === 'ad_hoc' ? 'notification' : pick(SOURCES),
          rand: prng(Math.floor(rand() * 2 ** 32)),
        });
      });
    }
  }
  return specs;
}

const at0100 = (day: number) => day * DAY + 1 * HOUR;

/**
 * Drives one template through the real services on its own manual clock,
 * starting at `base` (a UTC midnight = 08:00 Shanghai). Returns its id.
 */
async function driveTemplate(
  base: Services,
  principals: Map<string, Principal>,
  spec: TemplateSpec,
  start: number,
): Promise<number> {
  const clock = new ManualClock(new Date(start));
  const services = createServices(base.config, base.db, clock, createLogger({ silent: true }));
  const who = (username: string) => {
    const p = principals.get(username);
    if (!p) throw new Error(`no principal ${username}`);
    return p;
  };
  const r = spec.rand;
  const managers = ['duty', 'duty2', 'duty', 'commander'];
  // inspector2 is posted with waitan: R14 keeps them off waitan's holding.
  const inspector = spec.host === 'waitan' || r() < 0.7 ? 'inspector' : 'inspector2';
  const plannedHours = [4, 4, 4, 5, 6][Math.floor(r() * 5)];
  const texts = planTexts(spec.street, spec.title, spec.host);
  const plannedStart = new Date(start + at0100(6)).toISOString();
  const forces = spec.squads.map((squad, i) => ({
    squad,
    officers: i === 0 ? 6 + Math.floor(r() * 3) : 3 + Math.floor(r() * 3),
    vehicles: i === 0 ? 2 : Math.floor(r() * 2),
  }));
  const plan: PlanInput = {
    kind: spec.scenario.kind ?? 'regular',
    group: spec.group,
    leadSquad: spec.lead,
    hostSquad: spec.host,
    squads: spec.squads,
    title: spec.title,
    problemSource: spec.source,
    location: `${spec.street}（${spec.street}沿线三个岗点）`,
    plannedStart,
    plannedHours,
    holdingDays: spec.holdingDays,
    forces,
    ...texts,
  };
  const id = await services.operations.create(who(`${spec.lead}.leader`), plan);

  let cursor = start;
  let started = 0;
  let holdStart = 0;
  let holdingDeadline = 0;
  let checksThisRound = 0;
  let edits = 0;
  const nextDay = (t: number) => Math.floor(t / DAY) * DAY + DAY;
  for (const step of spec.scenario.steps) {
    let when: number;
    let as: string;
    let input: EventInput | null;
    switch (step) {
      case 'EDIT':
        when = cursor + 30 * MINUTE;
        as = `${spec.lead}.leader`;
        edits++;
        input = {
          type: 'EDIT_PLAN',
          plan: { mission: `${texts.mission}（第${edits}次修订：补充岗点分工）`, plannedHours },
        };
        break;
      case 'FILE':
        when = cursor + 30 * MINUTE;
        as = `${spec.lead}.leader`;
        input = { type: 'FILE' };
        break;
      case 'RETURN':
        when = nextDay(cursor) + HOUR;
        as = managers[Math.floor(r() * managers.length)];
        input = {
          type: 'RETURN',
          reason: ['请补充应急预案的具体分工', '参加中队警力不足，请调整', '固守方案不具体，请细化岗点和时段'][
            Math.floor(r() * 3)
          ],
        };
        break;
      case 'APPROVE':
        when = nextDay(cursor) + HOUR;
        as = managers[Math.floor(r() * managers.length)];
        input = r() < 0.5 ? { type: 'APPROVE', note: '同意，注意执法安全，全程记录' } : { type: 'APPROVE' };
        break;
      case 'DESIGNATE':
        when = cursor + HOUR;
        as = 'commander';
        input = { type: 'DESIGNATE_COMMANDER', commander: spec.designated! };
        break;
      case 'CANCEL_LEAD':
        when = nextDay(cursor) + HOUR;
        as = `${spec.lead}.leader`;
        input = { type: 'CANCEL', reason: '问题已由街道协调解决，行动取消' };
        break;
      case 'CANCEL_MANAGER':
        when = nextDay(cursor) + HOUR;
        as = managers[Math.floor(r() * managers.length)];
        input = {
          type: 'CANCEL',
          reason: ['恶劣天气预警，行动取消', '与区重大活动保障冲突，行动取消'][Math.floor(r() * 2)],
        };
        break;
      case 'START':
        when = start + at0100(6);
        started = when;
        as = spec.designated ?? `${spec.host}.leader`;
        input = { type: 'START' };
        break;
      case 'INCIDENT':
        when = cursor + 90 * MINUTE;
        as = `${spec.squads[1]}.officer`;
        input = {
          type: 'LOG_INCIDENT',
          incidentType: (['verbal_abuse', 'obstruction', 'verbal_abuse', 'assault', 'siege'] as const)[
            Math.floor(r() * 5)
          ],
          severity: r() < 0.8 ? 'minor' : 'serious',
          injuries: r() < 0.9 ? 0 : 1,
          description: '摊主拒不配合，辱骂执法队员并阻挠暂扣',
          response: '停止执法、全程录像取证，当事人经劝说离开',
          informed: r() < 0.5 ? '已报告勤务指挥科' : '',
        };
        break;
      case 'COMPLETE':
      case 'COMPLETE_SHORT': {
        const short = step === 'COMPLETE_SHORT';
        when = started + (short ? 3 * HOUR : 4.5 * HOUR);
        as = spec.designated ?? `${spec.host}.leader`;
        input = {
          type: 'COMPLETE',
          // Goods detained are the ledger's (none registered here).
          results: forces.map((f) => ({
            squad: f.squad,
            officers: f.officers,
            vehicles: f.vehicles,
            educated: Math.floor(r() * 30),
            handled: Math.floor(r() * 8),
          })),
          ...(short ? { shortReason: '突降暴雨，现场已无违法行为，提前收队' } : {}),
          summary: '按计划完成，违法行为明显减少',
        };
        holdStart = when;
        holdingDeadline = when + spec.holdingDays * DAY;
        checksThisRound = 0;
        break;
      }
      case 'CHECK':
      case 'CHECK_REBOUND':
        checksThisRound++;
        when = Math.floor(holdStart / DAY) * DAY + checksThisRound * DAY + HOUR;
        as = r() < 0.7 ? `${spec.host}.officer` : `${spec.host}.leader`;
        input = {
          type: 'LOG_HOLDING_CHECK',
          date: localDateOf(new Date(when), TIME_ZONE),
          officersOnPost: 2 + Math.floor(r() * 3),
          reboundObserved: step === 'CHECK_REBOUND',
          notes: step === 'CHECK_REBOUND' ? '傍晚有两处摊贩回潮，已当场劝离' : '岗点有人值守，未见回潮',
        };
        break;
      case 'SPOT':
        when = cursor + 2 * HOUR;
        as = inspector;
        input = { type: 'SPOT_CHECK', findings: '抽查时岗点有人值守，记录完整', reboundObserved: false };
        break;
      case 'ELAPSED':
        when = holdingDeadline + 30 * MINUTE;
        as = 'system';
        input = null;
        break;
      case 'PASS':
        when = nextDay(cursor) + 2 * HOUR;
        as = inspector;
        input = {
          type: 'AUDIT_PASS',
          findings: '固守到位，台账完整，未见反弹',
          coverageReason: '督察走访核实，固守到位',
        };
        break;
      case 'FAIL':
        when = nextDay(cursor) + 2 * HOUR;
        as = inspector;
        input = {
          type: 'AUDIT_FAIL',
          findings: '督察时岗点无人值守，已有回潮',
          rectification: '每日高峰增派两人固守并拍照留痕',
        };
        holdStart = when;
        holdingDeadline = when + spec.holdingDays * DAY;
        checksThisRound = 0;
        break;
    }
    if (when < cursor) throw new Error(`template ${spec.scenario.key}: ${step} would go back in time`);
    cursor = when;
    clock.set(new Date(when));
    if (input === null) {
      const brigade = await services.org.brigadeByCode('huangpu');
      await services.engine.send(services.workflows.operation, id, services.org.systemActor(brigade), {
        type: 'HOLDING_ELAPSED',
      });
    } else {
      await services.operations.send(who(as), id, input);
    }
  }
  return id;
}

const TABLES = {
  workflow_instances: 'id',
  operations: 'id',
  workflow_history: 'instance_id',
  outbox: 'instance_id',
  workflow_deadlines: 'instance_id',
  operation_squads: 'operation_id',
  operation_incidents: 'operation_id',
  holding_records: 'operation_id',
} as const;
type TableName = keyof typeof TABLES;
/** Tables whose own `id` is generated: clones leave it to AUTO_INCREMENT. */
const GENERATED_ID = new Set<TableName>([
  'workflow_history',
  'outbox',
  'workflow_deadlines',
  'operation_incidents',
  'holding_records',
]);

async function readTemplates(conn: Conn, specs: TemplateSpec[], ids: number[]): Promise<TemplateRows[]> {
  const byId = new Map<number, TemplateRows>();
  ids.forEach((id, i) =>
    byId.set(id, {
      spec: specs[i],
      id,
      tables: {},
      createdAt: 0,
      lastEventAt: 0,
      openEventDue: null,
      historyLength: 0,
    }),
  );
  for (const [table, key] of Object.entries(TABLES) as Array<[TableName, string]>) {
    const [rows] = await conn.query(`SELECT * FROM ${table} WHERE ${key} IN (?) ORDER BY ${key}`, [ids]);
    for (const row of rows as Array<Record<string, unknown>>) {
      const t = byId.get(Number(row[key]))!;
      (t.tables[table] ??= []).push(row);
    }
  }
  for (const t of byId.values()) {
    const instance = t.tables.workflow_instances[0];
    t.createdAt = (instance.created_at as Date).getTime();
    t.lastEventAt = Math.max(...t.tables.workflow_history.map((h) => (h.at as Date).getTime()));
    t.historyLength = t.tables.workflow_history.length;
    const open = (t.tables.workflow_deadlines ?? []).filter((d) => d.closed_at === null && d.event !== null);
    t.openEventDue = open.length ? (open[0].due_at as Date).getTime() : null;
    if (instance.state !== t.spec.scenario.state)
      throw new Error(`template ${t.spec.scenario.key} ended in ${String(instance.state)}`);
  }
  return ids.map((id) => byId.get(id)!);
}

// ------------------------------------------------------------------ cloning

const ISO_IN_JSON = /"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"|"(\d{4}-\d{2}-\d{2})"/g;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** JSON text split around the instants and dates in it, so a clone is a join, not a parse. */
function compileJson(text: string): (shiftMs: number, shiftDays: number) => string {
  const parts: Array<string | { iso?: number; date?: number }> = [];
  let last = 0;
  for (const m of text.matchAll(ISO_IN_JSON)) {
    parts.push(text.slice(last, m.index));
    parts.push(m[1] ? { iso: Date.parse(m[1]) } : { date: Date.parse(`${m[2]}T00:00:00Z`) });
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  if (parts.length === 1) return () => text;
  return (shiftMs, shiftDays) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if (p.iso !== undefined) out += `"${new Date(p.iso + shiftMs).toISOString()}"`;
      else out += `"${new Date(p.date! + shiftDays * DAY).toISOString().slice(0, 10)}"`;
    }
    return out;
  };
}

type Cell = (id: number, shiftMs: number, shiftDays: number) => unknown;

interface CompiledTable {
  columns: string[];
  rows: Cell[][];
}

function compileRows(table: TableName, rows: Array<Record<string, unknown>>): CompiledTable {
  const key = TABLES[table];
  const columns = Object.keys(rows[0] ?? {}).filter((c) => !(c === 'id' && GENERATED_ID.has(table)));
  const compiled = rows.map((row) =>
    columns.map((c): Cell => {
      const v = row[c];
      if (c === key) return (id) => id;
      // Record numbers are unique per brigade and year: a clone numbers itself by its id, in the year it was filed.
      if (table === 'operations' && c === 'number_seq' && v !== null) return (id) => id;
      if (table === 'operations' && c === 'number_year' && v !== null) {
        const filed = (row.filed_at ?? row.created_at) as Date;
        return (_id, shiftMs) => new Date(filed.getTime() + shiftMs + 8 * 3_600_000).getUTCFullYear();
      }
      if (v instanceof Date) {
        const t = v.getTime();
        return (_id, shiftMs) => new Date(t + shiftMs);
      }
      if (typeof v === 'string' && (c === 'snapshot' || c === 'payload')) {
        const f = compileJson(v);
        return (_id, shiftMs, shiftDays) => f(shiftMs, shiftDays);
      }
      if (typeof v === 'string' && LOCAL_DATE.test(v)) {
        const d = Date.parse(`${v}T00:00:00Z`);
        return (_id, _ms, shiftDays) => new Date(d + shiftDays * DAY).toISOString().slice(0, 10);
      }
      return () => v;
    }),
  );
  return { columns, rows: compiled };
}

interface Clone {
  template: number;
  shiftMs: number;
  createdAt: number;
}

export interface SeedReport {
  operations: number;
  templates: number;
  byState: Record<string, number>;
  rows: Record<string, number>;
  /** One clone of every template that was used (to check they restore). */
  samples: number[];
  seconds: { templates: number; insert: number; analyze: number; total: number };
  periodFrom: string;
  periodTo: string;
}

/**
 * Seeds `count` operations over `years` years up to now into the database
 * behind `services` (migrated, with the reference organisation) and `conn`
 * (a mysql2 connection to the same database).
 */
export async function seedOperations(
  services: Services,
  conn: Conn,
  count: number,
  opts: { years?: number; seed?: number; log?: (s: string) => void } = {},
): Promise<SeedReport> {
  const log = opts.log ?? (() => undefined);
  const rand = prng(opts.seed ?? 20261127);
  const t0 = performance.now();
  const now = Date.now();
  const years = opts.years ?? 4;

  // 1. Templates, through the real services, a few at a time (each on its own clock).
  const brigade = await services.org.brigadeByCode('huangpu');
  const principals = new Map<string, Principal>();
  for (const u of demoUsers()) {
    const found = await services.org.userByUsername(brigade.id, u.username);
    if (found) principals.set(u.username, await services.org.principalFor(found.user.id));
  }
  const base = Math.floor(now / DAY) * DAY - 120 * DAY;
  const specs = templateSpecs(rand);
  const ids: number[] = new Array(specs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < specs.length) {
        const i = next++;
        ids[i] = await driveTemplate(services, principals, specs[i], base);
      }
    }),
  );
  const templates = await readTemplates(conn, specs, ids);
  await conn.query('DELETE FROM workflow_instances WHERE id IN (?)', [ids]);
  const tTemplates = performance.now();
  log(`  ${templates.length} templates driven through the engine in ${((tTemplates - t0) / 1000).toFixed(1)} s`);

  // 2. Which template each operation clones, and when it happened.
  const totalWeight = SCENARIOS.reduce((a, s) => a + s.weight, 0);
  const byScenario = new Map<Scenario, number[]>();
  templates.forEach((t, i) => byScenario.set(t.spec.scenario, [...(byScenario.get(t.spec.scenario) ?? []), i]));
  const periodStart = now - years * 365 * DAY;
  const clones: Clone[] = [];
  const byState: Record<string, number> = {};
  for (let k = 0; k < count; k++) {
    let x = rand() * totalWeight;
    const scenario = SCENARIOS.find((s) => (x -= s.weight) < 0) ?? SCENARIOS[0];
    const choices = byScenario.get(scenario)!;
    const ti = choices[Math.floor(rand() * choices.length)];
    const t = templates[ti];
    const span = t.lastEventAt - t.createdAt;
    // When its last event happened: long ago for a closed or cancelled one, recently for one still waiting.
    let lastAt: number;
    if (scenario.state === 'closed' || scenario.state === 'cancelled') {
      lastAt = periodStart + span + rand() * (now - DAY - periodStart - span);
    } else {
      let window = RECENT[scenario.state];
      if (t.openEventDue !== null) window = Math.min(window, t.openEventDue - t.lastEventAt - DAY);
      lastAt = now - 5 * MINUTE - rand() * Math.max(0, window);
    }
    const wanted = lastAt - t.lastEventAt;
    const days = Math.floor(wanted / DAY);
    let shiftMs = days * DAY + Math.min(MAX_EXTRA_MINUTES, Math.floor((wanted - days * DAY) / MINUTE)) * MINUTE;
    if (t.lastEventAt + shiftMs > now) shiftMs -= DAY;
    clones.push({ template: ti, shiftMs, createdAt: t.createdAt + shiftMs });
    byState[scenario.state] = (byState[scenario.state] ?? 0) + 1;
  }
  // Ids follow creation, as AUTO_INCREMENT would have given them.
  clones.sort((a, b) => a.createdAt - b.createdAt);

  // 3. Bulk inserts, in id order, a batch of operations at a time.
  const compiled = templates.map(
    (t) =>
      Object.fromEntries(
        (Object.keys(TABLES) as TableName[]).map((table) => [table, compileRows(table, t.tables[table] ?? [])]),
      ) as Record<TableName, CompiledTable>,
  );
  const columnsOf = {} as Record<TableName, string[]>;
  for (const table of Object.keys(TABLES) as TableName[])
    columnsOf[table] = compiled.find((c) => c[table].columns.length)![table].columns;
  const rows: Record<string, number> = {};
  const [[{ firstId }]] = (await conn.query(
    'SELECT COALESCE(MAX(id), 0) + 1 AS firstId FROM workflow_instances',
  )) as unknown as [[{ firstId: number }]];
  await conn.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
  const BATCH = 1000;
  for (let start = 0; start < clones.length; start += BATCH) {
    const batch: Record<string, unknown[][]> = {};
    for (let k = start; k < Math.min(clones.length, start + BATCH); k++) {
      const c = clones[k];
      const id = Number(firstId) + k;
      const shiftDays = Math.floor(c.shiftMs / DAY);
      for (const table of Object.keys(TABLES) as TableName[]) {
        for (const cells of compiled[c.template][table].rows)
          (batch[table] ??= []).push(cells.map((cell) => cell(id, c.shiftMs, shiftDays)));
      }
    }
    await conn.query('START TRANSACTION');
    for (const [table, values] of Object.entries(batch)) {
      // Under max_allowed_packet (16 MB by default) with room to spare.
      for (let i = 0; i < values.length; i += 2000) {
        await conn.query(`INSERT INTO ${table} (${columnsOf[table as TableName].join(', ')}) VALUES ?`, [
          values.slice(i, i + 2000),
        ]);
      }
      rows[table] = (rows[table] ?? 0) + values.length;
    }
    await conn.query('COMMIT');
    if ((start / BATCH) % 10 === 9)
      log(`  … ${start + BATCH} operations inserted (${((performance.now() - tTemplates) / 1000).toFixed(0)} s)`);
  }
  await conn.query('SET SESSION foreign_key_checks = 1, unique_checks = 1');
  const tInsert = performance.now();
  const samples = new Map<number, number>();
  clones.forEach((c, k) => samples.has(c.template) || samples.set(c.template, Number(firstId) + k));

  // 4. Fresh statistics, as a database that grew to this size would have.
  await conn.query(
    `ANALYZE TABLE ${[...Object.keys(TABLES), 'squads', 'users', 'user_roles', 'linkage_groups'].join(', ')}`,
  );
  const tAnalyze = performance.now();
  return {
    operations: clones.length,
    templates: templates.length,
    byState,
    rows,
    samples: [...samples.values()],
    seconds: {
      templates: Math.round((tTemplates - t0) / 100) / 10,
      insert: Math.round((tInsert - tTemplates) / 100) / 10,
      analyze: Math.round((tAnalyze - tInsert) / 100) / 10,
      total: Math.round((tAnalyze - t0) / 100) / 10,
    },
    periodFrom: new Date(periodStart).toISOString().slice(0, 10),
    periodTo: new Date(now).toISOString().slice(0, 10),
  };
}
