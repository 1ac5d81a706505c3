import { type Request, type Response, Router } from 'express';
import multer from 'multer';
import type { Services } from '../../container';
import { PayloadTooLargeError, ValidationError } from '../../errors';
import { fileIdParam, sendFile, sendThumbnail } from '../file-answer';
import { presentStoredFile } from '../presenters/file.presenter';
import { signedIn } from '../signed-in';

/**
 * /api/v1/files (issue 13): upload an evidence file (multipart, field `file`),
 * read it back byte for byte, and its thumbnail. A step attaches files by
 * naming their ids in `files` (operation events, problems, notices, goods,
 * transfers).
 */
export function filesApi(services: Pick<Services, 'files' | 'config'>): Router {
  const r = Router();
  const max = services.config.files.maxBytes;
  // In memory, never more than the limit: multer stops reading a file at `fileSize` and refuses it (413).
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: max, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  }).single('file');
  const receive = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (!err) return resolve();
        const code = (err as { code?: string }).code;
        if (code === 'LIMIT_FILE_SIZE')
          return reject(
            new PayloadTooLargeError(`A file may be at most ${max} bytes`, { fields: { file: `too_big:${max}` } }),
          );
        if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT')
          return reject(new ValidationError('Send one file, in the field `file`', { file: 'required' }));
        if (typeof code === 'string' && code.startsWith('LIMIT_'))
          return reject(new ValidationError('Too many or too large form fields', { body: 'invalid_format:multipart' }));
        return reject(new ValidationError('A malformed multipart body', { body: 'invalid_format:multipart' }));
      });
    });

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    if (!req.is('multipart/form-data'))
      throw new ValidationError(
        'Send the file as multipart/form-data, field `file`',
        { body: 'invalid_format:multipart/form-data' },
        'unsupported_media_type',
      );
    await receive(req, res);
    if (!req.file) throw new ValidationError('Send the file in the field `file`', { file: 'required' });
    const stored = await services.files.upload(p, req.file.buffer, utf8Name(req.file.originalname));
    res.status(201).json(presentStoredFile(stored, p.timeZone));
  });
  r.get('/:id', async (req, res) => {
    await sendFile(req, res, services.files, signedIn(req), fileIdParam(req.params.id));
  });
  r.get('/:id/thumbnail', async (req, res) => {
    await sendThumbnail(req, res, services.files, signedIn(req), fileIdParam(req.params.id));
  });
  return r;
}

/** busboy hands a multipart file name over as Latin-1; a browser sends UTF-8 (照片.jpg): read it back as such when it is. */
function utf8Name(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const bytes = Buffer.from(name, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : name;
}
