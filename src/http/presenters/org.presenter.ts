import type { z } from 'zod';
import type { GroupWithSquads, Principal } from '../../domain/org/org.service';
import type { Squad } from '../../persistence/entities';
import { SQUAD_KINDS } from '../../../workflows/shared/org';
import type { groupList, me, squadList } from '../schemas/responses/admin.response';
import { oneOf } from './narrow';

/** The organisation by code (SPEC §2): the brigade's squads and linkage groups, and who the caller is. */

export function presentSquadList(squads: Squad[], groups: GroupWithSquads[]): z.output<typeof squadList> {
  const groupCode = new Map(groups.map((g) => [g.group.id, g.group.code]));
  return {
    items: squads.map((s) => ({
      code: s.code,
      name: s.name,
      nameEn: s.nameEn,
      kind: oneOf(SQUAD_KINDS, s.kind),
      group: s.groupId !== null ? (groupCode.get(s.groupId) ?? null) : null,
      memberOrder: s.memberOrder,
      dutyStrength: s.dutyStrength,
      active: s.active,
    })),
  };
}

export function presentGroupList(groups: GroupWithSquads[]): z.output<typeof groupList> {
  return {
    items: groups.map(({ group, squads }) => ({
      code: group.code,
      name: group.name,
      nameEn: group.nameEn,
      active: group.active,
      squads: squads.map((s) => s.code),
    })),
  };
}

export function presentMe(p: Principal): z.output<typeof me> {
  return {
    username: p.username,
    displayName: p.displayName,
    roles: [...p.roles],
    brigade: p.brigadeCode,
    squad: p.squad?.code ?? null,
    timeZone: p.timeZone,
  };
}
