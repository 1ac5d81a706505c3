import { type Request, Router } from 'express';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import { SignInThrottledError, type SignInService } from '../../domain/auth/sign-in.service';
import { AuthenticationError } from '../../errors';
import { LOCALES, t } from '../../i18n';
import { LANG_COOKIE, safeNext } from './web-context';

/** Sign-in, sign-out and the language switch. */
export function authPages(
  signIn: SignInService,
  config: Readonly<Config>,
  clock: Clock,
  generateToken: (req: never, overwrite?: boolean) => string,
): Router {
  const r = Router();
  // The demo's users are named where the demo is loaded; a password never is (not even the published demo one).
  const demo = config.demo.seedOnEmpty;
  // Secure cookies travel over HTTPS only: over plain HTTP signing in cannot work, and the page says why.
  const httpsRequired = (req: Request) => config.web.secureCookies && !req.secure;

  r.get('/login', (req, res) => {
    if (req.principal) return res.redirect(safeNext(req.query.next));
    res.render('auth/login', {
      pageTitle: t(req.locale, 'login.title'),
      next: safeNext(req.query.next),
      csrfToken: generateToken(req as never),
      demo,
      httpsRequired: httpsRequired(req),
      bodyClass: 'plain',
    });
  });

  r.post('/login', async (req, res) => {
    const username = String(req.body?.username ?? '').trim();
    const password = String(req.body?.password ?? '');
    const next = safeNext(req.body?.next);
    try {
      const principal = await signIn.signIn(username, password, req.ip ?? 'unknown');
      // A new session id at sign-in: a session fixed before sign-in is worth nothing after it.
      await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
      req.session.userId = principal.userId;
      // The session's absolute lifetime (auth.sessionMaxHours) runs from here.
      req.session.signedInAt = clock.now().toISOString();
      await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
      res.redirect(303, next);
    } catch (e) {
      if (!(e instanceof AuthenticationError) && !(e instanceof SignInThrottledError)) throw e;
      const error =
        e instanceof SignInThrottledError
          ? t(req.locale, 'login.throttled', { seconds: e.retryAfterSeconds })
          : t(req.locale, 'login.failed');
      if (e instanceof SignInThrottledError) res.setHeader('Retry-After', String(e.retryAfterSeconds));
      res.status(e instanceof SignInThrottledError ? 429 : 401).render('auth/login', {
        pageTitle: t(req.locale, 'login.title'),
        username,
        next,
        error,
        csrfToken: generateToken(req as never),
        demo,
        httpsRequired: httpsRequired(req),
        bodyClass: 'plain',
      });
    }
  });

  r.post('/logout', async (req, res) => {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('liandong.sid');
    res.redirect(303, '/login');
  });

  r.get('/lang/:locale', (req, res) => {
    const locale = (LOCALES as readonly string[]).includes(req.params.locale) ? req.params.locale : 'zh-CN';
    res.cookie(LANG_COOKIE, locale, {
      maxAge: 365 * 24 * 3_600_000,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.web.secureCookies,
    });
    res.redirect(303, safeNext(req.query.next));
  });

  return r;
}
