import { listTokensQuery } from './schemas/api-token.schema';
import { err, idParameter, queryParameters, ref } from './openapi-parts';

/** The OpenAPI part of API tokens' lifecycle: the list and revocation (tokens are issued with `npm run cli -- token`). */

const iso = (description: string) => ({ type: ['string', 'null'], format: 'date-time', description });

export function tokensSchemas(): Record<string, unknown> {
  return {
    ApiToken: {
      type: 'object',
      description: 'An API token: never the token itself nor its hash',
      required: ['id', 'user', 'label', 'tokenStart', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt', 'state'],
      properties: {
        id: { type: 'integer' },
        user: { type: 'string', description: 'Its owner’s username' },
        label: { type: 'string', description: 'What it is for, as given when issued (`--label`)' },
        tokenStart: { type: 'string', description: 'Its first characters, to recognise it' },
        createdAt: { type: 'string', format: 'date-time' },
        expiresAt: iso('Refused from then on (`--expires-days`); null: never expires'),
        lastUsedAt: iso('Its last use, to the minute (noted at most once a minute)'),
        revokedAt: iso('When it was revoked (DELETE, `token revoke`, or a password reset)'),
        state: { type: 'string', enum: ['active', 'expired', 'revoked'] },
      },
      additionalProperties: false,
    },
  };
}

export function tokensPaths(): Record<string, unknown> {
  return {
    '/api/v1/tokens': {
      get: {
        summary: 'Your API tokens, newest first; an administrator’s: those of every user of the brigade (`user` narrows it to one)',
        parameters: queryParameters(listTokensQuery),
        responses: {
          '200': {
            description: '`{items: [ApiToken]}`',
            content: { 'application/json': { schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('ApiToken') } } } } },
          },
          '400': err('Malformed query'),
          '401': err('No or bad credentials'),
        },
      },
    },
    '/api/v1/tokens/{id}': {
      parameters: [idParameter],
      delete: {
        summary: 'Revoke a token: yours, or (administrators) one of a user of your brigade. It is refused from the next request on, on every instance; revoking again changes nothing',
        responses: { '204': { description: 'Revoked' }, '401': err('No or bad credentials'), '404': err('No such token of yours (another’s is as unknown)') },
      },
    },
  };
}
