import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../errors';
import { LinkageGroup, Squad } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import { squadIdsOfGroup } from './facts.queries';

/**
 * Whose figures: the brigade, one linkage group, or one squad. An operation
 * belongs to a scope when a squad of the scope took part in it; sums of
 * results take only the scope's squads' lines (so a brigade-led operation
 * across groups gives each group its own share). In SQL: facts.queries.ts.
 */
export type FigureScope = { brigadeId: number; timeZone: string } & (
  | { kind: 'brigade'; group?: undefined; squad?: undefined }
  | { kind: 'group'; group: LinkageGroup; squadIds: readonly number[]; squad?: undefined }
  | { kind: 'squad'; squad: Squad; group?: undefined }
);

export async function figureScope(
  m: EntityManager,
  p: Principal,
  opts: { group?: string; squad?: string },
): Promise<FigureScope> {
  const base = { brigadeId: p.brigadeId, timeZone: p.timeZone };
  if (opts.squad) {
    const squad = await m.findOneBy(Squad, { brigadeId: p.brigadeId, code: opts.squad });
    if (!squad) throw new NotFoundError(`No squad ${opts.squad}`);
    return { ...base, kind: 'squad', squad };
  }
  if (opts.group) {
    const group = await m.findOneBy(LinkageGroup, { brigadeId: p.brigadeId, code: opts.group });
    if (!group) throw new NotFoundError(`No group ${opts.group}`);
    return { ...base, kind: 'group', group, squadIds: await squadIdsOfGroup(m, group.id) };
  }
  return { ...base, kind: 'brigade' };
}

/** The brigade's own scope, each active linkage group's and each active squad's: what the `figures` job keeps. */
export async function everyScope(m: EntityManager, brigade: { id: number; timeZone: string }): Promise<FigureScope[]> {
  const base = { brigadeId: brigade.id, timeZone: brigade.timeZone };
  const groups = await m.find(LinkageGroup, { where: { brigadeId: brigade.id, active: true }, order: { id: 'ASC' } });
  // Every squad: a group's figures count the lines of its inactive squads too (as its kept months' key does).
  const squads = await m.find(Squad, { where: { brigadeId: brigade.id }, order: { id: 'ASC' } });
  return [
    { ...base, kind: 'brigade' },
    ...groups.map(
      (group): FigureScope => ({
        ...base,
        kind: 'group',
        group,
        squadIds: squads.filter((s) => s.groupId === group.id).map((s) => s.id),
      }),
    ),
    ...squads.filter((squad) => squad.active).map((squad): FigureScope => ({ ...base, kind: 'squad', squad })),
  ];
}
