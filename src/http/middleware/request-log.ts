import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics/metrics';

/** A request's label when no route answered it: by the path's first segment for static files, else one word (bounded labels). */
function unrouted(req: Request, status: number): string {
  if (req.path.startsWith('/static/')) return '/static/*';
  return status === 404 ? '(unmatched)' : '(middleware)';
}

/**
 * One log line per HTTP request, when its answer has gone (or the client went away): request id,
 * method, route pattern, status, duration, and who asked (brigade, user id and username — nothing of
 * their credentials: headers and bodies are never logged). The same request is timed in the metrics'
 * histogram by route pattern, method and status.
 */
export function requestLog(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const began = performance.now();
    metrics.httpInFlight.inc();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      metrics.httpInFlight.dec();
      const ms = performance.now() - began;
      // A client that went away before the answer was sent: no status was given to anyone.
      const aborted = !res.writableFinished;
      const status = aborted ? 499 : res.statusCode;
      const route = req.routePattern ?? unrouted(req, status);
      metrics.httpDuration.observe({ route, method: req.method, status: String(status) }, ms / 1000);
      const p = req.principal;
      const line: Record<string, unknown> = {
        requestId: req.requestId,
        method: req.method,
        route,
        status,
        ms: Math.round(ms * 10) / 10,
      };
      if (p) {
        line.brigade = p.brigadeCode;
        line.user = { id: p.userId, username: p.username };
      }
      if (aborted) line.aborted = true;
      if (status >= 500) logger.warn('request', line);
      else logger.info('request', line);
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}
