import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type OperationEvent,
  type OperationFacts,
  type OperationPlan,
  mayOperation,
  operationEventProblems,
  holdingCoverage,
  holdingDaysOf,
  operationMachine,
  operationSnapshotMigrations,
  PLAN_SECTIONS,
} from '../../workflows/operation';
import { type Actor, SYSTEM_ACTOR } from '../../workflows/shared/actor';

// The reference squads by number: 1–4 are group north (1 = waitan, 2 = nanjingdonglu, 3, 4), 5 is yuyuan (oldcity), 9 is mobile-1.
const NORTH = [1, 2, 3, 4];
const facts: OperationFacts = {
  activeSquadIds: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  groupSquadIds: NORTH,
  timeZone: 'Asia/Shanghai',
  limits: {
    minHours: 4,
    minSquads: 2,
    holdingDaysMin: 1,
    holdingDaysMax: 30,
    lateEntryHours: 12,
    earlyStartHours: 3,
    minCoverage: 0.8,
    requiredSections: PLAN_SECTIONS,
  },
};
const NOW = '2026-11-02T01:00:00.000Z';
const HOUR = 3_600_000;
const later = (hours: number, from = NOW) => new Date(Date.parse(from) + hours * HOUR).toISOString();

let nextUser = 100;
const user = (roles: Actor['roles'], squadId: number | null, userId = nextUser++): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const waitanOfficer = user(['officer'], 1, 12);
const nanjingLeader = user(['squad_leader'], 2, 21);
const nanjingOfficer = user(['officer'], 2, 22);
const yuyuanLeader = user(['squad_leader'], 5, 51);
const yuyuanOfficer = user(['officer'], 5, 52);
const duty = user(['duty_officer'], null, 90);
const commander = user(['commander'], null, 91);
const inspector = user(['inspector'], null, 92);
const waitanInspector = user(['inspector'], 1, 93);

function plan(over: Partial<OperationPlan> = {}): OperationPlan {
  return {
    kind: 'regular',
    groupId: 1,
    leadSquadId: 1,
    hostSquadId: 1,
    squadIds: [1, 2],
    title: '联合整治',
    problemSource: 'hotspot',
    location: '中山东一路',
    plannedStart: later(24),
    plannedHours: 4,
    holdingDays: 7,
    forces: [
      { squadId: 1, officers: 6, vehicles: 2 },
      { squadId: 2, officers: 4, vehicles: 1 },
    ],
    situation: '傍晚无证设摊聚集',
    mission: '清除无证设摊',
    execution: '三个岗点，17:00—21:00',
    command: '外滩中队领导指挥，对讲机二频道',
    contingency: '遇围攻立即撤离',
    goodsArrangements: '暂扣物品由外滩中队登记保管',
    holdingPlan: '外滩中队每日固守两个岗点',
    ...over,
  };
}

type Payload = Record<string, unknown>;
const ev = (type: string, actor: Actor, payload: Payload = {}, at = NOW): OperationEvent =>
  ({ type, actor, at, facts, ...payload }) as unknown as OperationEvent;

const results = (squads = [1, 2]) =>
  squads.map((squadId) => ({ squadId, officers: 4, vehicles: 1, educated: 10, handled: 2, goodsDetained: 0 }));

/** Applies events in order; each must be taken. */
function run(p: OperationPlan, steps: Array<OperationEvent>): AnyMachineSnapshot {
  let [s] = initialTransition(operationMachine, { plan: p, createdBy: 11 });
  for (const e of steps) {
    if (!s.can(e))
      throw new Error(
        `${e.type} refused in ${String(s.value)}: ${JSON.stringify(operationEventProblems(s.context, e))}`,
      );
    [s] = transition(operationMachine, s, e);
  }
  return s;
}

const filed = (p = plan()) => run(p, [ev('FILE', waitanLeader)]);
const approved = (p = plan()) => run(p, [ev('FILE', waitanLeader), ev('APPROVE', duty)]);
const inProgress = (p = plan()) =>
  run(p, [ev('FILE', waitanLeader), ev('APPROVE', duty), ev('START', waitanLeader, {}, later(24))]);
const holding = (p = plan(), hours = 5) =>
  run(p, [
    ev('FILE', waitanLeader),
    ev('APPROVE', duty),
    ev('START', waitanLeader, {}, later(24)),
    ev('COMPLETE', waitanLeader, { results: results(p.squadIds) }, later(24 + hours)),
  ]);
const awaitingAudit = () => {
  const s = holding();
  const [next] = transition(operationMachine, s, ev('HOLDING_ELAPSED', SYSTEM_ACTOR, {}, s.context.holdingDeadline));
  return next;
};

const codes = (s: AnyMachineSnapshot, e: OperationEvent) => operationEventProblems(s.context, e).map((p) => p.code);
const reason = (s: AnyMachineSnapshot, e: OperationEvent) => {
  const permit = mayOperation(e.type, e.actor, s.context, s.value as never);
  return permit.ok ? 'ok' : permit.reason;
};

describe('filing a plan (R6: the lead squad drafts and files with the Duty Command Section)', () => {
  it('the lead squad’s leader files a complete plan', () => {
    expect(filed().value).toBe('filed');
  });

  it('a squad leader of another squad cannot file this plan', () => {
    const [s] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    const e = ev('FILE', nanjingLeader);
    expect(s.can(e)).toBe(false);
    expect(reason(s, e)).toBe('not_lead_squad_leader');
  });

  it('an officer of the lead squad cannot file the plan', () => {
    const [s] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    expect(reason(s, ev('FILE', waitanOfficer))).toBe('not_lead_squad_leader');
  });

  it.each([
    [
      'a plan with one squad',
      plan({ squadIds: [1], forces: [{ squadId: 1, officers: 6, vehicles: 0 }] }),
      'too_few_squads',
    ],
    [
      'a plan whose lead squad is not taking part',
      plan({
        squadIds: [2, 3],
        hostSquadId: 2,
        forces: [
          { squadId: 2, officers: 1, vehicles: 0 },
          { squadId: 3, officers: 1, vehicles: 0 },
        ],
      }),
      'lead_not_taking_part',
    ],
    ['a plan whose host squad is not taking part', plan({ hostSquadId: 3 }), 'host_not_taking_part'],
    ['a plan without a host squad', plan({ hostSquadId: null }), 'required'],
    [
      'a regular plan with a squad of another group',
      plan({
        squadIds: [1, 5],
        forces: [
          { squadId: 1, officers: 6, vehicles: 0 },
          { squadId: 5, officers: 3, vehicles: 0 },
        ],
      }),
      'squads_outside_group',
    ],
    [
      'a plan naming a squad that no longer exists',
      plan({
        squadIds: [1, 2, 77],
        forces: [
          { squadId: 1, officers: 1, vehicles: 0 },
          { squadId: 2, officers: 1, vehicles: 0 },
          { squadId: 77, officers: 1, vehicles: 0 },
        ],
      }),
      'unknown_squads',
    ],
    ['a plan of 3.5 hours', plan({ plannedHours: 3.5 }), 'planned_hours_below_minimum'],
    ['a plan starting in the past', plan({ plannedStart: later(-1) }), 'planned_start_in_past'],
    ['a plan without a planned start', plan({ plannedStart: null }), 'required'],
    ['a plan holding the site for 0 days', plan({ holdingDays: 0 }), 'holding_days_out_of_bounds'],
    ['a plan holding the site for 31 days', plan({ holdingDays: 31 }), 'holding_days_out_of_bounds'],
    ['a plan without a contingency plan (R11)', plan({ contingency: '  ' }), 'required'],
    ['a plan without a problem source (R7)', plan({ problemSource: null }), 'required'],
    ['a plan without a location', plan({ location: '' }), 'required'],
    [
      'a plan with a squad that sends no officers',
      plan({ forces: [{ squadId: 1, officers: 6, vehicles: 0 }] }),
      'forces_missing',
    ],
    [
      'a plan with forces of a squad not taking part',
      plan({ forces: [...plan().forces, { squadId: 3, officers: 2, vehicles: 0 }] }),
      'forces_of_absent_squad',
    ],
    ['a plan naming a squad twice', plan({ squadIds: [1, 2, 2] }), 'duplicate_squads'],
    ['a regular plan without a group', plan({ groupId: null }), 'required'],
  ])('%s cannot be filed', (_label, p, code) => {
    const [s] = initialTransition(operationMachine, { plan: p, createdBy: 11 });
    const e = ev('FILE', waitanLeader);
    expect(s.can(e)).toBe(false);
    expect(codes(s, e)).toContain(code);
  });

  it('the refusal names the rule it comes from', () => {
    const [s] = initialTransition(operationMachine, { plan: plan({ plannedHours: 3 }), createdBy: 11 });
    expect(operationEventProblems(s.context, ev('FILE', waitanLeader))).toContainEqual(
      expect.objectContaining({ code: 'planned_hours_below_minimum', rule: 'R6', field: 'plannedHours' }),
    );
  });

  it('an ad-hoc operation may bring in a mobile squad from outside the group (R8)', () => {
    const p = plan({
      kind: 'ad_hoc',
      squadIds: [1, 9],
      forces: [
        { squadId: 1, officers: 5, vehicles: 1 },
        { squadId: 9, officers: 8, vehicles: 2 },
      ],
    });
    expect(filed(p).value).toBe('filed');
  });

  it('a brigade-led operation may span groups and needs no group (R4)', () => {
    const p = plan({
      kind: 'brigade_led',
      groupId: null,
      squadIds: [1, 5, 6, 9, 2],
      forces: [1, 5, 6, 9, 2].map((squadId) => ({ squadId, officers: 3, vehicles: 1 })),
    });
    expect(filed({ ...p, groupId: null }).value).toBe('filed');
  });

  it('the lead squad edits its draft but cannot hand the plan to another lead squad', () => {
    const [s] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    const [edited] = transition(operationMachine, s, ev('EDIT_PLAN', waitanLeader, { plan: plan({ title: '修订' }) }));
    expect(edited.context.plan.title).toBe('修订');
    expect(codes(s, ev('EDIT_PLAN', waitanLeader, { plan: plan({ leadSquadId: 2 }) }))).toContain('lead_squad_fixed');
    expect(reason(s, ev('EDIT_PLAN', nanjingLeader, { plan: plan() }))).toBe('not_lead_squad_leader');
  });

  it('a filed plan cannot be edited', () => {
    expect(filed().can(ev('EDIT_PLAN', waitanLeader, { plan: plan({ title: 'x' }) }))).toBe(false);
  });
});

describe('deciding on a filed plan (managers: duty officers and commanders)', () => {
  it('a duty officer approves a filed plan', () => {
    const s = run(plan(), [ev('FILE', waitanLeader), ev('APPROVE', duty)]);
    expect(s.value).toBe('approved');
    expect(s.context.approvedBy).toBe(duty.userId);
  });

  it('a commander approves a filed plan', () => {
    expect(run(plan(), [ev('FILE', waitanLeader), ev('APPROVE', commander)]).value).toBe('approved');
  });

  it('a squad leader cannot approve a plan', () => {
    const s = filed();
    expect(s.can(ev('APPROVE', nanjingLeader))).toBe(false);
    expect(reason(s, ev('APPROVE', nanjingLeader))).toBe('not_manager');
  });

  it('nobody approves a plan they filed themselves, even holding both posts', () => {
    const both = user(['squad_leader', 'duty_officer'], 1, 11);
    const s = run(plan(), [ev('FILE', both)]);
    expect(reason(s, ev('APPROVE', both))).toBe('own_filing');
    expect(s.can(ev('APPROVE', duty))).toBe(true);
  });

  it('nobody approves a plan they drafted, even when the lead squad filed it (four eyes)', () => {
    const drafter = user(['commander'], null, 95);
    let [s] = initialTransition(operationMachine, { plan: plan({ kind: 'brigade_led' }), createdBy: drafter.userId });
    [s] = transition(operationMachine, s, ev('FILE', waitanLeader));
    expect(s.value).toBe('filed');
    expect(s.can(ev('APPROVE', drafter))).toBe(false);
    expect(reason(s, ev('APPROVE', drafter))).toBe('own_draft');
    expect(s.can(ev('APPROVE', commander))).toBe(true);
  });

  it('returning a plan needs a reason, and sends it back to draft counted', () => {
    const s = filed();
    expect(codes(s, ev('RETURN', duty, { reason: ' ' }))).toEqual(['required']);
    const [back] = transition(operationMachine, s, ev('RETURN', duty, { reason: '补充预案' }));
    expect(back.value).toBe('draft');
    expect(back.context).toMatchObject({ returnCount: 1, lastReturnReason: '补充预案', filedBy: null });
  });

  it('a returned plan can be filed again', () => {
    const s = run(plan(), [ev('FILE', waitanLeader), ev('RETURN', duty, { reason: '补充' }), ev('FILE', waitanLeader)]);
    expect(s.value).toBe('filed');
  });
});

describe('cancelling (a reason, always)', () => {
  it('the lead squad’s leader cancels its own draft', () => {
    const [s] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    const [c] = transition(operationMachine, s, ev('CANCEL', waitanLeader, { reason: '取消' }));
    expect(c.value).toBe('cancelled');
    expect(c.context.cancelReason).toBe('取消');
  });

  it('once filed, only a manager cancels', () => {
    expect(reason(filed(), ev('CANCEL', waitanLeader, { reason: 'x' }))).toBe('not_manager');
    expect(filed().can(ev('CANCEL', duty, { reason: '天气' }))).toBe(true);
    expect(approved().can(ev('CANCEL', commander, { reason: '天气' }))).toBe(true);
  });

  it('a manager does not cancel a draft that was never filed', () => {
    const [s] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    expect(reason(s, ev('CANCEL', duty, { reason: 'x' }))).toBe('not_lead_squad_leader');
  });

  it('a cancellation without a reason is refused', () => {
    expect(codes(filed(), ev('CANCEL', duty, { reason: '' }))).toEqual(['required']);
  });

  it('an operation under way cannot be cancelled', () => {
    expect(inProgress().can(ev('CANCEL', duty, { reason: 'x' }))).toBe(false);
  });
});

describe('command (R4: the host squad’s leader commands unless the brigade designates another)', () => {
  it('the host squad’s leader starts the operation', () => {
    const s = inProgress();
    expect(s.value).toBe('in_progress');
    expect(s.context.actualStart).toBe(later(24));
  });

  it('the leader of a participating squad that is not the host cannot start it', () => {
    expect(reason(approved(), ev('START', nanjingLeader))).toBe('not_operation_commander');
  });

  it('a duty officer cannot start an operation', () => {
    expect(reason(approved(), ev('START', duty))).toBe('not_operation_commander');
  });

  it('a designated commander starts it, and the host squad’s leader then cannot', () => {
    const s = run(plan(), [
      ev('FILE', waitanLeader),
      ev('DESIGNATE_COMMANDER', commander, { commanderId: nanjingLeader.userId }),
      ev('APPROVE', duty),
    ]);
    expect(s.can(ev('START', nanjingLeader, {}, later(24)))).toBe(true);
    expect(reason(s, ev('START', waitanLeader, {}, later(24)))).toBe('not_operation_commander');
  });

  it('only a commander designates an operation’s commander', () => {
    expect(reason(filed(), ev('DESIGNATE_COMMANDER', duty, { commanderId: 21 }))).toBe('not_commander');
  });

  it('a start recorded after the fact is allowed; one in the future is not', () => {
    const s = approved();
    expect(s.can(ev('START', waitanLeader, { actualStart: later(24) }, later(26)))).toBe(true);
    expect(codes(s, ev('START', waitanLeader, { actualStart: later(25) }, later(24)))).toEqual(['in_future']);
  });
});

describe('incidents during the operation (R11)', () => {
  const incident = {
    incidentType: 'assault',
    severity: 'serious',
    injuries: 1,
    description: '摊主推搡队员',
    response: '报警处置',
  };

  it('anyone of a participating squad logs an incident; a serious one is announced', () => {
    const s = inProgress();
    const e = ev('LOG_INCIDENT', nanjingOfficer, incident, later(25));
    expect(s.can(e)).toBe(true);
    const [, actions] = transition(operationMachine, s, e);
    expect(actions.map((a) => a.params)).toContainEqual({ topic: 'operation.serious_incident' });
  });

  it('an officer of a squad not taking part cannot log an incident', () => {
    expect(reason(inProgress(), ev('LOG_INCIDENT', yuyuanOfficer, incident))).toBe('not_participant');
  });

  it('an incident happens during the operation: not in the future, not before it began', () => {
    expect(
      codes(inProgress(), ev('LOG_INCIDENT', waitanLeader, { ...incident, occurredAt: later(23) }, later(25))),
    ).toEqual(['before_start']);
    expect(
      codes(inProgress(), ev('LOG_INCIDENT', waitanLeader, { ...incident, occurredAt: later(26) }, later(25))),
    ).toEqual(['in_future']);
    expect(
      codes(inProgress(), ev('LOG_INCIDENT', waitanLeader, { ...incident, occurredAt: later(24) }, later(25))),
    ).toEqual([]);
  });

  it('an incident needs what happened and what was done', () => {
    expect(codes(inProgress(), ev('LOG_INCIDENT', waitanLeader, { ...incident, response: '' }, later(25)))).toEqual([
      'required',
    ]);
  });
});

describe('completing (R6: at least 4 hours to count)', () => {
  it('an operation of 5 hours counts toward the monthly minimum', () => {
    const s = holding(plan(), 5);
    expect(s.value).toBe('holding');
    expect(s.context).toMatchObject({ actualHours: 5, countsTowardMinimum: true });
  });

  it('an operation of exactly 4 hours counts', () => {
    expect(holding(plan(), 4).context.countsTowardMinimum).toBe(true);
  });

  it('an operation of 3.5 h does not count toward the monthly minimum, and must say why', () => {
    const s = inProgress();
    const short = ev('COMPLETE', waitanLeader, { results: results() }, later(27.5));
    expect(codes(s, short)).toEqual(['short_reason_required']);
    const [done] = transition(
      operationMachine,
      s,
      ev('COMPLETE', waitanLeader, { results: results(), shortReason: '暴雨提前收队' }, later(27.5)),
    );
    expect(done.value).toBe('holding');
    expect(done.context).toMatchObject({ actualHours: 3.5, countsTowardMinimum: false, shortReason: '暴雨提前收队' });
  });

  it('an ad-hoc operation never counts toward the monthly minimum, however long', () => {
    const p = plan({ kind: 'ad_hoc' });
    expect(holding(p, 6).context.countsTowardMinimum).toBe(false);
  });

  it('results are recorded for every squad taking part, and only for them', () => {
    const s = inProgress();
    expect(codes(s, ev('COMPLETE', waitanLeader, { results: results([1]) }, later(29)))).toEqual(['results_missing']);
    expect(codes(s, ev('COMPLETE', waitanLeader, { results: results([1, 2, 3]) }, later(29)))).toEqual([
      'results_of_absent_squad',
    ]);
  });

  it('an end in the future, or before the start, is refused', () => {
    const s = inProgress();
    expect(codes(s, ev('COMPLETE', waitanLeader, { results: results(), actualEnd: later(30) }, later(29)))).toEqual([
      'in_future',
    ]);
    expect(
      codes(s, ev('COMPLETE', waitanLeader, { results: results(), actualEnd: later(23), shortReason: 'x' }, later(29))),
    ).toEqual(['end_before_start']);
  });

  it('only the operation’s commander completes it', () => {
    expect(reason(inProgress(), ev('COMPLETE', nanjingLeader, { results: results() }))).toBe('not_operation_commander');
  });

  it('entering holding stores the holding deadline: the end plus the planned holding days (R12)', () => {
    const s = holding(plan({ holdingDays: 7 }), 5);
    expect(s.context.holdingDeadline).toBe(new Date(Date.parse(later(29)) + 7 * 24 * HOUR).toISOString());
    expect(s.context.holdingRound).toBe(1);
  });
});

describe('holding the site (R12) and auditing it (R14)', () => {
  const check = { date: '2026-11-04', officersOnPost: 2, reboundObserved: false };

  it('only the host squad logs holding checks', () => {
    const s = holding();
    expect(s.can(ev('LOG_HOLDING_CHECK', waitanOfficer, check, later(48)))).toBe(true);
    expect(reason(s, ev('LOG_HOLDING_CHECK', nanjingLeader, check))).toBe('not_host_squad');
    expect(reason(s, ev('LOG_HOLDING_CHECK', yuyuanLeader, check))).toBe('not_host_squad');
  });

  it('a holding check cannot be for a day that has not come, nor before holding began', () => {
    const s = holding();
    expect(codes(s, ev('LOG_HOLDING_CHECK', waitanOfficer, { ...check, date: '2026-11-10' }, later(48)))).toEqual([
      'in_future',
    ]);
    expect(codes(s, ev('LOG_HOLDING_CHECK', waitanOfficer, { ...check, date: '2026-11-01' }, later(48)))).toEqual([
      'before_holding',
    ]);
  });

  it('an inspector spot-checks holding, but never of their own squad', () => {
    const s = holding();
    expect(s.can(ev('SPOT_CHECK', inspector, { findings: '有人值守', reboundObserved: false }))).toBe(true);
    expect(reason(s, ev('SPOT_CHECK', waitanInspector, { findings: 'x', reboundObserved: false }))).toBe(
      'inspector_of_host_squad',
    );
  });

  it('the end of holding comes only from the system, and only when the period is over', () => {
    const s = holding();
    expect(reason(s, ev('HOLDING_ELAPSED', commander))).toBe('system_only');
    expect(codes(s, ev('HOLDING_ELAPSED', SYSTEM_ACTOR, {}, later(48)))).toEqual(['holding_not_over']);
    const [next, actions] = transition(
      operationMachine,
      s,
      ev('HOLDING_ELAPSED', SYSTEM_ACTOR, {}, s.context.holdingDeadline),
    );
    expect(next.value).toBe('awaiting_audit');
    expect(actions.map((a) => a.params)).toContainEqual({ topic: 'operation.audit_due' });
  });

  it('an inspector of the host squad cannot audit its holding; another inspector passes it', () => {
    const s = awaitingAudit();
    expect(reason(s, ev('AUDIT_PASS', waitanInspector, { findings: 'ok' }))).toBe('inspector_of_host_squad');
    const [closed] = transition(operationMachine, s, ev('AUDIT_PASS', inspector, { findings: '固守到位' }, later(300)));
    expect(closed.value).toBe('closed');
    expect(closed.status).toBe('done');
  });

  it('an audit needs findings', () => {
    expect(codes(awaitingAudit(), ev('AUDIT_PASS', inspector, { findings: '' }))).toEqual(['required']);
  });

  it('a failed audit restarts holding with the rectification asked for, and a new deadline', () => {
    const s = awaitingAudit();
    expect(codes(s, ev('AUDIT_FAIL', inspector, { findings: '无人值守', rectification: '' }))).toEqual(['required']);
    const at = later(400);
    const [again] = transition(
      operationMachine,
      s,
      ev('AUDIT_FAIL', inspector, { findings: '无人值守', rectification: '每日两人', holdingDays: 3 }, at),
    );
    expect(again.value).toBe('holding');
    expect(again.context.holdingRound).toBe(2);
    expect(again.context.holdingDeadline).toBe(new Date(Date.parse(at) + 3 * 24 * HOUR).toISOString());
  });

  it('a squad leader cannot audit holding', () => {
    expect(reason(awaitingAudit(), ev('AUDIT_PASS', nanjingLeader, { findings: 'x' }))).toBe('not_inspector');
  });
});

describe('states take only their own events', () => {
  it.each([
    [
      'a draft cannot be approved',
      () => initialTransition(operationMachine, { plan: plan(), createdBy: 11 })[0],
      ev('APPROVE', duty),
    ],
    ['an approved plan cannot be completed', approved, ev('COMPLETE', waitanLeader, { results: results() })],
    ['an operation under way cannot be audited', inProgress, ev('AUDIT_PASS', inspector, { findings: 'x' })],
    [
      'a closed operation takes nothing more',
      () =>
        transition(operationMachine, awaitingAudit(), ev('AUDIT_PASS', inspector, { findings: 'x' }, later(300)))[0],
      ev('LOG_HOLDING_CHECK', waitanOfficer, { date: '2026-11-20', officersOnPost: 1, reboundObserved: false }),
    ],
  ])('%s', (_label, make, e) => {
    expect(make().can(e)).toBe(false);
  });
});

describe('side effects leave the machine as actions for the outbox', () => {
  it('a holding check that sees a rebound is announced; a quiet one is not', () => {
    const s = holding();
    const quiet = transition(
      operationMachine,
      s,
      ev(
        'LOG_HOLDING_CHECK',
        waitanOfficer,
        { date: '2026-11-04', officersOnPost: 2, reboundObserved: false },
        later(48),
      ),
    )[1];
    const rebound = transition(
      operationMachine,
      s,
      ev(
        'LOG_HOLDING_CHECK',
        waitanOfficer,
        { date: '2026-11-04', officersOnPost: 2, reboundObserved: true },
        later(48),
      ),
    )[1];
    expect(quiet.filter((a) => a.type === 'notify')).toEqual([]);
    expect(rebound.map((a) => a.params)).toContainEqual({ topic: 'operation.rebound_observed' });
  });

  it('filing notifies the Duty Command Section; approving and returning notify the lead squad', () => {
    const [s0] = initialTransition(operationMachine, { plan: plan(), createdBy: 11 });
    const [s1, filedActions] = transition(operationMachine, s0, ev('FILE', waitanLeader));
    expect(filedActions.map((a) => a.params)).toEqual([{ topic: 'operation.filed' }]);
    expect(transition(operationMachine, s1, ev('APPROVE', duty))[1].map((a) => a.params)).toEqual([
      { topic: 'operation.approved' },
    ]);
    expect(transition(operationMachine, s1, ev('RETURN', duty, { reason: 'x' }))[1].map((a) => a.params)).toEqual([
      { topic: 'operation.returned' },
    ]);
  });
});

describe('records that really happened (R6, R12, R13)', () => {
  const withFacts = (e: OperationEvent, more: Partial<OperationFacts>) =>
    ({ ...e, facts: { ...facts, ...more } }) as OperationEvent;

  it.each(PLAN_SECTIONS.map((s) => [s]))(
    'a plan without its %s cannot be filed, and the refusal names the section',
    (section) => {
      const [s] = initialTransition(operationMachine, { plan: plan({ [section]: '  ' }), createdBy: 11 });
      const problems = operationEventProblems(s.context, ev('FILE', waitanLeader));
      expect(problems).toEqual([expect.objectContaining({ code: 'required', field: section })]);
    },
  );

  it('a plan may leave empty a section the brigade does not require', () => {
    const [s] = initialTransition(operationMachine, {
      plan: plan({ mission: '', goodsArrangements: '' }),
      createdBy: 11,
    });
    const e = withFacts(ev('FILE', waitanLeader), {
      limits: { ...facts.limits, requiredSections: ['situation', 'contingency', 'holdingPlan'] },
    });
    expect(s.can(e)).toBe(true);
  });

  it('an operation cannot begin before it was approved', () => {
    const s = approved();
    expect(codes(s, ev('START', waitanLeader, { actualStart: later(-1) }, later(1)))).toContain('before_approval');
  });

  it('a start recorded more than 12 hours after it happened is a late entry: refused without a reason, marked with one', () => {
    const s = approved();
    const late = ev('START', waitanLeader, { actualStart: later(24) }, later(37));
    expect(codes(s, late)).toEqual(['late_reason_required']);
    const e = ev('START', waitanLeader, { actualStart: later(24), lateReason: '现场无信号，回队后补录' }, later(37));
    const [next] = transition(operationMachine, s, e);
    expect(next.context).toMatchObject({
      actualStart: later(24),
      lateEntryHours: 13,
      lateReason: '现场无信号，回队后补录',
    });
  });

  it('a start recorded within 12 hours is not a late entry', () => {
    const [next] = transition(
      operationMachine,
      approved(),
      ev('START', waitanLeader, { actualStart: later(24) }, later(35)),
    );
    expect(next.context).toMatchObject({ lateEntryHours: null, lateReason: null });
  });

  it('a start more than 3 hours before the planned start says why', () => {
    const s = approved();
    expect(codes(s, ev('START', waitanLeader, {}, later(20)))).toEqual(['early_reason_required']);
    expect(codes(s, ev('START', waitanLeader, {}, later(21.5)))).toEqual([]);
    const [next] = transition(
      operationMachine,
      s,
      ev('START', waitanLeader, { earlyReason: '摊贩提前聚集' }, later(20)),
    );
    expect(next.context.earlyReason).toBe('摊贩提前聚集');
  });

  it('the results say the goods the ledger registered for each squad, or are refused', () => {
    const s = inProgress();
    const complete = (goods: Array<number | undefined>) =>
      withFacts(
        ev(
          'COMPLETE',
          waitanLeader,
          { results: results().map((r, i) => ({ ...r, goodsDetained: goods[i] })) },
          later(29),
        ),
        { goodsBySquad: { 1: 2 } },
      );
    expect(operationEventProblems(s.context, complete([0, 0]))).toEqual([
      expect.objectContaining({
        code: 'goods_not_in_ledger',
        field: 'results.0.goodsDetained',
        rule: 'R13',
        params: { registered: 2, reported: 0 },
      }),
    ]);
    expect(codes(s, complete([2, 0]))).toEqual([]);
    expect(codes(s, complete([undefined, undefined]))).toEqual([]);
  });

  it('a holding check is of a day of the holding period, not after it ends', () => {
    // Completed 11-03 14:00 Shanghai time, holding 7 days: to 11-10 14:00.
    const s = holding();
    const check = { officersOnPost: 2, reboundObserved: false };
    expect(codes(s, ev('LOG_HOLDING_CHECK', waitanOfficer, { ...check, date: '2026-11-10' }, later(24 * 10)))).toEqual(
      [],
    );
    expect(codes(s, ev('LOG_HOLDING_CHECK', waitanOfficer, { ...check, date: '2026-11-11' }, later(24 * 10)))).toEqual([
      'after_holding',
    ]);
  });

  it('two checks on one holding day are one day checked', () => {
    const s = holding();
    const check = { date: '2026-11-04', officersOnPost: 2, reboundObserved: false };
    const [once] = transition(
      operationMachine,
      s,
      withFacts(ev('LOG_HOLDING_CHECK', waitanOfficer, check, later(48)), { checkedDays: [] }),
    );
    const [twice] = transition(
      operationMachine,
      once,
      withFacts(ev('LOG_HOLDING_CHECK', waitanOfficer, check, later(49)), { checkedDays: ['2026-11-04'] }),
    );
    expect([once.context.holdingChecks, twice.context.holdingChecks]).toEqual([1, 1]);
  });

  it('an audit passes a holding checked on fewer than 80 % of its days only with the reason written down', () => {
    const s = awaitingAudit();
    const days = holdingDaysOf(s.context.holdingStartedAt!, s.context.holdingDeadline!, 'Asia/Shanghai');
    expect(days).toEqual([
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07',
      '2026-11-08',
      '2026-11-09',
      '2026-11-10',
    ]);
    const checks = days.slice(0, 3).map((date) => ({ date, reboundObserved: false }));
    const coverage = holdingCoverage(days, checks, [], '2026-11-11');
    expect(coverage).toMatchObject({ checkedDays: days.slice(0, 3), missedDays: days.slice(3), share: 3 / 8 });
    const pass = (extra: Payload) =>
      withFacts(ev('AUDIT_PASS', inspector, { findings: '固守基本到位', ...extra }, later(24 * 9)), { coverage });
    expect(operationEventProblems(s.context, pass({}))).toEqual([
      expect.objectContaining({
        code: 'coverage_reason_required',
        field: 'coverageReason',
        params: { checked: 3, days: 8, min: 80 },
      }),
    ]);
    const [closed] = transition(operationMachine, s, pass({ coverageReason: '督察期间多次暗访，确认无回潮' }));
    expect(closed.value).toBe('closed');
    expect(closed.context.coverageReason).toBe('督察期间多次暗访，确认无回潮');
    const full = holdingCoverage(
      days,
      days.slice(1).map((date) => ({ date, reboundObserved: false })),
      [],
      '2026-11-11',
    );
    expect(
      operationEventProblems(s.context, withFacts(ev('AUDIT_PASS', inspector, { findings: 'ok' }), { coverage: full })),
    ).toEqual([]);
  });

  it('a snapshot stored by machine version 1 is brought to version 2 and driven on', () => {
    const s = holding();
    const v1 = operationMachine.getPersistedSnapshot(s) as any;
    for (const k of ['lateEntryHours', 'lateReason', 'earlyReason', 'coverageReason']) delete v1.context[k];
    const migrated = operationSnapshotMigrations[1](v1);
    const restored = operationMachine.resolveState(migrated);
    expect(restored.context).toMatchObject({ lateEntryHours: null, coverageReason: null, holdingChecks: 0 });
    const [next] = transition(
      operationMachine,
      restored,
      ev('HOLDING_ELAPSED', SYSTEM_ACTOR, {}, s.context.holdingDeadline),
    );
    expect(next.value).toBe('awaiting_audit');
  });
});
