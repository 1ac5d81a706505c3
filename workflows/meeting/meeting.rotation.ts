/**
 * R9: who convenes a group's next meeting (轮值召集).
 *
 * The practice: "the first member squad's leader convenes the group's first
 * meeting; conveners then rotate in member order". With a fixed membership
 * that is a plain rotation. Memberships change (a squad joins, leaves, the
 * order is changed), and a plain pointer then skips some squads or asks
 * others twice. So the rotation is kept as a queue, which is the same thing
 * while nothing changes and stays fair when something does:
 *
 *   The next convener is the member squad that has waited longest for its
 *   turn — since it last convened, or, if it has not convened since it
 *   (last) joined the group, since the last meeting before it joined (the
 *   founding members: since before the first meeting). Squads that have
 *   waited equally long go in member order, counting on from the squad after
 *   the last convener, wrapping round.
 *
 * So the first meeting goes to the first member, then member order, wrapping
 * round. A squad that joins queues as if it had convened the last meeting
 * before it joined: after every squad already waiting, before every squad
 * that convenes later. A squad that leaves drops out; one that rejoins
 * starts afresh; a reordering changes only who goes first among equals.
 */

/** A meeting of the group, as the rotation needs it (oldest first, cancelled ones left out). */
export interface RotationMeeting {
  id: number;
  convenerSquadId: number | null;
  /** The group's member squads when the meeting was arranged or recorded, in member order. */
  memberSquadIds: number[];
}

export type WaitingKind = 'convened' | 'founding' | 'joined';

export interface RotationPlace {
  squadId: number;
  /** Position in the group now, from 1. */
  memberOrder: number;
  /** Why it waits since when: it last convened meeting `since`; a founding member that has not convened yet; or it joined after meeting `since`. */
  kind: WaitingKind;
  /** The meeting it waits since (id), or null for a founding member that has not convened. */
  since: number | null;
  /** 0-based index, in the history, of the meeting it waits since (-1: before the first). Lower waits longer. */
  sinceIndex: number;
  /** True when it shares `sinceIndex` with another member, so member order decided between them. */
  tied: boolean;
}

export interface Rotation {
  /** The squad that convenes the next meeting (null: the group has no members). */
  next: number | null;
  /** Every member in the order it will convene, the next first. */
  queue: RotationPlace[];
  /** The convener of the latest meeting, if any. */
  lastConvenerSquadId: number | null;
  /** How many meetings the rotation has counted. */
  meetings: number;
}

/** The members, first in turn first (see the module comment). `members`: the group now, in member order. */
export function rotation(members: readonly number[], history: readonly RotationMeeting[]): Rotation {
  const n = history.length;
  const last = n ? history[n - 1] : null;
  const places = members.map((squadId, i) => {
    // The current membership began at the first meeting of the unbroken run of meetings that counted it a member.
    let joinIndex = n;
    for (let j = n - 1; j >= 0 && history[j].memberSquadIds.includes(squadId); j--) joinIndex = j;
    let convened = -1;
    for (let j = joinIndex; j < n; j++) if (history[j].convenerSquadId === squadId) convened = j;
    const kind: WaitingKind = convened >= 0 ? 'convened' : joinIndex === 0 ? 'founding' : 'joined';
    const sinceIndex = convened >= 0 ? convened : joinIndex - 1;
    return {
      squadId,
      memberOrder: i + 1,
      kind,
      since: sinceIndex >= 0 ? history[sinceIndex].id : null,
      sinceIndex,
      tied: false,
    };
  });
  const start = tieStart(members, last);
  const turn = (p: RotationPlace) => (p.memberOrder - 1 - start + members.length) % Math.max(members.length, 1);
  const queue = places.sort((a, b) => a.sinceIndex - b.sinceIndex || turn(a) - turn(b));
  for (const p of queue) p.tied = queue.some((q) => q !== p && q.sinceIndex === p.sinceIndex);
  return { next: queue[0]?.squadId ?? null, queue, lastConvenerSquadId: last?.convenerSquadId ?? null, meetings: n };
}

/**
 * Where member order starts counting among squads that waited equally long:
 * the member after the last convener. If the last convener has left the group,
 * the first squad after it (in the order of that meeting) that is still a member.
 */
function tieStart(members: readonly number[], last: RotationMeeting | null): number {
  if (!last || last.convenerSquadId === null || !members.length) return 0;
  const own = members.indexOf(last.convenerSquadId);
  if (own >= 0) return (own + 1) % members.length;
  const then = last.memberSquadIds;
  const at = then.indexOf(last.convenerSquadId);
  for (let k = 1; at >= 0 && k <= then.length; k++) {
    const found = members.indexOf(then[(at + k) % then.length]);
    if (found >= 0) return found;
  }
  return 0;
}
