import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../../errors';

/** What the 12319 hotline feed may call: its problems (report, read, duplicates, a rebound) and the codes of squads and groups. */
const FEED_PATHS = [/^\/problems(\/|$)/, /^\/squads\/?$/, /^\/groups\/?$/];

/**
 * A system account whose only role is `hotline_feed` (R7: complaints from the
 * 12319 hotline) is refused everything else the API offers, before any route
 * runs; what it may do with problems the rules decide (hard-problem.rules.ts).
 */
export function hotlineFeedScope(req: Request, _res: Response, next: NextFunction): void {
  const roles = req.principal?.roles ?? [];
  if (roles.length && roles.every((r) => r === 'hotline_feed') && !FEED_PATHS.some((p) => p.test(req.path))) {
    throw new ForbiddenError('The hotline feed reports hotline complaints only', 'hotline_feed_reports_only');
  }
  next();
}

/** The hotline feed is a system account: it has no web pages at all. */
export function hotlineFeedNoWeb(req: Request, _res: Response, next: NextFunction): void {
  const roles = req.principal?.roles ?? [];
  if (roles.length && roles.every((r) => r === 'hotline_feed'))
    throw new ForbiddenError('The hotline feed has no web pages', 'hotline_feed_reports_only');
  next();
}
