import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type MeetingArrangements,
  type MeetingEvent,
  type MeetingFacts,
  type MeetingKind,
  type MeetingRecord,
  mayCreateMeeting,
  mayMeeting,
  meetingEventProblems,
  meetingMachine,
} from '../../workflows/meeting';
import type { Actor } from '../../workflows/shared/actor';

const NORTH = [1, 2, 3, 4];
const facts: MeetingFacts = { memberSquadIds: NORTH, activeSquadIds: [1, 2, 3, 4, 5, 9], timeZone: 'Asia/Shanghai' };
const NOW = '2026-11-10T06:00:00.000Z';

const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const nanjingLeader = user(['squad_leader'], 2, 21);
const waitanOfficer = user(['officer'], 1, 12);
const yuyuanLeader = user(['squad_leader'], 5, 51);
const duty = user(['duty_officer'], null, 90);
const commander = user(['commander'], null, 91);

const arrangements = (over: Partial<MeetingArrangements> = {}): MeetingArrangements => ({
  plannedStart: '2026-11-12T06:00:00.000Z',
  place: '外滩中队会议室',
  agenda: '十一月联动整治安排；中山东一路固守',
  convenerSquadId: 1,
  convenerReason: null,
  ...over,
});
const record = (over: Partial<MeetingRecord> = {}): MeetingRecord => ({
  heldAt: '2026-11-10T06:00:00.000Z',
  attendeeSquadIds: [1, 2, 3],
  attendees: ['张队长', '李队长'],
  minutes: '通报本月联动情况',
  decisions: ['下旬联合整治南京东路'],
  ...over,
});

const ev = (type: string, actor: Actor, payload: Record<string, unknown> = {}, at = NOW, f = facts): MeetingEvent =>
  ({ type, actor, at, facts: f, ...payload }) as unknown as MeetingEvent;

const scheduled = (kind: MeetingKind = 'group', a = arrangements()) =>
  initialTransition(meetingMachine, {
    kind,
    groupId: kind === 'group' ? 1 : null,
    arrangements: kind === 'group' ? a : { ...a, convenerSquadId: null },
    rotationConvenerSquadId: kind === 'group' ? 1 : null,
    memberSquadIds: kind === 'group' ? NORTH : [],
    createdBy: 11,
  })[0];

const codes = (s: AnyMachineSnapshot, e: MeetingEvent) => meetingEventProblems(s.context, e).map((p) => p.code);
const reason = (s: AnyMachineSnapshot, e: MeetingEvent) => {
  const p = mayMeeting(e.type, e.actor, s.context, s.value as never, e.facts.memberSquadIds);
  return p.ok ? 'ok' : p.reason;
};

describe('a group’s work meeting (R9)', () => {
  it('is arranged by a squad leader of the group; the HQ’s by a manager', () => {
    expect(mayCreateMeeting(waitanLeader, 'group', NORTH).ok).toBe(true);
    expect(mayCreateMeeting(yuyuanLeader, 'group', NORTH)).toEqual({ ok: false, reason: 'not_group_leader' });
    expect(mayCreateMeeting(duty, 'group', NORTH)).toEqual({ ok: false, reason: 'not_group_leader' });
    expect(mayCreateMeeting(duty, 'hq_summary', []).ok).toBe(true);
    expect(mayCreateMeeting(waitanLeader, 'hq_summary', [])).toEqual({ ok: false, reason: 'not_manager' });
  });

  it('is recorded with its attendees, minutes and decisions, by the convener’s or another leader of the group', () => {
    const s = scheduled();
    const e = ev('RECORD', nanjingLeader, { record: record() });
    expect(s.can(e)).toBe(true);
    const [held, actions] = transition(meetingMachine, s, e);
    expect(held.value).toBe('held');
    expect(held.context).toMatchObject({ recordedBy: 21, record: { decisions: ['下旬联合整治南京东路'] } });
    expect(actions).toContainEqual(expect.objectContaining({ params: { topic: 'meeting.recorded' } }));
  });

  it.each([
    ['without minutes', record({ minutes: ' ' }), 'required'],
    ['held in the future', record({ heldAt: '2026-11-11T06:00:00.000Z' }), 'in_future'],
    ['without any squad of the group', record({ attendeeSquadIds: [9] }), 'no_member_attended'],
    ['naming an unknown squad', record({ attendeeSquadIds: [1, 77] }), 'unknown_squads'],
    ['naming a squad twice', record({ attendeeSquadIds: [1, 1] }), 'duplicate_squads'],
  ])('is not recorded %s', (_label, r, code) => {
    expect(codes(scheduled(), ev('RECORD', waitanLeader, { record: r }))).toContain(code);
  });

  it('an officer or another group’s leader cannot record it; a manager may call it off', () => {
    const s = scheduled();
    expect(reason(s, ev('RECORD', waitanOfficer, { record: record() }))).toBe('not_group_leader');
    expect(reason(s, ev('RECORD', yuyuanLeader, { record: record() }))).toBe('not_group_leader');
    expect(reason(s, ev('RECORD', duty, { record: record() }))).toBe('not_group_leader');
    expect(reason(s, ev('CANCEL', duty, { reason: '防汛' }))).toBe('ok');
    expect(reason(s, ev('CANCEL', yuyuanLeader, { reason: '防汛' }))).toBe('not_manager');
  });

  it('the convener sets the linkage content (R9): no agenda, no meeting', () => {
    expect(
      codes(scheduled(), ev('EDIT_MEETING', waitanLeader, { arrangements: arrangements({ agenda: '' }) })),
    ).toEqual(['required']);
  });

  it('another convener than the rotation’s needs a reason, and must be a member squad', () => {
    const s = scheduled();
    expect(codes(s, ev('EDIT_MEETING', waitanLeader, { arrangements: arrangements({ convenerSquadId: 2 }) }))).toEqual([
      'convener_reason_required',
    ]);
    expect(
      s.can(
        ev('EDIT_MEETING', waitanLeader, {
          arrangements: arrangements({ convenerSquadId: 2, convenerReason: '外滩中队承担国庆保障' }),
        }),
      ),
    ).toBe(true);
    expect(
      codes(
        s,
        ev('EDIT_MEETING', waitanLeader, { arrangements: arrangements({ convenerSquadId: 5, convenerReason: 'x' }) }),
      ),
    ).toEqual(['convener_not_member']);
  });

  it('a cancellation needs a reason; a held or cancelled meeting takes nothing more', () => {
    const s = scheduled();
    expect(codes(s, ev('CANCEL', waitanLeader, { reason: '' }))).toEqual(['required']);
    const [cancelled] = transition(meetingMachine, s, ev('CANCEL', waitanLeader, { reason: '台风' }));
    expect(cancelled.value).toBe('cancelled');
    expect(cancelled.can(ev('RECORD', waitanLeader, { record: record() }))).toBe(false);
    const [held] = transition(meetingMachine, s, ev('RECORD', waitanLeader, { record: record() }));
    expect(held.can(ev('CANCEL', waitanLeader, { reason: 'x' }))).toBe(false);
  });

  it('every step takes the group’s membership as it is now (the rotation reads it)', () => {
    const changed = { ...facts, memberSquadIds: [1, 2, 3, 9] };
    const [held] = transition(
      meetingMachine,
      scheduled(),
      ev('RECORD', waitanLeader, { record: record() }, NOW, changed),
    );
    expect(held.context.memberSquadIds).toEqual([1, 2, 3, 9]);
  });
});

describe('the HQ’s half-yearly summary meeting (R9)', () => {
  it('is arranged and recorded by the Duty Command Section or a commander, not by squads', () => {
    const s = scheduled('hq_summary');
    expect(reason(s, ev('RECORD', waitanLeader, { record: record() }))).toBe('not_manager');
    const e = ev('RECORD', commander, { record: record({ attendeeSquadIds: [1, 5, 9] }) });
    expect(s.can(e)).toBe(true);
  });

  it('has no convener squad to check', () => {
    expect(
      codes(
        scheduled('hq_summary'),
        ev('EDIT_MEETING', duty, { arrangements: arrangements({ convenerSquadId: null }) }),
      ),
    ).toEqual([]);
  });
});
