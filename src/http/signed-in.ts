import type { Request } from 'express';
import type { Principal } from '../domain/org/org.service';
import { AuthenticationError, CommitOutcomeUnknownError } from '../errors';

/**
 * Who sent the request: set by the authentication middleware (the API's bearer
 * token, the web's session) before any route runs. A route reached without one
 * is refused as unauthenticated (401) rather than trusted with a `!`.
 */
export function signedIn(req: Request): Principal {
  if (!req.principal) throw new AuthenticationError('Sign in first');
  return req.principal;
}

/**
 * Runs a command as the request's principal. One kept in memory (api-auth.ts REUSED_ON) is trusted for
 * nothing but work that then goes through — its steps check it with their writes (EngineActor.holds). Work
 * refused or failed with it, whatever the reason, has the principal read afresh: a revoked token or a
 * disabled user is then 401; a principal that changed since it was kept (a role taken away or given, another
 * squad) runs the work once more, so a refusal is always about the principal as it is; one that did not
 * change leaves the refusal as it was (it is what a read principal would have been told). Not after a COMMIT
 * of unknown outcome: it may be written.
 */
export async function asSignedIn<T>(req: Request, run: (principal: Principal) => Promise<T>): Promise<T> {
  const principal = signedIn(req);
  if (!principal.holds || !req.authenticateAgain) return run(principal);
  try {
    return await run(principal);
  } catch (e) {
    if (e instanceof CommitOutcomeUnknownError) throw e;
    const again = await req.authenticateAgain();
    if (!again.changed) throw e;
    return run(again.principal);
  }
}
