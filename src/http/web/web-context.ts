import type { NextFunction, Request, Response } from 'express';
import type { OrgService, Principal } from '../../domain/org/org.service';
import type { Clock } from '../../clock';
import { AuthenticationError, ForbiddenError } from '../../errors';
import { DEFAULT_LOCALE, LOCALES, type Locale, pickLocale } from '../../i18n';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    signedInAt?: string;
  }
}

export const LANG_COOKIE = 'liandong.lang';

/** The language: the user's choice (a cookie), else the browser's, else Chinese. */
export function webLocale(req: Request, _res: Response, next: NextFunction): void {
  const chosen = parseCookie(req.headers.cookie ?? '', LANG_COOKIE);
  req.locale = (LOCALES as readonly string[]).includes(chosen ?? '')
    ? (chosen as Locale)
    : (pickLocale(req.get('accept-language')) ?? DEFAULT_LOCALE);
  next();
}

/** A cookie's value; one that does not decode (`%E0`) is no value (it answered 500 on every page, issue 11). */
function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Loads the signed-in user (if any) from the session, read afresh. A disabled
 * user's session ends, and so does one signed in longer ago than `maxAgeMs`
 * (auth.sessionMaxHours), however busy it has been.
 */
export function loadSessionUser(org: OrgService, clock: Clock, maxAgeMs: number) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const userId = req.session?.userId;
    if (userId) {
      const signedInAt = Date.parse(req.session.signedInAt ?? '');
      try {
        // A session without its sign-in time is as old as can be.
        if (!(clock.now().getTime() - signedInAt < maxAgeMs))
          throw new AuthenticationError('The session has ended (signed in too long ago)');
        req.principal = await org.principalForSession(userId);
      } catch (e) {
        if (!(e instanceof AuthenticationError)) throw e;
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      }
    }
    next();
  };
}

/** Pages for signed-in users: others are sent to sign in, and come back afterwards. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.principal) return next();
  if (req.method === 'GET') return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  throw new AuthenticationError('Sign in first');
}

/** Pages for those a domain policy lets in (e.g. `mayAdministerBrigade`); others are refused (403, "this page is for another post"). */
export function requirePolicy(may: (p: Principal) => boolean) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.principal && may(req.principal)) return next();
    throw new ForbiddenError('This page is for another post', 'role_required');
  };
}

/** A `next` address that stays on this site. */
export function safeNext(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}
