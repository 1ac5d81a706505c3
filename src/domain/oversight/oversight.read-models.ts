import { type EntityManager, In } from 'typeorm';
import { type Flag, LinkageGroup, Squad, User } from '../../persistence/entities';

/** What a flag's sentence and link name: the brigade's groups and squads, and the users who resolved flags. */
export interface FlagNames {
  groups: Map<number, LinkageGroup>;
  squads: Map<number, Squad>;
  users: Map<number, User>;
}

/** The names `flags` speak of, in the brigade `brigadeId`. */
export async function flagNames(m: EntityManager, brigadeId: number, flags: readonly Flag[]): Promise<FlagNames> {
  const userIds = [...new Set(flags.map((f) => f.resolvedBy).filter((x): x is number => x !== null))];
  const [groups, squads, users] = await Promise.all([
    m.find(LinkageGroup, { where: { brigadeId } }),
    m.find(Squad, { where: { brigadeId } }),
    userIds.length ? m.find(User, { where: { id: In(userIds) } }) : Promise.resolve([] as User[]),
  ]);
  return {
    groups: new Map(groups.map((g) => [g.id, g])),
    squads: new Map(squads.map((s) => [s.id, s])),
    users: new Map(users.map((u) => [u.id, u])),
  };
}
