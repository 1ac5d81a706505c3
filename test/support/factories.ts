import type { TestApp } from './test-app';

/** A complete, valid plan for group `north`, hosted and led by `waitan`, starting a day after `now`. */
export function planBody(now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'regular',
    group: 'north',
    leadSquad: 'waitan',
    hostSquad: 'waitan',
    squads: ['waitan', 'nanjingdonglu', 'bund-scenic'],
    title: '中山东一路无证设摊联合整治',
    problemSource: 'hotspot',
    location: '中山东一路（延安东路—北京东路）',
    plannedStart: new Date(now.getTime() + 24 * 3_600_000).toISOString(),
    plannedHours: 4,
    holdingDays: 7,
    forces: [
      { squad: 'waitan', officers: 6, vehicles: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
      { squad: 'bund-scenic', officers: 3, vehicles: 0 },
    ],
    situation: '傍晚高峰无证设摊聚集，游客投诉多',
    mission: '清除无证设摊，劝离并教育',
    execution: '三个岗点，17:00—21:00',
    command: '外滩中队领导指挥，对讲机二频道',
    contingency: '遇围攻立即撤离并报 110，录像取证',
    goodsArrangements: '暂扣物品由外滩中队登记保管',
    holdingPlan: '外滩中队每日 17:00—21:00 固守两个岗点',
    ...overrides,
  };
}

export function resultsBody(squads = ['waitan', 'nanjingdonglu', 'bund-scenic']) {
  // Goods detained are left out: they are taken from the goods ledger (R13).
  return squads.map((squad, i) => ({ squad, officers: 5 - i, vehicles: 1, educated: 10 + i, handled: 2 + i }));
}

/** A plan form as a browser sends it: squads as repeated checkboxes, forces per squad. */
export function planForm(now: Date, over: Record<string, unknown> = {}) {
  const p = planBody(now) as Record<string, unknown> & {
    forces: Array<{ squad: string; officers: number; vehicles: number }>;
  };
  const local = new Date(Date.parse(p.plannedStart as string) + 8 * 3_600_000).toISOString().slice(0, 16);
  const form: Record<string, unknown> = {
    kind: p.kind,
    group: p.group,
    leadSquad: p.leadSquad,
    hostSquad: p.hostSquad,
    squads: p.squads,
    title: p.title,
    problemSource: p.problemSource,
    location: p.location,
    plannedStart: local,
    plannedHours: '4',
    holdingDays: '7',
    situation: p.situation,
    mission: p.mission,
    execution: p.execution,
    command: p.command,
    contingency: p.contingency,
    goodsArrangements: p.goodsArrangements,
    holdingPlan: p.holdingPlan,
  };
  for (const f of p.forces) {
    form[`forces[${f.squad}][officers]`] = String(f.officers);
    form[`forces[${f.squad}][vehicles]`] = String(f.vehicles);
  }
  return { ...form, ...over };
}

/** Who sends each event in the reference organisation, for an operation hosted and led by `waitan`. */
export const SENDER: Record<string, string> = {
  EDIT_PLAN: 'waitan.leader',
  FILE: 'waitan.leader',
  DESIGNATE_COMMANDER: 'commander',
  APPROVE: 'duty',
  RETURN: 'duty',
  CANCEL: 'duty',
  START: 'waitan.leader',
  LOG_INCIDENT: 'nanjingdonglu.officer',
  COMPLETE: 'waitan.leader',
  LOG_HOLDING_CHECK: 'waitan.officer',
  SPOT_CHECK: 'inspector',
  AUDIT_PASS: 'inspector',
  AUDIT_FAIL: 'inspector',
};

/** A payload that satisfies each event's rules, given the clock now. */
export function eventBody(type: string, now: Date): Record<string, unknown> {
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  switch (type) {
    case 'RETURN':
      return { reason: '请补充应急预案的具体分工' };
    case 'CANCEL':
      return { reason: '天气原因取消' };
    case 'START':
      return {};
    case 'LOG_INCIDENT':
      return {
        incidentType: 'verbal_abuse',
        severity: 'minor',
        injuries: 0,
        description: '摊主辱骂执法队员',
        response: '劝离并录像取证',
      };
    case 'COMPLETE':
      return { results: resultsBody() };
    case 'LOG_HOLDING_CHECK':
      return { date: today, officersOnPost: 2, reboundObserved: false, notes: '未见回潮' };
    case 'SPOT_CHECK':
      return { findings: '岗点有人值守', reboundObserved: false };
    case 'AUDIT_PASS':
      // Tests that are not about coverage do not log a check for every holding day: the pass says why (R12).
      return { findings: '固守到位，未见反弹', coverageReason: '督察暗访核实，现场无回潮' };
    case 'AUDIT_FAIL':
      return { findings: '岗点无人', rectification: '每日增派两人固守' };
    case 'DESIGNATE_COMMANDER':
      return { commander: 'nanjingdonglu.leader' };
    case 'EDIT_PLAN':
      return { plan: { title: '中山东一路无证设摊联合整治（修订）' } };
    default:
      return {};
  }
}

/** Creates an operation through the API and returns its id and version. */
export async function createOperation(t: TestApp, overrides: Record<string, unknown> = {}, as = 'waitan.leader') {
  const res = await t.as(as).post('/api/v1/operations', planBody(t.clock.now(), overrides));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as number, version: res.body.version as number };
}

/** Sends an event as its usual sender (or `as`), expecting success; returns the new version. */
export async function send(
  t: TestApp,
  id: number,
  version: number,
  type: string,
  extra: Record<string, unknown> = {},
  as?: string,
) {
  const res = await t.as(as ?? SENDER[type]).post(`/api/v1/operations/${id}/events`, {
    type,
    expectedVersion: version,
    ...eventBody(type, t.clock.now()),
    ...extra,
  });
  if (res.status !== 200) throw new Error(`${type} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}

const HOUR = 3_600_000;

/** Carries a new operation to `state` along the main line, moving the clock as real time would. */
export async function operationIn(t: TestApp, state: string, overrides: Record<string, unknown> = {}) {
  const { id } = await createOperation(t, overrides);
  let v = 1;
  const steps: Array<[string, () => void]> = [
    ['FILE', () => undefined],
    ['APPROVE', () => undefined],
    ['START', () => t.clock.advance(24 * HOUR)],
    ['COMPLETE', () => t.clock.advance(5 * HOUR)],
    ['HOLDING_ELAPSED', () => t.clock.advance(8 * 24 * HOUR)],
  ];
  const order = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'];
  for (let i = 0; i < order.indexOf(state); i++) {
    const [type, before] = steps[i];
    before();
    if (type === 'HOLDING_ELAPSED') {
      v = (await t.services.engine.send(t.services.workflows.operation, id, await systemActorOf(t), { type })).version;
    } else {
      v = await send(t, id, v, type);
    }
  }
  return { id, version: v };
}

export async function systemActorOf(t: TestApp) {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  return t.services.org.systemActor(brigade);
}

const COUNTED_TABLES = [
  'workflow_instances',
  'workflow_history',
  'outbox',
  'workflow_deadlines',
  'operations',
  'operation_squads',
  'operation_incidents',
  'holding_records',
];

/** Row counts of every table a command writes: equal before and after means nothing was written. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const [row] = await t.services.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    out[table] = Number(row.n);
  }
  return out;
}

/** The first two squads of each reference group (lead/host first). */
export const GROUP_SQUADS: Record<string, [string, string]> = {
  north: ['waitan', 'nanjingdonglu'],
  oldcity: ['yuyuan', 'xiaodongmen'],
  south: ['bansongyuanlu', 'wuliqiao'],
  west: ['huaihaizhonglu', 'ruijinerlu'],
};

/**
 * A whole operation of `group` that began at `start` and lasted `hours`,
 * filed the day before: the clock is moved as real time would move it, and is
 * left at the operation's end. Stops at `until` if given.
 */
export async function runOperation(
  t: TestApp,
  group: string,
  opts: {
    start: string;
    hours: number;
    kind?: string;
    until?: 'approved' | 'in_progress' | 'holding';
    shortReason?: string;
  },
) {
  const [lead, other] = GROUP_SQUADS[group];
  const start = new Date(opts.start);
  t.clock.set(new Date(start.getTime() - 24 * HOUR));
  const { id } = await createOperation(
    t,
    {
      group,
      kind: opts.kind ?? 'regular',
      leadSquad: lead,
      hostSquad: lead,
      squads: [lead, other],
      forces: [
        { squad: lead, officers: 5, vehicles: 1 },
        { squad: other, officers: 4, vehicles: 1 },
      ],
      plannedStart: start.toISOString(),
      plannedHours: Math.max(4, opts.hours),
    },
    `${lead}.leader`,
  );
  let v = await send(t, id, 1, 'FILE', {}, `${lead}.leader`);
  v = await send(t, id, v, 'APPROVE', {}, 'duty');
  if (opts.until === 'approved') return { id, version: v };
  t.clock.set(new Date(start.getTime() + opts.hours * HOUR));
  v = await send(t, id, v, 'START', { actualStart: start.toISOString() }, `${lead}.leader`);
  if (opts.until === 'in_progress') return { id, version: v };
  const results = [lead, other].map((squad) => ({
    squad,
    officers: 4,
    vehicles: 1,
    educated: 6,
    handled: 2,
    goodsDetained: 0,
  }));
  v = await send(
    t,
    id,
    v,
    'COMPLETE',
    { results, ...(opts.hours < 4 ? { shortReason: opts.shortReason ?? '突降暴雨提前收队' } : {}) },
    `${lead}.leader`,
  );
  return { id, version: v };
}
