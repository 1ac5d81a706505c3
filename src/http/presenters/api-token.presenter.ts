import type { z } from 'zod';
import type { apiToken } from '../schemas/responses/admin.response';
import type { ApiTokenView } from '../../domain/auth/api-token.service';

/** An API token as the API lists it: its owner by username; never the token or its hash. */
export function presentApiToken(t: ApiTokenView): z.output<typeof apiToken> {
  return {
    id: t.id,
    user: t.username,
    label: t.label,
    tokenStart: t.tokenStart,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    state: t.state,
  };
}
