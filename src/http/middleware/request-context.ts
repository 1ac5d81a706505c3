import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { pickLocale } from '../../i18n';

/** A request id (echoed as X-Request-Id, logged with errors) and the caller's language. */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  req.requestId = given && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  req.locale = pickLocale(req.get('accept-language'));
  next();
}
