import type { Principal } from '../org/org.service';

/** Who may see and revoke which API tokens (one line per action, after Outline's policies). */

/** A token's owner, as far as the policy cares. */
export interface TokenOwner {
  userId: number;
  brigadeId: number;
}

/** An administrator manages the tokens of their brigade's users. */
const administers = (actor: Pick<Principal, 'roles' | 'brigadeId'>, owner: TokenOwner) =>
  actor.roles.includes('admin') && actor.brigadeId === owner.brigadeId;

/** Anyone lists and revokes their own tokens; an administrator those of the brigade's users. */
export const mayManageToken = (actor: Pick<Principal, 'userId' | 'roles' | 'brigadeId'>, owner: TokenOwner): boolean =>
  actor.userId === owner.userId || administers(actor, owner);

/** Whose tokens a list shows: the brigade's for an administrator, else one's own. */
export const tokenListScope = (
  actor: Pick<Principal, 'userId' | 'roles' | 'brigadeId'>,
): { brigadeId: number } | { userId: number } =>
  actor.roles.includes('admin') ? { brigadeId: actor.brigadeId } : { userId: actor.userId };
