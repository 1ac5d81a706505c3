/**
 * The rules of meetings (R9), as pure functions: the machine's guards, and the
 * engine's way to tell a forbidden caller (403) from a refused step (422).
 */
import { type Actor, type Permit, MANAGER_ROLES, asAnyOf, deny } from '../shared/actor';
import { type Problem, problem } from '../shared/problem';
import { type WhatRule, type WhoRule, permitOf, problemsOf, whatRulesFor, type SomeRuleParam } from '../shared/rules';
import { ms } from '../shared/time';
import { isGroupLeader } from '../group-plan/group-plan.rules';
import type {
  MeetingArrangements,
  MeetingContext,
  MeetingEvent,
  MeetingEventType,
  MeetingFacts,
  MeetingKind,
  MeetingRecord,
  MeetingState,
} from './meeting.types';

// ---------------------------------------------------------------- who

function manager(actor: Actor): Permit {
  return asAnyOf(actor, MANAGER_ROLES, 'not_manager');
}

function groupLeader(actor: Actor, memberSquadIds: readonly number[]): Permit {
  return isGroupLeader(actor, memberSquadIds) ? { ok: true, role: 'squad_leader' } : deny('not_group_leader');
}

/**
 * Who may send an event to a meeting, rule by rule (each name is a guard of
 * the machine). A group meeting is arranged and recorded by a squad leader of
 * the group — normally the convener's, but the others may stand in so a
 * meeting is never left unrecorded (R9); the HQ's summary meeting by the Duty
 * Command Section or a commander (R1). `memberSquadIds`: the group's squads as
 * they are now (see `GROUP_PLAN_WHO`).
 */
export const MEETING_WHO = {
  isOrganiser: (actor: Actor, ctx: MeetingContext, memberSquadIds: readonly number[]) => {
    if (actor.kind !== 'user') return deny('users_only');
    return ctx.kind === 'hq_summary' ? manager(actor) : groupLeader(actor, memberSquadIds);
  },
  /** The group calls off its own meeting; the Duty Command Section may too. */
  isOrganiserOrManager: (actor: Actor, ctx: MeetingContext, memberSquadIds: readonly number[]) => {
    if (actor.kind !== 'user') return deny('users_only');
    if (ctx.kind === 'hq_summary') return manager(actor);
    const leader = groupLeader(actor, memberSquadIds);
    return leader.ok ? leader : manager(actor);
  },
} satisfies Record<string, WhoRule<MeetingContext, readonly number[]>>;

export type MeetingWhoRule = keyof typeof MEETING_WHO;

/** The who-rules of each event, in the order they are asked (the first refusal is the 403's reason). */
export const MEETING_WHO_OF: Readonly<Record<MeetingEventType, readonly MeetingWhoRule[]>> = {
  EDIT_MEETING: ['isOrganiser'],
  RECORD: ['isOrganiser'],
  CANCEL: ['isOrganiserOrManager'],
};

/** Who may send each event to a meeting (`memberSquadIds`: the group's squads as they are now). */
export function mayMeeting(
  type: MeetingEventType,
  actor: Actor,
  ctx: MeetingContext,
  _state: MeetingState,
  memberSquadIds: readonly number[],
): Permit {
  return permitOf(
    MEETING_WHO_OF[type].map((name) => MEETING_WHO[name]),
    actor,
    ctx,
    memberSquadIds,
  );
}

/** Who may arrange a meeting: a squad leader of the group (R9), or a manager for the HQ's summary meeting (R1). */
export function mayCreateMeeting(actor: Actor, kind: MeetingKind, memberSquadIds: readonly number[]): Permit {
  return kind === 'hq_summary' ? manager(actor) : groupLeader(actor, memberSquadIds);
}

// ---------------------------------------------------------------- what

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/**
 * Problems with a meeting's arrangements. R9: the convener sets the linkage
 * content; a group meeting is convened by a member squad, the one the rotation
 * names unless a reason is given.
 */
export function arrangementProblems(
  kind: MeetingKind,
  arrangements: MeetingArrangements,
  rotationConvenerSquadId: number | null,
  facts: MeetingFacts,
): Problem[] {
  const out: Problem[] = [];
  if (blank(arrangements.plannedStart) || Number.isNaN(ms(arrangements.plannedStart)))
    out.push(problem('required', 'plannedStart'));
  if (blank(arrangements.agenda)) out.push(problem('required', 'agenda', 'R9'));
  if (kind === 'group') {
    const convener = arrangements.convenerSquadId;
    if (convener === null) out.push(problem('required', 'convenerSquad', 'R9'));
    else if (!facts.memberSquadIds.includes(convener)) out.push(problem('convener_not_member', 'convenerSquad', 'R9'));
    else if (
      rotationConvenerSquadId !== null &&
      convener !== rotationConvenerSquadId &&
      blank(arrangements.convenerReason)
    ) {
      out.push(problem('convener_reason_required', 'convenerReason', 'R9'));
    }
  }
  return out;
}

/** Problems with the record of a meeting held. */
export function recordProblems(kind: MeetingKind, record: MeetingRecord, facts: MeetingFacts, at: string): Problem[] {
  const out: Problem[] = [];
  if (blank(record.heldAt) || Number.isNaN(ms(record.heldAt))) out.push(problem('required', 'heldAt'));
  else if (ms(record.heldAt) > ms(at)) out.push(problem('in_future', 'heldAt'));
  if (blank(record.minutes)) out.push(problem('required', 'minutes', 'R9'));
  const squads = record.attendeeSquadIds;
  if (new Set(squads).size !== squads.length) out.push(problem('duplicate_squads', 'attendeeSquads'));
  const unknown = squads.filter((s) => !facts.activeSquadIds.includes(s));
  if (unknown.length) out.push(problem('unknown_squads', 'attendeeSquads', undefined, { count: unknown.length }));
  // A group's work meeting is the group's squads meeting: at least one of them was there.
  if (kind === 'group' && !squads.some((s) => facts.memberSquadIds.includes(s)))
    out.push(problem('no_member_attended', 'attendeeSquads', 'R9'));
  return out;
}

const what = whatRulesFor<MeetingContext, MeetingEvent>();

/** What an event must satisfy, rule by rule (each name is a guard of the machine): the problems it has, naming the fields. */
export const MEETING_WHAT = {
  /** R3: the sender of a group meeting's step leads a squad of the group as it is now. */
  stillInGroup: what(['EDIT_MEETING', 'RECORD'], (ctx, e) =>
    ctx.kind !== 'group' || isGroupLeader(e.actor, e.facts.memberSquadIds)
      ? []
      : [problem('not_group_member', undefined, 'R3')],
  ),
  /** R9: a date, the linkage content, and the convener the rotation names (or a reason). */
  arrangementsSound: what(['EDIT_MEETING'], (ctx, e) =>
    arrangementProblems(ctx.kind, e.arrangements, ctx.rotationConvenerSquadId, e.facts),
  ),
  /** R9: when it was held (not in the future), the minutes, and who attended. */
  recordSound: what(['RECORD'], (ctx, e) => recordProblems(ctx.kind, e.record, e.facts, e.at)),
  /** §3.5: cancellations always carry a reason. */
  reasonGiven: what(['CANCEL'], (_ctx, e) => (blank(e.reason) ? [problem('required', 'reason', '§3.5')] : [])),
} satisfies Record<string, WhatRule<MeetingContext, MeetingEvent, SomeRuleParam>>;

export type MeetingWhatRule = keyof typeof MEETING_WHAT;

/** The what-rules of each event, in the order their problems are listed. */
export const MEETING_WHAT_OF: Readonly<Record<MeetingEventType, readonly MeetingWhatRule[]>> = {
  EDIT_MEETING: ['stillInGroup', 'arrangementsSound'],
  RECORD: ['stillInGroup', 'recordSound'],
  CANCEL: ['reasonGiven'],
};

/** Problems with an event's own content, given the meeting as it stands (empty = the step may happen). */
export function meetingEventProblems(ctx: MeetingContext, event: MeetingEvent): Problem[] {
  return problemsOf(
    MEETING_WHAT_OF[event.type].map((name) => MEETING_WHAT[name]),
    ctx,
    event,
  );
}

/** The rules guarding `type`, as the machine names them: who first, then what. */
export function meetingRules(type: MeetingEventType): string[] {
  return [...MEETING_WHO_OF[type], ...MEETING_WHAT_OF[type]];
}
