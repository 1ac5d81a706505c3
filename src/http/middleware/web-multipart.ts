import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * Why the photos of a multipart form were dropped (too large, too many), as a field problem code
       * (`photo_too_large:15`): the form's route refuses the post naming the photos field, with the rest of what was typed kept.
       */
      photosProblem?: string;
    }
  }
}

/** The field of a web form that carries evidence files (issue 13). */
export const PHOTOS_FIELD = 'photos';

export interface WebMultipartLimits {
  /** Bytes a file may have (files.maxBytes). */
  maxBytes: number;
  /** Files a form may carry. */
  maxFiles: number;
  /** Text fields a form may have (as the urlencoded parser's parameterLimit). */
  maxFields: number;
  /** Bytes a text field may have (as the urlencoded parser's limit). */
  maxFieldBytes: number;
}

/** A refusal of the body itself, answered as the urlencoded parser's are (web-errors.ts → translateParserError). */
function parserError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}

/**
 * Web forms with photos: `multipart/form-data` parsed into `req.body` (text
 * fields) and `req.files` (the `photos`, in memory, each at most maxBytes —
 * never more is buffered). Mounted after the session user is loaded and before
 * the CSRF check (which reads `_csrf` from the body). Only for a signed-in
 * user: an anonymous multipart post is not read at all (the CSRF check then
 * refuses it, having no token). Photos too large or too many do not end the
 * post: they are dropped and `req.photosProblem` says why, so the form comes
 * back with the error beside its photos field and what was typed before the
 * photos kept (browsers send the fields in the form's order: the photos field
 * comes last in every form).
 */
export function webMultipart(limits: WebMultipartLimits) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: limits.maxBytes,
      files: limits.maxFiles,
      fields: limits.maxFields,
      fieldSize: limits.maxFieldBytes,
      parts: limits.maxFields + limits.maxFiles,
      // As qs's defaults for the urlencoded forms: `results[3][officers]` and no deeper.
      fieldNestingDepth: 5,
      fieldArrayIndexLimit: 1000,
    },
  }).array(PHOTOS_FIELD, limits.maxFiles);

  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.is('multipart/form-data')) return next();
    if (!req.principal) return next();
    // As the urlencoded parser (`inflate: false`): a compressed body is refused, not inflated.
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity')
      return next(parserError(415, 'encoding.unsupported', `Unsupported content encoding ${encoding}`));
    upload(req, res, (err?: unknown) => {
      if (!err) return next();
      if (!(err instanceof multer.MulterError)) return next(err);
      switch (err.code) {
        case 'LIMIT_FILE_SIZE':
          req.photosProblem = `photo_too_large:${Math.max(1, Math.floor(limits.maxBytes / 1_048_576))}`;
          break;
        case 'LIMIT_FILE_COUNT':
          req.photosProblem = `too_many_photos:${limits.maxFiles}`;
          break;
        case 'LIMIT_UNEXPECTED_FILE':
          // More photos than maxFiles, or a file in a field that takes none.
          if (err.field !== PHOTOS_FIELD) return next(parserError(400, 'file.unexpected', `No files in ${err.field}`));
          req.photosProblem = `too_many_photos:${limits.maxFiles}`;
          break;
        case 'LIMIT_FIELD_COUNT':
        case 'LIMIT_PART_COUNT':
          return next(parserError(413, 'parameters.too.many', err.message));
        case 'LIMIT_FIELD_VALUE':
          return next(parserError(413, 'entity.too.large', err.message));
        default:
          return next(parserError(400, 'multipart.invalid', err.message));
      }
      // The photos are dropped (the ones read before the limit too): the user picks them again or fewer.
      req.files = [];
      next();
    });
  };
}

/** The photos a multipart form carried (none for a urlencoded one). */
export function photosOf(req: Request): Express.Multer.File[] {
  return Array.isArray(req.files) ? req.files.filter((f) => f.fieldname === PHOTOS_FIELD && f.size > 0) : [];
}
