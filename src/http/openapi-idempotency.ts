/**
 * Issue 13: the `Idempotency-Key` header every write of the API takes
 * (src/http/middleware/idempotency.ts), said once as a shared parameter and
 * added to every POST, PUT, PATCH and DELETE under /api/v1 with the answers
 * it adds: 400 (a malformed key), 409 (a request with the key is in
 * progress), 422 (the key was used for another request).
 */

const METHODS = ['post', 'put', 'patch', 'delete'];

export const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the write safe to send again (a client retrying after a lost answer, an offline queue). 1–200 printable ASCII ' +
    'characters, e.g. a UUID, new for each write. The first request with a key runs; its answer (2xx, 3xx or 4xx) is kept ' +
    'for you for 48 hours, and the same request sent again with the key gets that answer again — status, `Location`, ' +
    'body — with the header `Idempotent-Replayed: true`, writing nothing. The key with another request (another body, ' +
    'path or method) is refused with 422 `idempotency_key_reused`; while the first request still runs, 409 ' +
    '`idempotency_key_in_use` with `Retry-After`. A 5xx is not kept, nor a 409 write_conflict (nothing written): a retry with the key runs again. Keys are per user.',
  schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7e]+$' },
};

const IN_USE = 'or a request with this Idempotency-Key is in progress (idempotency_key_in_use, with Retry-After)';
const REUSED = 'or this Idempotency-Key was used for another request (idempotency_key_reused)';

interface Response {
  description: string;
  [k: string]: unknown;
}
interface Operation {
  parameters?: unknown[];
  responses: Record<string, Response>;
  [k: string]: unknown;
}

/** Adds the header and its answers to the document's writes (after asContract: each operation is its own object). */
export function documentIdempotency(
  doc: { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> },
  error: (description: string) => Response,
): void {
  doc.components.parameters = {
    ...(doc.components.parameters as Record<string, unknown> | undefined),
    IdempotencyKey: IDEMPOTENCY_PARAMETER,
  };
  const also = (op: Operation, status: string, words: string, alone: string) => {
    const given = op.responses[status];
    op.responses[status] = given ? { ...given, description: `${given.description}; ${words}` } : error(alone);
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
      also(
        op,
        '400',
        'or a malformed Idempotency-Key (invalid_idempotency_key)',
        'A malformed Idempotency-Key (invalid_idempotency_key)',
      );
      also(
        op,
        '409',
        IN_USE,
        `A request with this Idempotency-Key is in progress (idempotency_key_in_use, with Retry-After)`,
      );
      also(op, '422', REUSED, 'This Idempotency-Key was used for another request (idempotency_key_reused)');
    }
  }
}
