import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type GroupPlanContent,
  type GroupPlanEvent,
  type GroupPlanFacts,
  type PlannedOperation,
  groupPlanEventProblems,
  groupPlanMachine,
  mayCreateGroupPlan,
  mayGroupPlan,
  mayReadGroupRecords,
} from '../../workflows/group-plan';
import type { Actor } from '../../workflows/shared/actor';

// Group north is squads 1–4 (1 = waitan); 5 is yuyuan (oldcity).
const NORTH = [1, 2, 3, 4];
const facts: GroupPlanFacts = {
  memberSquadIds: NORTH,
  linkableOperationIds: [70],
  timeZone: 'Asia/Shanghai',
  limits: { minOperations: 2 },
};
/** December 2026 starts at midnight Shanghai time. */
const DUE = '2026-11-30T16:00:00.000Z';
const BEFORE = '2026-11-20T01:00:00.000Z';
const AFTER = '2026-12-03T01:00:00.000Z';

const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const waitanOfficer = user(['officer'], 1, 12);
const bundLeader = user(['squad_leader'], 4, 41);
const yuyuanLeader = user(['squad_leader'], 5, 51);
const duty = user(['duty_officer'], null, 90);
const commander = user(['commander'], null, 91);
const inspector = user(['inspector'], null, 92);

const line = (over: Partial<PlannedOperation> = {}): PlannedOperation => ({
  date: '2026-12-05',
  title: '中山东一路无证设摊整治',
  leadSquadId: 1,
  location: '中山东一路',
  problemSource: 'hotspot',
  operationId: null,
  ...over,
});
const content = (over: Partial<GroupPlanContent> = {}): GroupPlanContent => ({
  targets: ['外滩沿线无证设摊下降五成'],
  operations: [line(), line({ date: '2026-12-19', title: '南京东路跨门营业整治', leadSquadId: 2 })],
  notes: '',
  ...over,
});

const ev = (
  type: string,
  actor: Actor,
  payload: Record<string, unknown> = {},
  at = BEFORE,
  f = facts,
): GroupPlanEvent => ({ type, actor, at, facts: f, ...payload }) as unknown as GroupPlanEvent;

const draft = (c = content()) =>
  initialTransition(groupPlanMachine, { groupId: 1, month: '2026-12', dueAt: DUE, content: c, createdBy: 11 })[0];

function run(steps: GroupPlanEvent[], c = content()): AnyMachineSnapshot {
  let s = draft(c);
  for (const e of steps) {
    if (!s.can(e))
      throw new Error(
        `${e.type} refused in ${String(s.value)}: ${JSON.stringify(groupPlanEventProblems(s.context, e))}`,
      );
    [s] = transition(groupPlanMachine, s, e);
  }
  return s;
}

const codes = (s: AnyMachineSnapshot, e: GroupPlanEvent) => groupPlanEventProblems(s.context, e).map((p) => p.code);
const reason = (s: AnyMachineSnapshot, e: GroupPlanEvent) => {
  const p = mayGroupPlan(e.type, e.actor, s.context, s.value as never, e.facts.memberSquadIds);
  return p.ok ? 'ok' : p.reason;
};

describe('drafting and filing the monthly plan (R5)', () => {
  it('any squad leader of the group drafts it; an officer, another group’s leader or a manager does not', () => {
    expect(mayCreateGroupPlan(waitanLeader, NORTH).ok).toBe(true);
    expect(mayCreateGroupPlan(bundLeader, NORTH).ok).toBe(true);
    for (const who of [waitanOfficer, yuyuanLeader, duty])
      expect(mayCreateGroupPlan(who, NORTH)).toEqual({ ok: false, reason: 'not_group_leader' });
  });

  it('a leader of another member squad edits and files the plan the first one drafted', () => {
    const s = run([ev('EDIT_PLAN', bundLeader, { content: content({ notes: '月底前完成' }) }), ev('FILE', bundLeader)]);
    expect(s.value).toBe('filed');
    expect(s.context).toMatchObject({ filedBy: 41, filedLate: false, content: { notes: '月底前完成' } });
  });

  it('is filed before the month starts, or else marked late (but still on file)', () => {
    expect(run([ev('FILE', waitanLeader, {}, BEFORE)]).context.filedLate).toBe(false);
    const late = run([ev('FILE', waitanLeader, {}, AFTER)]);
    expect(late.value).toBe('filed');
    expect(late.context).toMatchObject({ filedLate: true, firstFiledAt: AFTER });
  });

  it.each([
    ['without a target', content({ targets: ['  '] }), 'required'],
    [
      'with one planned operation only (R6: at least two a month)',
      content({ operations: [line()] }),
      'too_few_planned_operations',
    ],
    [
      'with an operation on a day of another month',
      content({ operations: [line(), line({ date: '2027-01-02' })] }),
      'date_outside_month',
    ],
    [
      'with an operation led by a squad outside the group',
      content({ operations: [line(), line({ leadSquadId: 5 })] }),
      'lead_not_in_group',
    ],
    [
      'with an operation without a lead squad',
      content({ operations: [line(), line({ leadSquadId: null })] }),
      'required',
    ],
    ['with an untitled operation', content({ operations: [line(), line({ title: ' ' })] }), 'required'],
    [
      'linked to an operation that is not the group’s',
      content({ operations: [line(), line({ operationId: 71 })] }),
      'operation_not_of_group',
    ],
    [
      'linking one operation twice',
      content({ operations: [line({ operationId: 70 }), line({ operationId: 70 })] }),
      'operation_linked_twice',
    ],
  ])('a plan %s cannot be filed', (_label, c, code) => {
    const s = draft(c);
    const e = ev('FILE', waitanLeader);
    expect(s.can(e)).toBe(false);
    expect(codes(s, e)).toContain(code);
  });

  it('names the field and rule of each refusal', () => {
    const s = draft(content({ operations: [line({ leadSquadId: 5 })] }));
    expect(groupPlanEventProblems(s.context, ev('FILE', waitanLeader))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'too_few_planned_operations',
          field: 'operations',
          rule: 'R6',
          params: { min: 2, actual: 1 },
        }),
        expect.objectContaining({ code: 'lead_not_in_group', field: 'operations.0.leadSquad', rule: 'R3' }),
      ]),
    );
  });

  it('a draft may be incomplete but not wrong', () => {
    const s = draft(content({ targets: [], operations: [] }));
    expect(
      s.can(ev('EDIT_PLAN', waitanLeader, { content: content({ targets: [], operations: [line({ date: '' })] }) })),
    ).toBe(true);
    expect(
      codes(s, ev('EDIT_PLAN', waitanLeader, { content: content({ operations: [line({ date: '2026-11-30' })] }) })),
    ).toEqual(['date_outside_month']);
  });

  it('an officer or another group’s leader cannot edit or file it', () => {
    const s = draft();
    for (const who of [waitanOfficer, yuyuanLeader, duty]) {
      expect(reason(s, ev('FILE', who))).toBe('not_group_leader');
      expect(reason(s, ev('EDIT_PLAN', who, { content: content() }))).toBe('not_group_leader');
    }
  });

  it('a squad that has left the group since the plan was drafted can no longer file it', () => {
    const s = draft();
    const e = ev('FILE', bundLeader, {}, BEFORE, { ...facts, memberSquadIds: [1, 2, 3] });
    expect(s.can(e)).toBe(false);
    expect(codes(s, e)).toContain('not_group_member');
  });

  it('a squad that has joined the group since the plan was drafted files it like the others', () => {
    const yuyuanJoined = { ...facts, memberSquadIds: [1, 2, 3, 5] };
    const s = draft();
    const e = ev('FILE', yuyuanLeader, {}, BEFORE, yuyuanJoined);
    expect(mayGroupPlan('FILE', yuyuanLeader, s.context, 'draft', yuyuanJoined.memberSquadIds).ok).toBe(true);
    expect(s.can(e)).toBe(true);
  });

  it('a filed plan is not edited', () => {
    expect(run([ev('FILE', waitanLeader)]).can(ev('EDIT_PLAN', waitanLeader, { content: content() }))).toBe(false);
  });
});

describe('returning a filed plan (the Duty Command Section)', () => {
  it('a duty officer or a commander returns it with a reason; the group revises and files again', () => {
    for (const manager of [duty, commander]) {
      const returned = run([ev('FILE', waitanLeader), ev('RETURN', manager, { reason: '目标不具体' })]);
      expect(returned.value).toBe('draft');
      expect(returned.context).toMatchObject({
        returnCount: 1,
        lastReturnReason: '目标不具体',
        returnedBy: manager.userId,
        filedAt: null,
      });
      const again = run([
        ev('FILE', waitanLeader),
        ev('RETURN', manager, { reason: '目标不具体' }),
        ev('FILE', waitanLeader, {}, AFTER),
      ]);
      expect(again.value).toBe('filed');
      // Lateness is judged on the first filing: a return by HQ does not make the group late.
      expect(again.context).toMatchObject({ filedLate: false, firstFiledAt: BEFORE, filedAt: AFTER });
    }
  });

  it('a return needs a reason', () => {
    const s = run([ev('FILE', waitanLeader)]);
    expect(codes(s, ev('RETURN', duty, { reason: ' ' }))).toEqual(['required']);
  });

  it('a squad leader or an inspector cannot return it', () => {
    const s = run([ev('FILE', waitanLeader)]);
    expect(reason(s, ev('RETURN', waitanLeader, { reason: 'x' }))).toBe('not_manager');
    expect(reason(s, ev('RETURN', inspector, { reason: 'x' }))).toBe('not_manager');
  });

  it('filing and returning leave notices for the outbox', () => {
    const [filed, filing] = transition(groupPlanMachine, draft(), ev('FILE', waitanLeader));
    expect(filing).toContainEqual(expect.objectContaining({ type: 'notify', params: { topic: 'group_plan.filed' } }));
    const [, returning] = transition(groupPlanMachine, filed, ev('RETURN', duty, { reason: 'x' }));
    expect(returning).toContainEqual(
      expect.objectContaining({ type: 'notify', params: { topic: 'group_plan.returned' } }),
    );
  });
});

describe('who reads a group’s plans', () => {
  it('the group’s own people and the managers', () => {
    expect(mayReadGroupRecords(waitanOfficer, NORTH)).toBe(true);
    expect(mayReadGroupRecords(duty, NORTH)).toBe(true);
    expect(mayReadGroupRecords(commander, NORTH)).toBe(true);
    expect(mayReadGroupRecords(yuyuanLeader, NORTH)).toBe(false);
    expect(mayReadGroupRecords(inspector, NORTH)).toBe(false);
  });
});
