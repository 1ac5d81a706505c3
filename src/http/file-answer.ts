import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { FilesService } from '../domain/files/files.service';
import type { Principal } from '../domain/org/org.service';
import { NotFoundError } from '../errors';

/**
 * Answers with an evidence file (the API's `GET /files/:id` and the web's
 * `/files/:id`): the original bytes, byte for byte, with the type judged at
 * upload, the SHA-256 as ETag and the caller's own cache only (`private`):
 * who may read a file is asked on every request that reaches the server.
 */

/** A file id from the path: a UUID, or no such file. */
export function fileIdParam(value: string | string[] | undefined): string {
  const s = Array.isArray(value) ? value[0] : value;
  if (!s || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s))
    throw new NotFoundError(`No file ${s}`);
  return s;
}

const CACHE = 'private, max-age=3600';

function notModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', CACHE);
  const seen = req.headers['if-none-match'];
  if (seen && seen.split(',').some((v) => v.trim() === etag || v.trim() === `W/${etag}`)) {
    res.status(304).end();
    return true;
  }
  return false;
}

/** `filename*` as RFC 6266 has it (UTF-8, percent-encoded), with a plain ASCII `filename` beside it. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
};

export async function sendFile(
  req: Request,
  res: Response,
  files: Pick<FilesService, 'open'>,
  p: Principal,
  id: string,
): Promise<void> {
  const { file, body } = await files.open(p, id);
  const etag = `"${file.sha256}"`;
  if (notModified(req, res, etag)) {
    if ('destroy' in body) body.destroy();
    return;
  }
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(file.bytes));
  res.setHeader(
    'Content-Disposition',
    disposition('inline', file.originalName ?? `${file.sha256.slice(0, 12)}.${EXTENSION[file.contentType] ?? 'bin'}`),
  );
  if (Buffer.isBuffer(body)) res.end(body);
  else await pipeline(body, res);
}

export async function sendThumbnail(
  req: Request,
  res: Response,
  files: Pick<FilesService, 'thumbnail'>,
  p: Principal,
  id: string,
): Promise<void> {
  const thumb = await files.thumbnail(p, id);
  const etag = `"${thumb.sha256}-thumb"`;
  if (notModified(req, res, etag)) return;
  res.setHeader('Content-Type', thumb.contentType);
  res.setHeader('Content-Length', String(thumb.body.length));
  res.end(thumb.body);
}
