import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../container';
import { canonicalJson } from '../../engine/canonical-json';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError, ValidationError } from '../../errors';
import type { KeptAnswer } from '../../persistence/idempotency-store';
import { signedIn } from '../signed-in';
import type { ErrorBody } from './errors';

/**
 * `Idempotency-Key` on every write (issue 13): the API's POST/PUT/PATCH/DELETE
 * and the pages' form posts of a signed-in user. The first request with a key
 * runs and its answer (2xx, 3xx, 4xx) is kept per user for 48 h; a repeat of it
 * is given that answer again — `Idempotent-Replayed: true` — and writes nothing;
 * the key with another request is a 422, while the first still runs a 409 with
 * Retry-After. A 5xx is not kept, nor a 409 write_conflict (the key is given up, so a retry runs again).
 *
 * The request's fingerprint is its method, path and canonical body, and each
 * uploaded file's content (SHA-256) — never the raw multipart bytes, whose
 * boundary a browser draws anew for every send. A multipart body parsed before
 * this runs (the pages' forms with photos) counts at once. One parsed only by
 * its route (an API upload) cannot be judged here: the decision waits until the
 * route puts `idempotencyAfterParse` right after its parser (e.g. multer); a
 * multipart route without it runs without the key (and a warning is logged).
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A page's form carries its key in this hidden field when no script sets the header (a form sent twice). */
export const IDEMPOTENCY_FIELD = '_idempotency';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Printable ASCII, 1–200 characters (a UUID, a ULID, a client's own scheme). */
const KEY_PATTERN = /^[\x20-\x7e]{1,200}$/;
/** Form fields that are the form's machinery, not its content: never part of a fingerprint. */
const MACHINERY = new Set(['_csrf', IDEMPOTENCY_FIELD]);
/** The headers a replay gives again (a redirect's target, the body's type). */
const KEPT_HEADERS = ['location', 'content-type'];

type Gate = (req: Request, res: Response, next: NextFunction) => Promise<void>;
const DEFERRED = Symbol('idempotency.deferred');
type Deferrable = Request & { [DEFERRED]?: Gate };

/** What a route may read: the key of the request, and whether the answer is a replay. */
export interface IdempotencyLocals {
  key: string;
  replayed: boolean;
}

export interface IdempotencyOptions {
  /** `web`: the key may come from the hidden form field too. */
  source: 'api' | 'web';
}

/** The middleware, mounted after authentication and the body parsers (the key is the user's; the body is the request's). */
export function idempotency(services: Pick<Services, 'idempotency' | 'logger' | 'config'>, opts: IdempotencyOptions) {
  const { idempotency: store, logger, config } = services;
  const maxAnswerBytes = config.idempotency.maxAnswerBytes;

  /** The key of a request: the header, or (pages) the hidden field; null when none. */
  function keyOf(req: Request): string | null {
    const header = req.get(IDEMPOTENCY_HEADER);
    const body = req.body as Record<string, unknown> | undefined;
    const field = opts.source === 'web' && body && typeof body === 'object' ? body[IDEMPOTENCY_FIELD] : undefined;
    // The field is the form's machinery: no route sees it.
    if (field !== undefined && body) delete body[IDEMPOTENCY_FIELD];
    const key = header ?? (typeof field === 'string' && field !== '' ? field : undefined);
    if (key === undefined) return null;
    if (!KEY_PATTERN.test(key))
      throw new ValidationError(
        'Idempotency-Key: 1–200 printable ASCII characters',
        { [IDEMPOTENCY_HEADER]: 'invalid_idempotency_key' },
        'invalid_idempotency_key',
      );
    return key;
  }

  /** Decides on a request whose fingerprint is known: run it (keeping its answer), replay, or refuse. */
  async function gate(req: Request, res: Response, next: NextFunction, key: string, fingerprint: string) {
    const userId = signedIn(req).userId;
    const reservation = await store.reserve({
      userId,
      key,
      method: req.method,
      path: req.originalUrl,
      fingerprint,
    });
    switch (reservation.outcome) {
      case 'replay':
        res.locals.idempotency = { key, replayed: true } satisfies IdempotencyLocals;
        return replay(res, reservation.answer);
      case 'mismatch':
        throw new IdempotencyKeyReusedError(`${IDEMPOTENCY_HEADER} ${key} was used for another request`);
      case 'in_progress':
        res.setHeader('Retry-After', String(reservation.retryAfterSeconds));
        throw new IdempotencyKeyInUseError(
          `A request with ${IDEMPOTENCY_HEADER} ${key} is in progress`,
          reservation.retryAfterSeconds,
        );
      case 'reserved':
        res.locals.idempotency = { key, replayed: false } satisfies IdempotencyLocals;
        keepAnswer(res, async (answer) => {
          try {
            // A 5xx (or a thrown error ending in one) is the server's failure: the key is given up so a retry runs.
            // A refusal too large to keep wrote nothing either (commands are all-or-nothing): a retry runs again.
            // And a write_conflict: nothing was written and the answer says to try again — with this key too.
            if (
              answer.status >= 500 ||
              (answer.status >= 400 && answer.body.length > maxAnswerBytes) ||
              isWriteConflict(answer)
            )
              return await store.release(userId, key, reservation.claim);
            const kept = await store.complete(userId, key, reservation.claim, answer);
            if (!kept)
              logger.warn('idempotency key taken over before its answer was kept', { requestId: req.requestId });
          } catch (err) {
            // The answer stands whatever happens to the keeping; the key stays pending until taken over.
            logger.error('idempotency: the answer was not kept', { requestId: req.requestId, err });
          }
        });
        return next();
    }
  }

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!WRITES.has(req.method)) return next();
    if (req.is('multipart/form-data') && req.body === undefined) {
      // Not parsed yet (the API's uploads: the route parses its own body): the decision waits for idempotencyAfterParse.
      (req as Deferrable)[DEFERRED] = async (r, s, n) => {
        const key = keyOf(r);
        if (key === null) return n();
        await gate(r, s, n, key, await fingerprintOf(r, await fileDigests(r)));
      };
      res.on('finish', () => {
        if ((req as Deferrable)[DEFERRED] && req.get(IDEMPOTENCY_HEADER) !== undefined)
          logger.warn('idempotency: a multipart route without idempotencyAfterParse ran without its key', {
            requestId: req.requestId,
            path: req.originalUrl,
          });
      });
      return next();
    }
    const key = keyOf(req);
    if (key === null) return next();
    // A multipart form parsed already (the pages parse theirs before the CSRF check): its files count now.
    await gate(req, res, next, key, await fingerprintOf(req, await fileDigests(req)));
  };
}

/**
 * For a route whose body is multipart: put it right after the parser (multer),
 * so the key is decided on with the files' content in the fingerprint:
 * `r.post('/', upload.single('file'), idempotencyAfterParse, handler)`.
 */
export async function idempotencyAfterParse(req: Request, res: Response, next: NextFunction): Promise<void> {
  const gate = (req as Deferrable)[DEFERRED];
  if (!gate) return next();
  delete (req as Deferrable)[DEFERRED];
  await gate(req, res, next);
}

/** SHA-256 over method, path (with its query) and the body in canonical JSON, the form's machinery left out. */
async function fingerprintOf(req: Request, files: string[]): Promise<string> {
  const body: unknown = req.body;
  const content =
    body && typeof body === 'object' && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body).filter(([k]) => !MACHINERY.has(k)))
      : (body ?? null);
  return createHash('sha256')
    .update(`${req.method}\n${req.originalUrl}\n${canonicalJson(content)}\n${files.join(',')}`)
    .digest('hex');
}

interface UploadedFile {
  fieldname?: string;
  buffer?: Buffer;
  path?: string;
}

/** Each uploaded file (multer: `req.file`, `req.files` as a list or by field) as `field:sha256`, in order. */
async function fileDigests(req: Request): Promise<string[]> {
  const { file, files } = req as Request & {
    file?: UploadedFile;
    files?: UploadedFile[] | Record<string, UploadedFile[]>;
  };
  const all = [...(file ? [file] : []), ...(Array.isArray(files) ? files : Object.values(files ?? {}).flat())];
  const out: string[] = [];
  for (const f of all) out.push(`${f.fieldname ?? ''}:${await digestOf(f)}`);
  return out;
}

async function digestOf(f: UploadedFile): Promise<string> {
  const hash = createHash('sha256');
  if (f.buffer) return hash.update(f.buffer).digest('hex');
  if (f.path) {
    for await (const chunk of fs.createReadStream(f.path)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
  return hash.digest('hex');
}

/** Gives a kept answer again: its status, headers and body, marked as a replay. */
function replay(res: Response, answer: KeptAnswer): void {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader(REPLAYED_HEADER, 'true');
  res.setHeader('Content-Length', String(answer.body.length));
  res.end(answer.body);
}

type EndCallback = () => void;

/**
 * Holds the answer back until `keep` has stored it, then sends it: a client that
 * has the answer finds it kept (a retry right after is a replay, never a 409).
 */
/**
 * The API's 409 write_conflict (src/errors.ts): the command met concurrent writes each time it ran and wrote
 * nothing. (A page's form is rendered again with a new key, so only the API's JSON answer needs looking at.)
 * Not commit_outcome_unknown: that one may have been written, and its key keeps it.
 */
function isWriteConflict(answer: KeptAnswer): boolean {
  if (answer.status !== 409 || !answer.headers['content-type']?.includes('json')) return false;
  try {
    return (JSON.parse(answer.body.toString('utf8')) as ErrorBody).error?.code === 'write_conflict';
  } catch {
    return false;
  }
}

function keepAnswer(res: Response, keep: (answer: KeptAnswer) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const collect = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk === undefined || chunk === null) return;
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    else chunks.push(Buffer.from(String(chunk), encoding));
  };
  const write = res.write;
  const end = res.end;
  res.write = function (chunk: unknown, encoding?: unknown, cb?: unknown) {
    collect(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as EndCallback);
    return true;
  } as Response['write'];
  res.end = function (chunk?: unknown, encoding?: unknown, cb?: unknown) {
    if (typeof chunk === 'function') [chunk, cb] = [undefined, chunk];
    else if (typeof encoding === 'function') [encoding, cb] = [undefined, encoding];
    collect(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    res.write = write;
    res.end = end;
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = res.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const done = typeof cb === 'function' ? (cb as EndCallback) : undefined;
    const send = () => (end as (chunk: Buffer, cb?: EndCallback) => Response).call(res, body, done);
    void keep({ status: res.statusCode, headers, body }).finally(send);
    return res;
  } as Response['end'];
}
