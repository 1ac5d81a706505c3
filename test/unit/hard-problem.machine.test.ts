import { type AnyMachineSnapshot, type AnyStateMachine, createActor, initialTransition, transition } from 'xstate';
import {
  HARD_PROBLEM_MACHINE_VERSION,
  HARD_PROBLEM_SNAPSHOT_MIGRATIONS,
  type HardProblemEvent,
  type HardProblemFacts,
  type ProblemReport,
  hardProblemEventProblems,
  hardProblemMachine,
  mayHardProblem,
  mayReportProblem,
  reboundOriginsOf,
} from '../../workflows/hard-problem';
import {
  borderNoticeMachine,
  maySendNotice,
  noticeReportProblems,
  type BorderNoticeEvent,
} from '../../workflows/border-notice';
import type { Actor } from '../../workflows/shared/actor';

const NOW = '2026-11-10T06:00:00.000Z';
const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const waitanOfficer = user(['officer'], 1, 12);
const nanjingLeader = user(['squad_leader'], 2, 21);
const yuyuanLeader = user(['squad_leader'], 5, 51);
const duty = user(['duty_officer'], null, 90);
const inspector = user(['inspector'], 9, 95);
const feed = user(['hotline_feed'], null, 99);

const report = (over: Partial<ProblemReport> = {}): ProblemReport => ({
  source: 'hotspot',
  category: 'street_vending',
  title: '九江路口流动设摊',
  description: '夜间聚集',
  location: '九江路·河南中路口',
  squadIds: [1, 2],
  evidence: [],
  hotlineRef: null,
  complainant: null,
  ...over,
});
const noFacts: HardProblemFacts = { mergeTarget: null };
const ev = (
  type: string,
  actor: Actor,
  payload: Record<string, unknown> = {},
  facts: HardProblemFacts = noFacts,
  at = NOW,
): HardProblemEvent => ({ type, actor, at, facts, ...payload }) as unknown as HardProblemEvent;

const reported = (r = report()) =>
  initialTransition(hardProblemMachine, { report: r, reportedBy: 12, reportedAt: NOW, fromNoticeId: null })[0];
const step = (s: AnyMachineSnapshot, e: HardProblemEvent) => transition(hardProblemMachine, s, e)[0];
const open = (r = report()) => step(reported(r), ev('ACCEPT', waitanLeader));
const resolved = (r = report()) => step(open(r), ev('RESOLVE', waitanLeader, { note: '已清' }));

describe('hard problem machine (SPEC §3.4)', () => {
  it('a new report waits in `reported` and announces itself', () => {
    const [s, actions] = initialTransition(hardProblemMachine, {
      report: report(),
      reportedBy: 12,
      reportedAt: NOW,
      fromNoticeId: null,
    });
    expect(s.value).toBe('reported');
    expect(actions.filter((a) => a.type === 'notify').map((a) => (a.params as { topic: string }).topic)).toEqual([
      'problem.reported',
    ]);
  });

  it('only a squad at the border or a manager accepts', () => {
    expect(reported().can(ev('ACCEPT', waitanLeader))).toBe(true);
    expect(reported().can(ev('ACCEPT', nanjingLeader))).toBe(true);
    expect(reported().can(ev('ACCEPT', duty))).toBe(true);
    expect(reported().can(ev('ACCEPT', yuyuanLeader))).toBe(false);
    expect(reported().can(ev('ACCEPT', waitanOfficer))).toBe(false);
    expect(reported().can(ev('ACCEPT', inspector))).toBe(false);
    expect(reported().can(ev('ACCEPT', feed))).toBe(false);
  });

  it('a merged problem cannot be accepted, and points at the survivor', () => {
    const merged = step(
      reported(),
      ev('MERGE', waitanLeader, { intoId: 7 }, { mergeTarget: { id: 7, state: 'open' } }),
    );
    expect(merged.value).toBe('merged');
    expect(merged.context.mergedIntoId).toBe(7);
    expect(merged.can(ev('ACCEPT', waitanLeader))).toBe(false);
    expect(merged.status).toBe('done');
  });

  it('nothing merges into an unknown or a merged problem', () => {
    expect(reported().can(ev('MERGE', waitanLeader, { intoId: 7 }, { mergeTarget: null }))).toBe(false);
    expect(reported().can(ev('MERGE', waitanLeader, { intoId: 7 }, { mergeTarget: { id: 7, state: 'merged' } }))).toBe(
      false,
    );
    expect(
      reported().can(ev('MERGE', waitanLeader, { intoId: 7 }, { mergeTarget: { id: 7, state: 'resolved' } })),
    ).toBe(true);
  });

  it('an open problem is resolved with a note, never without', () => {
    expect(open().can(ev('RESOLVE', waitanLeader, { note: '  ' }))).toBe(false);
    const s = step(open(), ev('RESOLVE', nanjingLeader, { note: '联合整治后清零' }));
    expect(s.value).toBe('resolved');
    expect(s.context.resolutions).toEqual([{ note: '联合整治后清零', at: NOW, by: 21, operationId: null }]);
  });

  it('a resolution names the operation that resolved it, and a rebound keeps it in the history', () => {
    const s = step(open(), ev('RESOLVE', waitanLeader, { note: '联合整治后清零', operationId: 42 }));
    expect(s.context.resolutions).toEqual([{ note: '联合整治后清零', at: NOW, by: 11, operationId: 42 }]);
    const reopened = step(s, ev('REBOUND', inspector, { origin: 'inspector', note: '夜查回潮' }));
    expect(reopened.value).toBe('open');
    expect(reopened.context.resolutions).toEqual(s.context.resolutions);
  });

  it('a rebound reopens the resolved problem instead of creating a new one, and counts it', () => {
    let s = step(resolved(), ev('REBOUND', inspector, { origin: 'inspector', note: '夜查回潮' }));
    expect(s.value).toBe('open');
    expect(s.context.repeatCount).toBe(1);
    s = step(
      step(s, ev('RESOLVE', waitanLeader, { note: '再次整治' })),
      ev('REBOUND', waitanOfficer, { origin: 'holding', note: '固守中回潮' }),
    );
    expect(s.value).toBe('open');
    expect(s.context.repeatCount).toBe(2);
    expect(s.context.rebounds.map((r) => r.origin)).toEqual(['inspector', 'holding']);
  });

  it('a rebound is found in holding by the squads at the border, by an inspector, or by a new complaint (the hotline feed); not by another squad', () => {
    expect(resolved().can(ev('REBOUND', waitanOfficer, { origin: 'holding', note: '回潮' }))).toBe(true);
    expect(resolved().can(ev('REBOUND', feed, { origin: 'complaint', note: '再次投诉' }))).toBe(true);
    expect(resolved().can(ev('REBOUND', yuyuanLeader, { origin: 'holding', note: '回潮' }))).toBe(false);
    expect(resolved().can(ev('REBOUND', inspector, { origin: 'elsewhere', note: '回潮' }))).toBe(false);
  });

  it('the origin follows the sender: inspector only from inspectors, holding from the squads at the border, complaint from the feed and managers', () => {
    const origins = (actor: Actor, facts?: HardProblemFacts) => reboundOriginsOf(actor, resolved().context, facts);
    expect(origins(waitanOfficer)).toEqual(['holding']);
    expect(origins(nanjingLeader)).toEqual(['holding']);
    expect(origins(inspector)).toEqual(['inspector']);
    expect(origins(duty)).toEqual(['complaint']);
    expect(origins(feed)).toEqual(['complaint']);
    expect(origins(yuyuanLeader)).toEqual([]);
    for (const [actor, origin] of [
      [waitanOfficer, 'inspector'],
      [nanjingLeader, 'complaint'],
      [duty, 'inspector'],
      [inspector, 'holding'],
    ] as const) {
      expect(resolved().can(ev('REBOUND', actor, { origin, note: '回潮' }))).toBe(false);
      expect(hardProblemEventProblems(resolved().context, ev('REBOUND', actor, { origin, note: '回潮' }))).toEqual([
        expect.objectContaining({ code: 'rebound_origin_not_yours', field: 'origin' }),
      ]);
    }
  });

  it('R12: the host squad holding an operation of the problem finds its rebound in holding, though not at its border', () => {
    const holding: HardProblemFacts = { mergeTarget: null, holdingSquadIds: [5] };
    expect(reboundOriginsOf(yuyuanLeader, resolved().context, holding)).toEqual(['holding']);
    expect(mayHardProblem('REBOUND', yuyuanLeader, resolved().context, 'resolved', holding).ok).toBe(true);
    expect(resolved().can(ev('REBOUND', yuyuanLeader, { origin: 'holding', note: '固守中回潮' }, holding))).toBe(true);
    expect(resolved().can(ev('REBOUND', yuyuanLeader, { origin: 'holding', note: '固守中回潮' }))).toBe(false);
  });

  it('only a hotline problem gets a call-back, after resolution and never before it or in the future', () => {
    const hotline = resolved(report({ source: 'hotline_12319', complainant: '王先生' }));
    const called = (over: Record<string, unknown>) =>
      ev('RECORD_CALLBACK', waitanLeader, { caller: '李队', calledAt: NOW, outcome: 'satisfied', ...over });
    expect(hotline.can(called({}))).toBe(true);
    expect(hotline.can(called({ calledAt: '2026-11-11T06:00:00.000Z' }))).toBe(false);
    expect(hotline.can(called({ calledAt: '2026-11-09T06:00:00.000Z' }))).toBe(false);
    expect(resolved().can(called({}))).toBe(false);
    expect(open(report({ source: 'hotline_12319' })).can(called({}))).toBe(false);
    const s = step(hotline, called({ outcome: 'dissatisfied', note: '嫌慢' }));
    expect(s.value).toBe('resolved');
    expect(s.context.callbacks).toEqual([
      { caller: '李队', calledAt: NOW, outcome: 'dissatisfied', note: '嫌慢', recordedBy: 11 },
    ]);
  });

  it('the hotline feed reports hotline complaints only; field staff and managers report from any source', () => {
    expect(mayReportProblem(feed, 'hotline_12319').ok).toBe(true);
    expect(mayReportProblem(feed, 'media')).toEqual({ ok: false, reason: 'hotline_feed_reports_hotline_only' });
    expect(mayReportProblem(waitanOfficer, 'media').ok).toBe(true);
    expect(mayReportProblem(user(['admin'], null, 1), 'hotspot').ok).toBe(false);
  });
});

describe('stored hard-problem snapshots of an older machine version', () => {
  it('a version 1 snapshot (resolutions without their operation) is migrated to the current version and driven on', () => {
    expect(HARD_PROBLEM_MACHINE_VERSION).toBe(2);
    // As version 1 stored it: a resolved problem whose resolution does not say what resolved it.
    const current = hardProblemMachine.getPersistedSnapshot(resolved()) as unknown as {
      context: { resolutions: Array<Record<string, unknown>> };
    };
    const v1 = {
      ...current,
      context: {
        ...current.context,
        resolutions: current.context.resolutions.map(({ operationId: _dropped, ...r }) => r),
      },
    };
    expect(v1.context.resolutions[0]).not.toHaveProperty('operationId');
    const migrated = HARD_PROBLEM_SNAPSHOT_MIGRATIONS[1](JSON.parse(JSON.stringify(v1)));
    const restored = createActor(hardProblemMachine as AnyStateMachine, {
      snapshot: migrated,
    }).getSnapshot() as AnyMachineSnapshot;
    expect(restored.status).toBe('active');
    expect(restored.value).toBe('resolved');
    expect(restored.context.resolutions).toEqual([{ note: '已清', at: NOW, by: 11, operationId: null }]);
    const later = step(
      step(restored, ev('REBOUND', inspector, { origin: 'inspector', note: '回潮' })),
      ev('RESOLVE', waitanLeader, { note: '再次整治', operationId: 7 }),
    );
    expect(later.value).toBe('resolved');
    expect(later.context.resolutions.map((r: { operationId: number | null }) => r.operationId)).toEqual([null, 7]);
  });
});

describe('border notice machine (R8)', () => {
  const input = {
    report: { location: '九江路口', what: '流动摊贩在两中队间流窜', squadIds: [1, 2], seenAt: NOW },
    senderSquadId: 1,
    groupId: 1,
    sentBy: 12,
  };
  const sent = () => initialTransition(borderNoticeMachine, input)[0];
  const nev = (
    type: string,
    actor: Actor,
    payload: Record<string, unknown> = {},
    members = [1, 2, 3, 4],
  ): BorderNoticeEvent =>
    ({ type, actor, at: NOW, facts: { memberSquadIds: members }, ...payload }) as unknown as BorderNoticeEvent;

  it('an officer or a squad leader with a squad sends a notice; a duty officer without one does not', () => {
    expect(maySendNotice(waitanOfficer).ok).toBe(true);
    expect(maySendNotice(waitanLeader).ok).toBe(true);
    expect(maySendNotice(duty)).toEqual({ ok: false, reason: 'needs_own_squad' });
  });

  it('a border has two squads at least, the sender’s among them, and the sighting is not in the future', () => {
    const problems = (over: Partial<typeof input.report>) =>
      noticeReportProblems({ ...input.report, ...over }, 1, [1, 2, 3, 5], NOW).map((p) => p.code);
    expect(problems({})).toEqual([]);
    expect(problems({ squadIds: [1] })).toEqual(['border_needs_two_squads']);
    expect(problems({ squadIds: [2, 3] })).toEqual(['own_squad_not_at_border']);
    expect(problems({ seenAt: '2026-11-11T00:00:00.000Z' })).toEqual(['in_future']);
  });

  it('a squad leader of the group turns it into a hard problem or a plan, or closes it with a reason; an officer does not', () => {
    expect(sent().can(nev('TO_PROBLEM', waitanOfficer, { problemId: 3 }))).toBe(false);
    expect(sent().can(nev('TO_PROBLEM', yuyuanLeader, { problemId: 3 }))).toBe(false);
    const problem = transition(borderNoticeMachine, sent(), nev('TO_PROBLEM', nanjingLeader, { problemId: 3 }))[0];
    expect([problem.value, problem.context.problemId, problem.context.decidedBy]).toEqual(['became_problem', 3, 21]);
    const plan = transition(borderNoticeMachine, sent(), nev('TO_PLAN', waitanLeader, { operationId: 8 }))[0];
    expect([plan.value, plan.context.operationId]).toEqual(['became_plan', 8]);
    expect(sent().can(nev('CLOSE', waitanLeader, { reason: '' }))).toBe(false);
    expect(transition(borderNoticeMachine, sent(), nev('CLOSE', waitanLeader, { reason: '已自行处置' }))[0].value).toBe(
      'closed',
    );
  });
});
