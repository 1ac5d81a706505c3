import type { Request } from 'express';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ValidationError } from '../../errors';
import { photosOf } from '../middleware/web-multipart';
import { keptFileIds } from './photos-field';

/** What a web form needs of the files service: storing one upload (the same as `POST /api/v1/files`). */
export interface EvidenceUploader {
  upload(p: Principal, content: Buffer, originalName?: string): Promise<{ id: string }>;
}

/** The files service and its size limit (files.maxBytes), as the forms' routes get them. */
export interface Evidence {
  files: EvidenceUploader;
  maxBytes: number;
}

/**
 * The evidence of a web form post (issue 13): each photo it carried uploaded
 * (the same service as `POST /api/v1/files`), its id added to the ids kept
 * from a refused post (`files`), and the lot written back into the body's
 * `files` — the form's route then sends them as the command's `files` (the
 * same command as the API), and if the command refuses, the form comes back
 * with these photos kept (ticked, with their thumbnails), so nobody takes them
 * again. A photo refused by the files service (too large, not a photo) is a
 * refusal naming the photos field; those uploaded before it are kept all the
 * same. Returns the ids.
 */
export async function receivePhotos(
  { files, maxBytes }: Evidence,
  p: Principal,
  req: Request,
  body: Record<string, unknown>,
): Promise<string[]> {
  const ids = keptFileIds(body.files);
  const photos = photosOf(req);
  // Read once: a refused form sent again carries the ids, not the photos.
  req.files = [];
  try {
    if (req.photosProblem) throw new ValidationError('Photos refused', { photos: req.photosProblem });
    for (const photo of photos) {
      try {
        ids.push((await files.upload(p, photo.buffer, photo.originalname)).id);
      } catch (e) {
        if (!(e instanceof AppError) || (e.status !== 413 && e.status !== 415)) throw e;
        throw new ValidationError(`Photo ${photo.originalname} refused`, {
          photos:
            e.status === 413 ? `photo_too_large:${megabytes(maxBytes)}` : `photo_unsupported:${photo.originalname}`,
        });
      }
    }
  } finally {
    body.files = ids;
  }
  return ids;
}

/** A size limit in MB as the forms say it (15 MB for 15 × 2²⁰ bytes). */
export const megabytes = (bytes: number) => Math.max(1, Math.floor(bytes / 1_048_576));
