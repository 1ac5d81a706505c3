import type { EntityManager } from 'typeorm';
import { ForbiddenError } from '../../errors';
import { type LinkageGroup, Squad } from '../../persistence/entities';
import { mayReadGroupRecords } from '../../../workflows/group-plan';
import type { EngineActor, ReadPermit } from '../../engine/workflow-definition';
import type { Principal } from '../org/org.service';

/**
 * The caller's own squad, if it is in `groupId` now — all the engine needs to
 * know of a group's membership to decide who may act (its who-may runs before
 * the facts are read; the machine checks again on the facts).
 */
export function ownSquadIn(actor: EngineActor, groupId: number | null): number[] {
  const squad = (actor as Partial<Principal>).squad;
  return groupId !== null && actor.squadId !== null && squad?.groupId === groupId ? [actor.squadId] : [];
}

/**
 * R5/R9: who may read a group's record (a plan, a group meeting), for the
 * engine: the group's own people and the managers; the system (the jobs) acts
 * for the whole brigade. The same rule as `assertMayRead`, on the caller's own
 * squad only (see `ownSquadIn`).
 */
export function mayReadGroupRecord(actor: EngineActor, groupId: number | null): ReadPermit {
  if (actor.kind === 'system' || mayReadGroupRecords(actor, ownSquadIn(actor, groupId))) return { ok: true };
  return { ok: false, reason: 'not_group_or_manager' };
}

/** A linkage group's member squads now (in use), in member order (R3, R9). */
export async function groupMembers(m: EntityManager, brigadeId: number, groupId: number): Promise<number[]> {
  const squads = await m.find(Squad, {
    select: { id: true, memberOrder: true },
    where: { brigadeId, groupId, active: true },
  });
  return squads.sort((a, b) => (a.memberOrder ?? 0) - (b.memberOrder ?? 0) || a.id - b.id).map((s) => s.id);
}

/** Every group's members now, by group id (one query). */
export async function membersByGroup(m: EntityManager, brigadeId: number): Promise<Map<number, number[]>> {
  const squads = await m.find(Squad, {
    select: { id: true, groupId: true, memberOrder: true },
    where: { brigadeId, active: true },
  });
  const out = new Map<number, number[]>();
  for (const s of squads.sort((a, b) => (a.memberOrder ?? 0) - (b.memberOrder ?? 0) || a.id - b.id)) {
    if (s.groupId !== null) out.set(s.groupId, [...(out.get(s.groupId) ?? []), s.id]);
  }
  return out;
}

/** R5/R9: a group's plans and meetings are the group's and the managers' to read; others are told so (403). */
export function assertMayRead(p: Principal, members: readonly number[]): void {
  if (!mayReadGroupRecords(p, members))
    throw new ForbiddenError(
      'Only the group’s own squads and the managers read its plans and meetings',
      'not_group_or_manager',
    );
}

/** The groups whose plans and meetings this user reads: every group for a manager, else their squad's (R5, R9). */
export function readableGroupIds(p: Principal, groups: LinkageGroup[], members: Map<number, number[]>): number[] {
  return groups.filter((g) => mayReadGroupRecords(p, members.get(g.id) ?? [])).map((g) => g.id);
}
