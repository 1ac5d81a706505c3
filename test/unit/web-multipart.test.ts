import { PassThrough } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { photosOf, webMultipart } from '../../src/http/middleware/web-multipart';

/** Issue 13: the web's multipart forms — read only for a signed-in user, photos too large or too many dropped with the reason kept. */

const LIMITS = { maxBytes: 1000, maxFiles: 2, maxFields: 50, maxFieldBytes: 10_000 };
const BOUNDARY = 'liandong-test-boundary';

function multipart(parts: Array<{ name: string; value?: string; file?: { name: string; body: Buffer } }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.file
      ? `form-data; name="${p.name}"; filename="${p.file.name}"\r\nContent-Type: image/jpeg`
      : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(p.file ? p.file.body : Buffer.from(p.value ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A request as express hands it on: a stream with headers, `is`, and the session's user (or none). */
function requestOf(body: Buffer, signedIn: boolean) {
  const stream = new PassThrough();
  const req = Object.assign(stream, {
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(body.length) },
    principal: signedIn ? { userId: 1 } : undefined,
  }) as unknown as Request & PassThrough;
  // Only what the middleware asks: is this a multipart form?
  req.is = ((type: string) => (type === 'multipart/form-data' ? type : false)) as Request['is'];
  stream.end(body);
  return req;
}

function run(req: Request): Promise<unknown> {
  return new Promise((resolve) => webMultipart(LIMITS)(req, {} as Response, resolve as NextFunction));
}

const photo = (bytes: number) => ({ name: 'x.jpg', body: Buffer.alloc(bytes, 7) });

describe('the web’s multipart forms', () => {
  it('are not read for someone not signed in (the CSRF check then refuses them)', async () => {
    const req = requestOf(
      multipart([
        { name: '_csrf', value: 't' },
        { name: 'photos', file: photo(500) },
      ]),
      false,
    );
    expect(await run(req)).toBeUndefined();
    expect(req.body).toBeUndefined();
    // Nothing drew on the stream: every byte is still waiting in it.
    expect(req.readableFlowing).toBeNull();
    expect(req.readableLength).toBeGreaterThan(500);
  });

  it('give a signed-in user’s fields and photos', async () => {
    const req = requestOf(
      multipart([
        { name: '_csrf', value: 't' },
        { name: 'notes', value: '未见回潮' },
        { name: 'results[0][officers]', value: '3' },
        { name: 'photos', file: photo(500) },
        { name: 'photos', file: photo(10) },
      ]),
      true,
    );
    expect(await run(req)).toBeUndefined();
    expect({ ...req.body }).toMatchObject({ _csrf: 't', notes: '未见回潮' });
    expect(req.body.results[0].officers).toBe('3');
    expect(photosOf(req).map((f) => f.size)).toEqual([500, 10]);
    expect(req.photosProblem).toBeUndefined();
  });

  it('drop photos larger than files.maxBytes, keep the fields typed before them, and say why', async () => {
    const req = requestOf(
      multipart([
        { name: '_csrf', value: 't' },
        { name: 'notes', value: 'kept' },
        { name: 'photos', file: photo(1001) },
      ]),
      true,
    );
    expect(await run(req)).toBeUndefined();
    expect({ ...req.body }).toMatchObject({ _csrf: 't', notes: 'kept' });
    expect(photosOf(req)).toEqual([]);
    expect(req.photosProblem).toBe('photo_too_large:1');
  });

  it('drop photos beyond the number a form may carry', async () => {
    const req = requestOf(
      multipart([{ name: '_csrf', value: 't' }, ...[1, 2, 3].map(() => ({ name: 'photos', file: photo(10) }))]),
      true,
    );
    expect(await run(req)).toBeUndefined();
    expect(photosOf(req)).toEqual([]);
    expect(req.photosProblem).toBe('too_many_photos:2');
  });

  it('refuse a file in a field that takes none, and a compressed body', async () => {
    const other = requestOf(multipart([{ name: 'evil', file: photo(10) }]), true);
    expect(await run(other)).toMatchObject({ status: 400 });
    const zipped = requestOf(multipart([{ name: 'notes', value: 'x' }]), true);
    zipped.headers['content-encoding'] = 'gzip';
    expect(await run(zipped)).toMatchObject({ status: 415, type: 'encoding.unsupported' });
  });
});
