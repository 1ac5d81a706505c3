import { Router } from 'express';
import type { Services } from '../../container';
import { fileIdParam, sendFile, sendThumbnail } from '../file-answer';
import { signedIn } from '../signed-in';

/**
 * /files/:id and /files/:id/thumbnail (issue 13): evidence files for the
 * signed-in user's pages (`<img src>`, a link to the full size). Readable as
 * through the API: by whoever may read a record the file is attached to.
 */
export function filePages(services: Pick<Services, 'files'>): Router {
  const r = Router();
  r.get('/:id', async (req, res) => {
    await sendFile(req, res, services.files, signedIn(req), fileIdParam(req.params.id));
  });
  r.get('/:id/thumbnail', async (req, res) => {
    await sendThumbnail(req, res, services.files, signedIn(req), fileIdParam(req.params.id));
  });
  return r;
}
