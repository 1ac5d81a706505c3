import type { EntityManager } from 'typeorm';
import type { Operation, User } from '../../persistence/entities';
import { COMMANDER_ROLES } from './operation.policy';
import { type HoldingScope, activeUsersWithRoles, operationsInHolding } from './operations.queries';

/** R4: the brigade's active users who may be designated an operation's commander, by username. */
export async function eligibleCommanders(m: EntityManager, brigadeId: number): Promise<User[]> {
  return activeUsersWithRoles(m, brigadeId, COMMANDER_ROLES);
}

/** An operation in holding as the holding page lists it: the operation, and whether today's check is logged (R12). */
export interface HoldingItem {
  operation: Operation;
  /** The host squad has logged a check for today (the brigade's date). */
  checkedToday: boolean;
}

/** R12, R14: the operations in holding of a scope, each with whether today's holding check is in. */
export async function openHolding(
  m: EntityManager,
  brigadeId: number,
  scope: HoldingScope,
  today: string,
  take: number,
): Promise<HoldingItem[]> {
  const rows = await operationsInHolding(m, brigadeId, scope, take);
  return rows.map((operation) => ({
    operation,
    checkedToday: operation.lastHoldingCheckDate !== null && operation.lastHoldingCheckDate >= today,
  }));
}
