import type { NextFunction, Request, Response } from 'express';
import {
  AppError,
  DatabaseUnavailableError,
  EventNotAcceptedError,
  ForbiddenError,
  StaleVersionError,
} from '../../errors';
import { describeFieldProblem, type Locale, t } from '../../i18n';
import type { Logger } from '../../logger';
import { isServerGone } from '../../persistence/failover-pool';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields: Record<string, string>;
    [extra: string]: unknown;
  };
}

/** A field as people call it: `holdingPlan` → 固守方案, `results.1.goodsDetained` → 战果（第 2 行）· 暂扣物品. */
export function fieldLabel(locale: Locale, field: string): string {
  const parts = field.split('.');
  const label = (name: string) => {
    const key = `field.${name}`;
    const text = t(locale, key);
    return text === key ? name : text;
  };
  const row = parts.find((x) => /^\d+$/.test(x));
  const last = parts[parts.length - 1];
  const head = label(parts[0]);
  if (row === undefined) return head;
  const line = t(locale, 'form.row', { n: Number(row) + 1 });
  return /^\d+$/.test(last) ? `${head}${line}` : `${head}${line} · ${label(last)}`;
}

/** Body-parser and similar errors carry a `type` and a `status`. */
interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  /** http-errors: true for a client error whose message may be shown. */
  expose?: boolean;
}

/** One error as the API answers it: `{"error": {"code", "message", "fields", …}}` in the caller's language. */
export function errorBody(err: AppError, locale: Locale, requestId: string): ErrorBody {
  const fields = Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [k, describeFieldProblem(locale, v)]));
  // A rule's problems carry their figures (`{min}` hours …): name each field with them.
  for (const p of err.problems) if (p.field) fields[p.field] = describeFieldProblem(locale, p.code, p.params);
  const body: ErrorBody = { error: { code: err.code, message: t(locale, `error.${err.code}`), fields, requestId } };
  // A value not among the choices: the message says so in words; the choices themselves (API values) are listed apart.
  const allowed = Object.entries(err.fields).filter(([, v]) => v.startsWith('invalid_value:'));
  if (allowed.length)
    body.error.allowed = Object.fromEntries(allowed.map(([k, v]) => [k, v.slice('invalid_value:'.length).split('|')]));
  if (err.problems.length) {
    body.error.problems = err.problems.map((p) => ({ ...p, message: describeFieldProblem(locale, p.code, p.params) }));
    // The summary names each field in words ("固守方案：必填"), never only the problem.
    const named = err.problems.map((p) => {
      const message = describeFieldProblem(locale, p.code, p.params);
      return p.field
        ? t(locale, 'form.field_problem', { field: fieldLabel(locale, p.field), problem: message })
        : message;
    });
    body.error.message = `${body.error.message}: ${named.join(locale === 'en' ? '; ' : '；')}`;
  }
  if (err instanceof ForbiddenError) {
    body.error.reason = err.reason;
    body.error.message = t(locale, `reason.${err.reason}`);
  }
  if (err instanceof StaleVersionError)
    Object.assign(body.error, { currentVersion: err.currentVersion, currentState: err.currentState });
  if (err instanceof EventNotAcceptedError)
    Object.assign(body.error, { event: err.event, currentState: err.currentState });
  return body;
}

/** Maps what Express's body parser throws onto our errors. */
export function translateParserError(err: unknown): { status: number; code: string } | null {
  const e = err as HttpishError;
  if (e?.type === 'entity.parse.failed') return { status: 400, code: 'malformed_json' };
  if (e?.type === 'entity.too.large') return { status: 413, code: 'payload_too_large' };
  // A compressed body (we take none: `inflate: false`) or an encoding we do not know.
  if (e?.type === 'encoding.unsupported') return { status: 415, code: 'unsupported_encoding' };
  if (e?.type === 'charset.unsupported') return { status: 400, code: 'unsupported_media_type' };
  if (e?.type === 'parameters.too.many') return { status: 413, code: 'too_many_fields' };
  // Anything else the parser refuses as the client's fault (an aborted body, a form nested too deep …) is a 400, never a 500.
  const status = e?.status ?? e?.statusCode;
  // (A path that does not decode, `%E0`, comes from the router as a URIError with status 400.)
  if ((e?.expose === true || err instanceof URIError) && typeof status === 'number' && status >= 400 && status < 500)
    return { status: 400, code: 'bad_request' };
  return null;
}

/**
 * An error as the handlers answer it: a database server that is gone (refused, lost, a cluster node not
 * ready) under a read is the same 503 database_unavailable a command ends with when no server answers
 * (Database.transaction) — the client's cue to try again shortly, not a 500.
 */
export function answerable(err: unknown): unknown {
  if (err instanceof AppError || !isServerGone(err)) return err;
  return new DatabaseUnavailableError(`The database did not answer: ${(err as Error)?.message ?? String(err)}`);
}

/** The API's one error handler (STYLE habit 4): typed errors as JSON, anything else a logged 500. */
export function apiErrorHandler(logger: Logger) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const err = answerable(thrown);
    const locale = req.locale ?? 'zh-CN';
    if (err instanceof AppError) {
      if (err.status >= 500)
        logger.error('server error', { requestId: req.requestId, method: req.method, path: req.path, err });
      if (err instanceof DatabaseUnavailableError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json(errorBody(err, locale, req.requestId));
      return;
    }
    const parser = translateParserError(err);
    if (parser) {
      res.status(parser.status).json({
        error: {
          code: parser.code,
          message: t(locale, `error.${parser.code}`),
          fields: {},
          requestId: req.requestId,
        },
      });
      return;
    }
    logger.error('unhandled error', { requestId: req.requestId, method: req.method, path: req.path, err });
    res.status(500).json({
      error: { code: 'internal', message: t(locale, 'error.internal'), fields: {}, requestId: req.requestId },
    });
  };
}
