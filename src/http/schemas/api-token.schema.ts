import { z } from 'zod';
import { USERNAME_PATTERN } from '../../domain/org/org.service';

/** `GET /api/v1/tokens`: one's own tokens; an administrator's, the brigade's (narrowed to one user with `user`). */
export const listTokensQuery = z.strictObject({
  user: z
    .string()
    .regex(USERNAME_PATTERN, 'invalid_username')
    .optional()
    .describe('Administrators: only this user’s tokens'),
});
