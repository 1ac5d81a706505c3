import express, { type NextFunction, type Request, type Response } from 'express';
import './http/types';
import type { Services } from './container';
import { operationsApi } from './http/api/operations.routes';
import { orgApi } from './http/api/org.routes';
import { adminApi } from './http/api/admin.routes';
import { oversightApi } from './http/api/oversight.routes';
import { incidentsApi } from './http/api/incidents.routes';
import { figuresApi } from './http/api/figures.routes';
import { notificationsApi } from './http/api/notifications.routes';
import { groupPlansApi, meetingsApi } from './http/api/plans-meetings.routes';
import { borderNoticesApi, problemsApi } from './http/api/problems.routes';
import { goodsApi } from './http/api/goods.routes';
import { casesApi, transfersApi } from './http/api/cases.routes';
import { tokensApi } from './http/api/tokens.routes';
import { filesApi } from './http/api/files.routes';
import { apiErrorHandler } from './http/middleware/errors';
import { bearerAuth } from './http/middleware/api-auth';
import { hotlineFeedScope } from './http/middleware/hotline-feed';
import { idempotency } from './http/middleware/idempotency';
import { requestContext } from './http/middleware/request-context';
import { requestLog } from './http/middleware/request-log';
import { metricsRoutes } from './http/metrics.routes';
import { jsonBodyGuard } from './http/middleware/body-guard';
import { openApiDocument } from './http/openapi';
import { NotFoundError, ValidationError } from './errors';
import { mountWeb } from './http/web/web';
import { useInputYears } from './http/schemas/common.schema';

export interface AppOptions {
  /** Signs session cookies (see src/persistence/session-secret.ts). */
  sessionSecret: string;
  /** Whether the instance is stopping (SIGTERM): /healthz answers 503 then, so a proxy sends it nothing new. */
  draining?: () => boolean;
}

/** Express's `trust proxy` for a TRUST_PROXY setting (validated in config/schema.ts): `none`, a hop count, or addresses and subnets. */
export function trustProxy(setting: string): boolean | number | string {
  if (setting === 'none') return false;
  return /^\d+$/.test(setting) ? Number(setting) : setting;
}

/** The Express application, without listening: the server and the tests use it in-process. */
export function buildApp(services: Services, opts: AppOptions): express.Express {
  const { config, db, org, operations, logger } = services;
  // Dates people send lie within the configured years (issue 11): the shared schema types read them.
  useInputYears(config.validation);
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: whose X-Forwarded-For / -Proto are believed (the client's address for the sign-in throttle; HTTPS for Secure cookies).
  app.set('trust proxy', trustProxy(config.web.trustProxy));
  app.use(requestContext);
  // Issue 15: a JSON log line and a histogram sample per request.
  app.use(requestLog(logger, services.metrics));
  // Stopping: each answer closes its connection, so no client sends another request on it.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (opts.draining?.()) res.setHeader('Connection', 'close');
    next();
  });

  app.get('/healthz', async (_req, res) => {
    if (opts.draining?.()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await db.dataSource.query('SELECT 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // Prometheus, with METRICS_TOKEN only. Without it /metrics is off: 404 to anyone, token or not (not the sign-in
  // page an unknown path sends a browser to — a scraper pointed at an instance without metrics should say so).
  app.use(metricsRoutes(services.metrics, config.metrics.token));

  // Made at its first request, not at start (about 100 ms of CPU that no first page needs); then kept.
  let openapi: Record<string, unknown> | null = null;
  app.get('/api/openapi.json', (_req, res) => {
    res.json((openapi ??= openApiDocument()));
  });

  const api = express.Router();
  // What the API answers is the caller's and of the moment: no browser or proxy keeps it (refusals included).
  api.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use((req: Request, _res: Response, next: NextFunction) => {
    // A body that is not JSON is refused rather than silently read as empty.
    // Issue 13: an evidence file is uploaded as multipart/form-data (its route reads it, after authentication).
    const upload = req.method === 'POST' && req.path === '/files' && req.is('multipart/form-data') !== false;
    if (
      !upload &&
      ['POST', 'PATCH', 'PUT'].includes(req.method) &&
      req.headers['content-length'] !== '0' &&
      req.is('application/json') === false
    ) {
      throw new ValidationError(
        'Send the body as application/json',
        { body: 'invalid_format:application/json' },
        'unsupported_media_type',
      );
    }
    next();
  });
  // A compressed body is refused (415) rather than inflated: nothing needs it, and bad compressed data answered 500 (issue 11).
  api.use(express.json({ limit: config.http.jsonBodyLimit, strict: false, inflate: false }));
  api.use(jsonBodyGuard);
  api.use(bearerAuth(org));
  api.use(hotlineFeedScope);
  // Issue 13: a write with an Idempotency-Key runs once per user and key; a repeat gets the same answer (after
  // authentication: keys are the user's; after the body parser: the body is part of the request's fingerprint).
  api.use(idempotency(services, { source: 'api' }));
  // The operations first: most requests are theirs (a phone's steps and checks), and each router mounted at '/'
  // before them is entered and each of its routes tried (no route of those three begins /operations).
  api.use('/operations', operationsApi(operations, services.clock));
  api.use('/', orgApi(org));
  api.use('/', adminApi(services.admin));
  api.use('/', oversightApi(services));
  api.use('/notifications', notificationsApi(services.notifications));
  api.use('/incidents', incidentsApi(services.incidents));
  api.use('/figures', figuresApi(services));
  api.use('/group-plans', groupPlansApi(services.groupPlans));
  api.use('/meetings', meetingsApi(services.meetings, org));
  api.use('/problems', problemsApi(services.problems, org, services.clock));
  api.use('/border-notices', borderNoticesApi(services.borderNotices));
  api.use('/', goodsApi(services));
  api.use('/cases', casesApi(services.cases, services.clock));
  api.use('/transfers', transfersApi(services.cases));
  api.use('/tokens', tokensApi(services.apiTokens));
  api.use('/files', filesApi(services));
  api.use((req: Request) => {
    throw new NotFoundError(`No API route ${req.method} ${req.path}`);
  });
  app.use('/api/v1', api, apiErrorHandler(logger));

  mountWeb(app, services, opts.sessionSecret);
  return app;
}
