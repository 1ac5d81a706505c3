import { z } from 'zod';
import { instant } from './common.response';

/** Issue 13: evidence files as the API answers them. */

const location = z
  .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
  .describe('Where the photo was taken (EXIF GPS), degrees (WGS 84 as the camera records it)');

/** What an upload answers: the file as stored. */
export const storedFile = z.strictObject({
  id: z.uuid(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 (hex) of the bytes; the ETag of `GET /files/{id}`'),
  bytes: z.int().min(1),
  contentType: z
    .enum(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'])
    .describe('Judged from the content, never from the name or the declared type'),
  width: z.int().min(1).optional().describe('Photos: as seen (EXIF orientation applied)'),
  height: z.int().min(1).optional(),
  takenAt: instant
    .optional()
    .describe('Photos: EXIF DateTimeOriginal (brigade time unless the photo names its offset)'),
  location: location.optional(),
});

/** A file attached to a record, in a record's answer (`files`). */
export const attachedFile = storedFile.extend({
  originalName: z.string().optional(),
  step: z.int().min(1).optional().describe('The history step (`seq`) that attached it'),
  eventType: z.string().optional().describe('The event of that step, e.g. LOG_HOLDING_CHECK'),
  attachedAt: instant.describe('When the step happened'),
  takenLongBefore: z
    .boolean()
    .describe('The photo was taken more than `files.takenLongBeforeHours` (24 h) before the step it is attached to'),
});

export const attachedFiles = z.array(attachedFile);
