import type { NextFunction, Request, Response } from 'express';
import { AppError, DatabaseUnavailableError, ForbiddenError } from '../../errors';
import { t } from '../../i18n';
import type { Logger } from '../../logger';
import { answerable, translateParserError } from '../middleware/errors';
import { answerFor } from './locals';

/** The web's one error handler: a friendly page in the user's language, with the request id; nothing internal leaks. */
export function webErrorHandler(logger: Logger) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const err = answerable(thrown);
    const locale = req.locale ?? 'zh-CN';
    let status = 500;
    let message = t(locale, 'error.internal_page');
    const parserError = translateParserError(err);
    if ((err as { code?: string })?.code === 'EBADCSRFTOKEN') {
      status = 403;
      message = t(locale, 'error.csrf');
    } else if (err instanceof ForbiddenError) {
      status = 403;
      message = t(locale, `reason.${err.reason}`);
    } else if (err instanceof AppError) {
      status = err.status;
      if (err instanceof DatabaseUnavailableError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      message = t(locale, `error.${err.code}`);
      if (status >= 500)
        logger.error('server error', { requestId: req.requestId, method: req.method, path: req.path, err });
    } else if (parserError) {
      status = parserError.status;
      message = t(locale, `error.${parserError.code}`);
    } else {
      logger.error('unhandled error', { requestId: req.requestId, method: req.method, path: req.path, err });
    }
    if (status === 401 && req.method === 'GET')
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    // After a refused post, the language switch goes to the inbox: the post's address has no page.
    if (req.method !== 'GET' && req.method !== 'HEAD') answerFor(res, '/');
    res.status(status).render('errors/error', {
      pageTitle: t(
        locale,
        `error.heading_${[401, 403, 404, 429].includes(status) ? status : status >= 500 ? 500 : 400}`,
      ),
      heading: t(locale, `error.heading_${[401, 403, 404, 429].includes(status) ? status : status >= 500 ? 500 : 400}`),
      status,
      message,
    });
  };
}
