import express, { type NextFunction, type Request, type Response, Router } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import path from 'node:path';
import type { Services } from '../../container';
import { VIEWS_DIR } from '../../paths';
import { authPages } from './auth.routes';
import { inboxPages } from './inbox.routes';
import { signedInContext } from './signed-in-context';
import { baseLocals } from './locals';
import { operationPages } from './operations.routes';
import { oversightPages } from './oversight.routes';
import { jobsPages } from './jobs.routes';
import { incidentPages } from './incidents.routes';
import { annualPages, figuresPages } from './figures.routes';
import type { DatabaseSessionStore } from '../../persistence/session-store';
import { loadSessionUser, requirePolicy, requireUser, webLocale } from './web-context';
import { mayAdministerBrigade } from '../../domain/org/org.policy';
import { adminPages } from './admin.routes';
import { notificationPages } from './notifications.routes';
import { groupPlanPages } from './group-plans.routes';
import { meetingPages } from './meetings.routes';
import { borderNoticePages, problemPages } from './problems.routes';
import { goodsPages } from './goods.routes';
import { casePages, transferPages } from './transfers.routes';
import { webErrorHandler } from './web-errors';
import { hotlineFeedNoWeb } from '../middleware/hotline-feed';
import { formBodyGuard } from '../middleware/body-guard';
import { idempotency } from '../middleware/idempotency';
import { webMultipart } from '../middleware/web-multipart';
import { NotFoundError } from '../../errors';
import { useViews } from './view-engine';
import { holdingPages } from './holding.routes';
import { offlinePages } from './offline.routes';
import { filePages } from './files.routes';

export const SESSION_COOKIE = 'liandong.sid';

/** Fields a form may send (the plan form sends about 60). */
export const FORM_FIELDS_MAX = 2000;

/** Photos a form may carry at once (issue 13). */
export const FORM_PHOTOS_MAX = 10;

/** Bytes of a form's text (the urlencoded parser's limit; a multipart form's each text field). */
const FORM_TEXT_BYTES = 256 * 1024;

/** The web application: sessions, CSRF, security headers, server-rendered pages. */
export function mountWeb(app: express.Express, services: Services, secret: string): { store: DatabaseSessionStore } {
  const { config, logger } = services;
  useViews(app, { cache: config.env !== 'development' });

  const web = Router();
  web.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // blob: the previews of photos chosen for a form (evidence.js), before they are sent.
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      strictTransportSecurity: config.web.secureCookies,
    }),
  );
  web.use(
    '/static',
    express.static(path.join(VIEWS_DIR, 'public'), { maxAge: config.env === 'production' ? '1d' : 0, index: false }),
  );
  // Every page past the static files is someone's (or carries a form's token): no browser or proxy keeps it, print views included.
  web.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Issue 13: the service worker and its offline page, for everyone, before any session: they name no user, and
  // the worker's own requests for them never carry or set a session cookie (a rolling cookie set by a request that
  // crossed a sign-in would put back the session the sign-in replaced).
  web.use(offlinePages());
  // Forms: at most 2,000 fields (more is a 413), never compressed (415), and no key naming an object's built-in member (issue 11).
  web.use(
    express.urlencoded({ extended: true, limit: FORM_TEXT_BYTES, parameterLimit: FORM_FIELDS_MAX, inflate: false }),
  );
  web.use(formBodyGuard);
  const store = services.sessions;
  web.use(
    session({
      name: SESSION_COOKIE,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.web.secureCookies,
        maxAge: config.web.sessionIdleMinutes * 60_000,
      },
    }),
  );
  web.use(webLocale);
  web.use(loadSessionUser(services.org, services.clock, config.auth.sessionMaxHours * 3_600_000));
  web.use(baseLocals);
  // Forms with photos (issue 13): multipart, read only for a signed-in user and before the CSRF check (its token is a field).
  web.use(
    webMultipart({
      maxBytes: config.files.maxBytes,
      maxFiles: FORM_PHOTOS_MAX,
      maxFields: FORM_FIELDS_MAX,
      maxFieldBytes: FORM_TEXT_BYTES,
    }),
  );
  web.use((req: Request, res: Response, next: NextFunction) =>
    req.is('multipart/form-data') ? formBodyGuard(req, res, next) : next(),
  );
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) =>
      (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  web.use(csrfSynchronisedProtection);
  web.use((req: Request, res: Response, next: NextFunction) => {
    if (req.session) res.locals.csrfToken = generateToken(req);
    next();
  });
  web.use(authPages(services.signIn, config, services.clock, generateToken as never));
  web.use(requireUser);
  web.use(hotlineFeedNoWeb);
  web.use(signedInContext(services));
  // Issue 13: a signed-in user's form post with an Idempotency-Key (header, or the form's hidden field) runs once.
  web.use(idempotency(services, { source: 'web' }));
  web.use(inboxPages(services));
  web.use(holdingPages(services));
  web.use('/operations', operationPages(services));
  web.use(oversightPages(services));
  web.use(jobsPages(services));
  web.use('/incidents', incidentPages(services));
  web.use('/figures', annualPages(services), figuresPages(services));
  web.use('/notifications', notificationPages(services));
  web.use('/group-plans', groupPlanPages(services));
  web.use('/meetings', meetingPages(services));
  web.use('/problems', problemPages(services));
  web.use('/border-notices', borderNoticePages(services));
  web.use('/goods', goodsPages(services));
  web.use('/cases', casePages(services));
  web.use('/transfers', transferPages(services));
  web.use('/admin', requirePolicy(mayAdministerBrigade), adminPages(services));
  // Issue 13: evidence files and their thumbnails, for the pages' <img> and links.
  web.use('/files', filePages(services));
  web.use((req: Request) => {
    throw new NotFoundError(`No page ${req.path}`);
  });
  web.use(webErrorHandler(logger));
  app.use(web);
  return { store };
}
