import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Metrics } from '../metrics/metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /metrics` for Prometheus, only to `Authorization: Bearer <METRICS_TOKEN>`. Outside the API
 * (not under /api/v1, not in the OpenAPI document) and before the web pages' session, CSRF and
 * headers: a scraper has no cookie. A missing or wrong token is answered 401 with
 * `WWW-Authenticate: Bearer` — a scrape misconfigured shows as such in Prometheus' targets, not as a
 * path that vanished; that /metrics exists is no secret (it is off, 404, until a token is set). The
 * token is compared as SHA-256 digests in constant time (neither its characters nor its length leak
 * through timing).
 */
export function metricsRoutes(metrics: Metrics, token: string | undefined): express.Router {
  const router = express.Router();
  if (!token) {
    router.all('/metrics', (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('404 Not Found: metrics are off (METRICS_TOKEN is not set)\n');
    });
    return router;
  }
  const expected = digest(token);
  router.get('/metrics', async (req: Request, res: Response) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    res.setHeader('Cache-Control', 'no-store');
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).type('text/plain').send('401 Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    const text = await metrics.render();
    res.setHeader('Content-Type', metrics.contentType);
    res.send(text);
  });
  return router;
}
