import type { EntityManager } from 'typeorm';
import type { User } from '../../persistence/entities';
import { COMMANDER_ROLES } from './operation.policy';
import { activeUsersWithRoles } from './operations.queries';

/** R4: the brigade's active users who may be designated an operation's commander, by username. */
export async function eligibleCommanders(m: EntityManager, brigadeId: number): Promise<User[]> {
  return activeUsersWithRoles(m, brigadeId, COMMANDER_ROLES);
}
