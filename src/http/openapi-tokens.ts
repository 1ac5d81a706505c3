import { listTokensQuery } from './schemas/api-token.schema';
import { err, idParameter, queryParameters } from './openapi-parts';
import { ok } from './openapi-responses';

/** The OpenAPI part of API tokens' lifecycle: the list and revocation (tokens are issued with `npm run cli -- token`). */

export function tokensSchemas(): Record<string, unknown> {
  return {};
}

export function tokensPaths(): Record<string, unknown> {
  return {
    '/api/v1/tokens': {
      get: {
        summary:
          'Your API tokens, newest first; an administrator’s: those of every user of the brigade (`user` narrows it to one)',
        parameters: queryParameters(listTokensQuery),
        responses: {
          '200': ok('The tokens', 'ApiTokenList'),
          '400': err('Malformed query'),
          '401': err('No or bad credentials'),
        },
      },
    },
    '/api/v1/tokens/{id}': {
      parameters: [idParameter],
      delete: {
        summary:
          'Revoke a token: yours, or (administrators) one of a user of your brigade. It is refused from the next request on, on every instance; revoking again changes nothing',
        responses: {
          '204': { description: 'Revoked (no content)' },
          '401': err('No or bad credentials'),
          '404': err('No such token of yours (another’s is as unknown)'),
        },
      },
    },
  };
}
