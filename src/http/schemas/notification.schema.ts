import { z } from 'zod';

/** `GET /api/v1/notifications`. */
export const listNotificationsQuery = z.strictObject({
  unread: z.enum(['0', '1', 'true', 'false']).optional().describe('1: only those not read yet'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size, default 50'),
});

/** `POST /api/v1/notifications/read-all`: everything, or only up to the newest one the caller has seen. */
export const readAllSchema = z.strictObject({
  upTo: z
    .int()
    .min(1)
    .optional()
    .describe(
      'Only notifications with this id or lower (`newestId` of the list the caller saw); one that arrived since stays unread',
    ),
});
