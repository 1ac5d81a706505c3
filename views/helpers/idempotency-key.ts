import { randomUUID } from 'node:crypto';

/**
 * `{{idempotencyKey}}`: a fresh key each time it is written (issue 13), for a
 * form's hidden `_idempotency` field — the same form sent twice (a double tap,
 * no script) is written once (src/http/middleware/idempotency.ts).
 */
export function idempotencyKey(): string {
  return randomUUID();
}
