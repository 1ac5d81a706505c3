import type { EntityManager } from 'typeorm';
import { User, UserRole } from '../../persistence/entities';
import { COMMANDER_ROLES } from './operation.policy';

/** R4: the brigade's active users who may be designated an operation's commander, by username. */
export async function eligibleCommanders(m: EntityManager, brigadeId: number): Promise<User[]> {
  return m
    .createQueryBuilder(User, 'u')
    .innerJoin(UserRole, 'r', 'r.user_id = u.id AND r.role IN (:...roles)', { roles: [...COMMANDER_ROLES] })
    .where('u.brigade_id = :b AND u.active = :a', { b: brigadeId, a: true })
    .orderBy('u.username', 'ASC')
    .getMany();
}
