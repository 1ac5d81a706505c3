import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { pickLocale } from '../../i18n';

interface RouteLike {
  path?: unknown;
}

/**
 * Keeps, as `req.routePattern`, the pattern of the route that matched (mount path + route path):
 * the router sets `req.route` when it dispatches to a route, and `req.baseUrl` is then that router's
 * mount path. Read later (when the answer is sent) neither is reliable any more — an error unwinds
 * `baseUrl` to an outer router — so it is caught at that moment. Logs and metrics label requests by
 * this pattern, never by the raw URL with its ids. (Routers here are mounted on fixed paths; a mount
 * path with parameters would show its values in `baseUrl`.)
 */
function catchRoutePattern(req: Request): void {
  let route: RouteLike | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: RouteLike | undefined) {
      route = value;
      if (value && value.path !== undefined) {
        const path = `${req.baseUrl}${typeof value.path === 'string' ? value.path : String(value.path)}`;
        req.routePattern = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      }
    },
  });
}

/** A request id (echoed as X-Request-Id, logged with errors and with the request's log line) and the caller's language. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  req.requestId = given && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  req.locale = pickLocale(req.get('accept-language'));
  catchRoutePattern(req);
  next();
}
