import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../../domain/org/org.service';
import { ForbiddenError } from '../../errors';

/** What the 12319 hotline feed may call: its problems (report, read, duplicates, a rebound) and the codes of squads and groups. */
const FEED_PATHS = [/^\/problems(\/|$)/, /^\/squads\/?$/, /^\/groups\/?$/];

const feedOnly = (principal: Principal | undefined) => {
  const roles = principal?.roles ?? [];
  return roles.length > 0 && roles.every((r) => r === 'hotline_feed');
};

/** Why a principal may not call an API path (`path` under /api/v1), if it may not. */
export function feedScopeRefusal(principal: Principal | undefined, path: string): ForbiddenError | null {
  return feedOnly(principal) && !FEED_PATHS.some((p) => p.test(path))
    ? new ForbiddenError('The hotline feed reports hotline complaints only', 'hotline_feed_reports_only')
    : null;
}

/**
 * A system account whose only role is `hotline_feed` (R7: complaints from the
 * 12319 hotline) is refused everything else the API offers, before any route
 * runs; what it may do with problems the rules decide (hard-problem.rules.ts).
 */
export function hotlineFeedScope(req: Request, _res: Response, next: NextFunction): void {
  const refusal = feedScopeRefusal(req.principal, req.path);
  if (refusal) throw refusal;
  next();
}

/** The hotline feed is a system account: it has no web pages at all. */
export function hotlineFeedNoWeb(req: Request, _res: Response, next: NextFunction): void {
  if (feedOnly(req.principal))
    throw new ForbiddenError('The hotline feed has no web pages', 'hotline_feed_reports_only');
  next();
}
