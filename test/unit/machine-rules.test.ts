import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  initialTransition,
  transition,
} from 'xstate';
import { acceptedEvents, statesTaking } from '../../src/engine/engine';
import { machineDot, machineGraph } from '../../src/http/web/state-diagram';
import {
  BORDER_NOTICE_WHAT,
  BORDER_NOTICE_WHO,
  borderNoticeMachine,
  borderNoticeRules,
} from '../../workflows/border-notice';
import {
  CASE_TRANSFER_WHAT,
  CASE_TRANSFER_WHO,
  caseTransferMachine,
  caseTransferRules,
} from '../../workflows/case-transfer';
import {
  type GoodsEvent,
  type GoodsInput,
  GOODS_WHAT,
  GOODS_WHO,
  goodsEventProblems,
  goodsMachine,
  goodsRules,
  mayGoods,
} from '../../workflows/goods';
import { GROUP_PLAN_WHAT, GROUP_PLAN_WHO, groupPlanMachine, groupPlanRules } from '../../workflows/group-plan';
import {
  type HardProblemEvent,
  type HardProblemFacts,
  HARD_PROBLEM_WHAT,
  HARD_PROBLEM_WHO,
  hardProblemEventProblems,
  hardProblemMachine,
  hardProblemRules,
  mayHardProblem,
} from '../../workflows/hard-problem';
import { MEETING_WHAT, MEETING_WHO, meetingMachine, meetingRules } from '../../workflows/meeting';
import {
  type OperationEvent,
  type OperationEventType,
  type OperationFacts,
  type OperationPlan,
  type OperationState,
  OPERATION_WHAT,
  OPERATION_WHO,
  PLAN_SECTIONS,
  mayOperation,
  operationEventProblems,
  operationMachine,
  operationRules,
} from '../../workflows/operation';
import { type Actor, SYSTEM_ACTOR } from '../../workflows/shared/actor';
import { ruleNames } from '../../workflows/shared/rules';

/** Every machine, with its rule tables and the rules its tables say guard each event in each state. */
const MACHINES: Array<{
  name: string;
  machine: AnyStateMachine;
  who: Record<string, unknown>;
  what: Record<string, { types: readonly string[] }>;
  rulesOf: (type: string, state: string) => string[];
}> = [
  {
    name: 'operation',
    machine: operationMachine,
    who: OPERATION_WHO,
    what: OPERATION_WHAT,
    rulesOf: (t, s) => operationRules(t as OperationEventType, s as OperationState),
  },
  {
    name: 'hard problem',
    machine: hardProblemMachine,
    who: HARD_PROBLEM_WHO,
    what: HARD_PROBLEM_WHAT,
    rulesOf: (t) => hardProblemRules(t as never),
  },
  {
    name: 'border notice',
    machine: borderNoticeMachine,
    who: BORDER_NOTICE_WHO,
    what: BORDER_NOTICE_WHAT,
    rulesOf: (t) => borderNoticeRules(t as never),
  },
  {
    name: 'case transfer',
    machine: caseTransferMachine,
    who: CASE_TRANSFER_WHO,
    what: CASE_TRANSFER_WHAT,
    rulesOf: (t) => caseTransferRules(t as never),
  },
  { name: 'goods', machine: goodsMachine, who: GOODS_WHO, what: GOODS_WHAT, rulesOf: (t) => goodsRules(t as never) },
  {
    name: 'group plan',
    machine: groupPlanMachine,
    who: GROUP_PLAN_WHO,
    what: GROUP_PLAN_WHAT,
    rulesOf: (t) => groupPlanRules(t as never),
  },
  {
    name: 'meeting',
    machine: meetingMachine,
    who: MEETING_WHO,
    what: MEETING_WHAT,
    rulesOf: (t) => meetingRules(t as never),
  },
];

/** Every transition of a machine: the state it leaves, the event, and the guard as the machine's definition holds it. */
function transitionsOf(machine: AnyStateMachine): Array<{ state: string; event: string; guard: unknown }> {
  const out: Array<{ state: string; event: string; guard: unknown }> = [];
  for (const [state, node] of Object.entries(machine.root.states) as Array<[string, AnyStateNode]>) {
    for (const [event, transitions] of Object.entries(node.on))
      for (const tr of transitions) out.push({ state, event, guard: tr.guard });
  }
  return out;
}

describe.each(MACHINES)('the $name machine names its rules', ({ machine, who, what, rulesOf }) => {
  const transitions = transitionsOf(machine);

  it('guards every transition with named rules, none generic or anonymous', () => {
    expect(transitions.length).toBeGreaterThan(0);
    for (const { state, event, guard } of transitions) {
      const names = ruleNames(guard);
      expect({ state, event, named: names !== null && names.length > 0 }).toEqual({ state, event, named: true });
      for (const name of names!) {
        expect(['permitted', 'sound', 'allowed']).not.toContain(name);
        // Each name is a guard the machine implements, and a rule of who-may or of what-must.
        expect({ name, implemented: name in machine.implementations.guards }).toEqual({ name, implemented: true });
        expect({ name, rule: name in who || name in what }).toEqual({ name, rule: true });
      }
    }
  });

  it('names, for each transition, exactly the rules the engine asks for its 403 and 422 (who first, then what)', () => {
    for (const { state, event, guard } of transitions) {
      expect({ state, event, rules: ruleNames(guard) }).toEqual({ state, event, rules: rulesOf(event, state) });
    }
  });

  it('places each rule of what-must only on the events it judges, and leaves no rule unused', () => {
    const used = new Set<string>();
    for (const { event, guard } of transitions) {
      for (const name of ruleNames(guard)!) {
        used.add(name);
        if (name in what)
          expect({ name, event, judges: what[name].types.includes(event) }).toEqual({ name, event, judges: true });
      }
    }
    expect([...used].sort()).toEqual([...Object.keys(who), ...Object.keys(what)].sort());
  });

  it('the engine reads the events of each state through the public API, as the machine defines them', () => {
    for (const [state, node] of Object.entries(machine.root.states) as Array<[string, AnyStateNode]>) {
      const snapshot = machine.resolveState({ value: state, context: {} as never });
      expect({ state, events: acceptedEvents(snapshot).sort() }).toEqual({
        state,
        events: Object.keys(node.config.on ?? {}).sort(),
      });
      for (const type of Object.keys(node.config.on ?? {})) expect(statesTaking(machine, type)).toContain(state);
    }
    // An event no state takes (even a name every object has) is taken nowhere.
    expect(statesTaking(machine, 'toString')).toEqual([]);
  });

  it('the state diagram labels every transition with the names of its rules', () => {
    const graph = machineGraph(machine);
    const dot = machineDot(machine, 'en', null);
    for (const edge of graph.edges) {
      expect(edge.rules).toEqual(rulesOf(edge.event, edge.from));
      expect(dot).toContain(`tooltip="${edge.event}: ${edge.rules!.join(' ∧ ')}"`);
    }
  });
});

// ---------------------------------------------------------------- the named guards say what the rule functions say

/** One named guard of `machine`, asked alone (as XState asks it inside the transition's `and`). */
const guard = (machine: AnyStateMachine, name: string, s: AnyMachineSnapshot, event: unknown): boolean =>
  (machine.implementations.guards[name] as (args: { context: unknown; event: unknown }, params: unknown) => boolean)(
    { context: s.context, event },
    undefined,
  );

const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const nanjingLeader = user(['squad_leader'], 2, 21);
const yuyuanLeader = user(['squad_leader'], 5, 51);
const duty = user(['duty_officer'], null, 90);
const inspector = user(['inspector'], null, 92);
const waitanInspector = user(['inspector'], 1, 93);

describe('the operation’s named rules refuse and allow exactly as its rule functions', () => {
  const NOW = '2026-11-02T01:00:00.000Z';
  const later = (hours: number) => new Date(Date.parse(NOW) + hours * 3_600_000).toISOString();
  const facts: OperationFacts = {
    activeSquadIds: [1, 2, 3, 4, 5],
    groupSquadIds: [1, 2, 3, 4],
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
  const plan: OperationPlan = {
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
    execution: '三个岗点',
    command: '外滩中队领导指挥',
    contingency: '遇围攻立即撤离',
    goodsArrangements: '外滩中队登记保管',
    holdingPlan: '每日固守两个岗点',
  };
  const ev = (type: string, actor: Actor, payload: Record<string, unknown> = {}, at = NOW) =>
    ({ type, actor, at, facts, ...payload }) as unknown as OperationEvent;
  const draft = () => initialTransition(operationMachine, { plan, createdBy: 11 })[0];
  const filed = () => transition(operationMachine, draft(), ev('FILE', waitanLeader))[0];
  const approved = () => transition(operationMachine, filed(), ev('APPROVE', duty, {}, later(1)))[0];

  it('isLeadSquadLeader: the lead squad’s leader files; another squad’s leader is refused with the 403’s reason', () => {
    expect(guard(operationMachine, 'isLeadSquadLeader', draft(), ev('FILE', waitanLeader))).toBe(true);
    expect(guard(operationMachine, 'isLeadSquadLeader', draft(), ev('FILE', nanjingLeader))).toBe(false);
    expect(mayOperation('FILE', nanjingLeader, draft().context, 'draft')).toEqual({
      ok: false,
      reason: 'not_lead_squad_leader',
    });
    // The system is refused as before: not a person.
    expect(mayOperation('FILE', SYSTEM_ACTOR, draft().context, 'draft')).toEqual({ ok: false, reason: 'users_only' });
  });

  it('notOwnFiling: a leader who is also a duty officer may not approve the plan they filed (four eyes)', () => {
    const both = user(['squad_leader', 'duty_officer'], 1, 11);
    const s = transition(operationMachine, draft(), ev('FILE', both))[0];
    expect(guard(operationMachine, 'isManager', s, ev('APPROVE', both))).toBe(true);
    expect(guard(operationMachine, 'notOwnFiling', s, ev('APPROVE', both))).toBe(false);
    expect(s.can(ev('APPROVE', both))).toBe(false);
    expect(mayOperation('APPROVE', both, s.context, 'filed')).toEqual({ ok: false, reason: 'own_filing' });
    expect(guard(operationMachine, 'notOwnFiling', s, ev('APPROVE', duty))).toBe(true);
  });

  it('planFitToFile: a plan with one squad is refused with the problems filing names (422)', () => {
    const one = initialTransition(operationMachine, {
      plan: { ...plan, squadIds: [1], forces: [plan.forces[0]] },
      createdBy: 11,
    })[0];
    const e = ev('FILE', waitanLeader);
    expect(guard(operationMachine, 'isLeadSquadLeader', one, e)).toBe(true);
    expect(guard(operationMachine, 'planFitToFile', one, e)).toBe(false);
    expect(operationEventProblems(one.context, e).map((p) => [p.code, p.field])).toEqual([
      ['too_few_squads', 'squads'],
    ]);
    expect(guard(operationMachine, 'planFitToFile', draft(), e)).toBe(true);
  });

  it('startsAfterApproval and notInFuture: a start before the approval, or in the future, is refused, each with its own field', () => {
    const s = approved();
    const before = ev('START', waitanLeader, { actualStart: NOW, earlyReason: '提前集结' }, later(2));
    expect(guard(operationMachine, 'startsAfterApproval', s, before)).toBe(false);
    expect(guard(operationMachine, 'notInFuture', s, before)).toBe(true);
    expect(operationEventProblems(s.context, before).map((p) => p.code)).toEqual(['before_approval']);
    const future = ev('START', waitanLeader, { actualStart: later(30) }, later(24));
    expect(guard(operationMachine, 'notInFuture', s, future)).toBe(false);
    expect(guard(operationMachine, 'startsAfterApproval', s, future)).toBe(true);
    expect(operationEventProblems(s.context, future)).toEqual([{ code: 'in_future', field: 'actualStart' }]);
    const onTime = ev('START', waitanLeader, {}, later(24));
    for (const name of operationRules('START', 'approved'))
      expect({ name, holds: guard(operationMachine, name, s, onTime) }).toEqual({ name, holds: true });
    expect(s.can(onTime)).toBe(true);
  });

  it('isInspector and independentOfHostSquad: the host squad’s own inspector may not spot-check its holding', () => {
    const s = operationMachine.resolveState({ value: 'holding', context: approved().context });
    const e = (actor: Actor) => ev('SPOT_CHECK', actor, { findings: '无回潮', reboundObserved: false });
    expect(guard(operationMachine, 'isInspector', s, e(waitanInspector))).toBe(true);
    expect(guard(operationMachine, 'independentOfHostSquad', s, e(waitanInspector))).toBe(false);
    expect(mayOperation('SPOT_CHECK', waitanInspector, s.context, 'holding')).toEqual({
      ok: false,
      reason: 'inspector_of_host_squad',
    });
    expect(mayOperation('SPOT_CHECK', inspector, s.context, 'holding')).toEqual({ ok: true, role: 'inspector' });
    expect(guard(operationMachine, 'isInspector', s, e(duty))).toBe(false);
    expect(mayOperation('SPOT_CHECK', duty, s.context, 'holding')).toEqual({ ok: false, reason: 'not_inspector' });
  });

  it('CANCEL names the rule of its state: the lead squad in a draft, a manager once filed', () => {
    expect(operationRules('CANCEL', 'draft')).toEqual(['isLeadSquadLeader', 'reasonGiven']);
    expect(operationRules('CANCEL', 'filed')).toEqual(['isManager', 'reasonGiven']);
    expect(filed().can(ev('CANCEL', waitanLeader, { reason: '天气' }))).toBe(false);
    expect(filed().can(ev('CANCEL', duty, { reason: '天气' }))).toBe(true);
    expect(draft().can(ev('CANCEL', waitanLeader, { reason: '天气' }))).toBe(true);
  });
});

describe('the named rules of goods and hard problems refuse and allow exactly as their rule functions', () => {
  const NOW = '2026-11-10T06:00:00.000Z';
  const input: GoodsInput = {
    operationId: 7,
    partyId: 3,
    party: { name: '王某', idNumber: null, phone: null, stall: '中山东一路 12 号门前' },
    description: '三轮车',
    quantity: 1,
    unit: '辆',
    perishable: false,
    caseRef: null,
    custodianSquadId: 1,
    storagePlace: '外滩中队仓库',
    registeredAt: NOW,
    registeredBy: 11,
    dueAt: '2026-12-10T06:00:00.000Z',
  };
  const goods = (type: string, actor: Actor, payload: Record<string, unknown> = {}, at = NOW) =>
    ({ type, actor, at, facts: { activeSquadIds: [1, 2], extensionDays: 30 }, ...payload }) as unknown as GoodsEvent;

  it('notOwnRegistration: the leader who registered goods may not extend their limit as a manager', () => {
    const both = user(['squad_leader', 'duty_officer'], 1, 11);
    const s = initialTransition(goodsMachine, input)[0];
    const e = goods('EXTEND', both, { reason: '当事人外出' });
    expect(guard(goodsMachine, 'isManager', s, e)).toBe(true);
    expect(guard(goodsMachine, 'notOwnRegistration', s, e)).toBe(false);
    expect(mayGoods('EXTEND', both, s.context)).toEqual({ ok: false, reason: 'own_registration' });
    expect(guard(goodsMachine, 'notOwnRegistration', s, goods('EXTEND', duty, { reason: '当事人外出' }))).toBe(true);
  });

  it('extendableOnce: a limit already passed is not extended (422, not 403)', () => {
    const s = initialTransition(goodsMachine, input)[0];
    const late = goods('EXTEND', duty, { reason: '当事人外出' }, '2026-12-11T00:00:00.000Z');
    expect(mayGoods('EXTEND', duty, s.context).ok).toBe(true);
    expect(guard(goodsMachine, 'extendableOnce', s, late)).toBe(false);
    expect(goodsEventProblems(s.context, late)).toEqual([{ code: 'limit_passed', field: 'dueAt', rule: 'R13' }]);
    expect(s.can(late)).toBe(false);
  });

  it('mayTellRebound: the host squad holding an operation of the problem may tell of a rebound found in holding (R12)', () => {
    const report = {
      source: 'hotspot',
      category: 'street_vending',
      title: '九江路口流动设摊',
      description: '夜间聚集',
      location: '九江路口',
      squadIds: [1, 2],
      evidence: [],
      hotlineRef: null,
      complainant: null,
    } as const;
    const ev = (type: string, actor: Actor, payload: Record<string, unknown>, facts: HardProblemFacts) =>
      ({ type, actor, at: NOW, facts, ...payload }) as unknown as HardProblemEvent;
    let [s] = initialTransition(hardProblemMachine, {
      report: { ...report, squadIds: [...report.squadIds], evidence: [] },
      reportedBy: 12,
      reportedAt: NOW,
      fromNoticeId: null,
    });
    [s] = transition(hardProblemMachine, s, ev('ACCEPT', waitanLeader, {}, { mergeTarget: null }));
    [s] = transition(hardProblemMachine, s, ev('RESOLVE', waitanLeader, { note: '已清' }, { mergeTarget: null }));
    const holding: HardProblemFacts = { mergeTarget: null, holdingSquadIds: [5] };
    const rebound = (facts: HardProblemFacts) =>
      ev('REBOUND', yuyuanLeader, { origin: 'holding', note: '又有摊点' }, facts);
    expect(guard(hardProblemMachine, 'mayTellRebound', s, rebound({ mergeTarget: null }))).toBe(false);
    expect(mayHardProblem('REBOUND', yuyuanLeader, s.context, 'resolved', undefined)).toEqual({
      ok: false,
      reason: 'not_border_squad_inspector_or_manager',
    });
    expect(guard(hardProblemMachine, 'mayTellRebound', s, rebound(holding))).toBe(true);
    expect(mayHardProblem('REBOUND', yuyuanLeader, s.context, 'resolved', holding)).toEqual({
      ok: true,
      role: 'squad_leader',
    });
    // An origin that is not the sender's is a 422 of its own rule.
    const asInspector = ev('REBOUND', yuyuanLeader, { origin: 'inspector', note: '又有摊点' }, holding);
    expect(guard(hardProblemMachine, 'reboundOriginTold', s, asInspector)).toBe(false);
    expect(hardProblemEventProblems(s.context, asInspector).map((p) => p.code)).toEqual(['rebound_origin_not_yours']);
  });
});
