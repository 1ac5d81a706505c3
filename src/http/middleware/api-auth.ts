import type { NextFunction, Request, Response } from 'express';
import type { OrgService } from '../../domain/org/org.service';
import { AuthenticationError } from '../../errors';
import { feedScopeRefusal } from './hotline-feed';
import { IDEMPOTENCY_HEADER } from './idempotency';

/**
 * The requests answered with a token's principal as this process last read it (OrgService.authenticateToken's
 * `reuse`; issue 14: the read was a third of an event's round trips, and a sixth of a plan's create's, with a
 * fifth of the database's CPU for it): commands whose every write is in one transaction opened by a workflow
 * step or create, which checks the principal with its first write (EngineActor.holds: in the version bump, or
 * in the INSERT of the record's first row), whose route runs them with
 * `asSignedIn` (signed-in.ts), which reads the principal afresh when they are refused or fail. A route added
 * here must be both (test/security/principal-reuse.test.ts). Not a request with an Idempotency-Key: its
 * repeat is answered from the key's record before any route runs (idempotency.ts), with no step to check.
 */
const REUSED_ON: ReadonlyArray<{ method: string; path: RegExp }> = [
  { method: 'POST', path: /^\/operations\/\d+\/events$/ },
  { method: 'POST', path: /^\/operations$/ },
];

/** API callers authenticate with `Authorization: Bearer <token>` (SPEC §6). */
export function bearerAuth(org: OrgService) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AuthenticationError('Send Authorization: Bearer <token>');
    const token = match[1];
    const reuse =
      !req.get(IDEMPOTENCY_HEADER) && REUSED_ON.some((r) => r.method === req.method && r.path.test(req.path));
    req.principal = await org.authenticateToken(token, { reuse });
    if (reuse) {
      // As the request's own authentication would be: read, then scoped (hotlineFeedScope).
      const kept = req.principal;
      req.authenticateAgain = async () => {
        const again = await org.authenticateAgain(token, kept);
        const refusal = feedScopeRefusal(again.principal, req.path);
        if (refusal) throw refusal;
        req.principal = again.principal;
        return again;
      };
    }
    next();
  };
}
