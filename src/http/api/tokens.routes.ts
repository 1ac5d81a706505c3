import { Router } from 'express';
import type { ApiTokenService } from '../../domain/auth/api-token.service';
import { presentApiToken } from '../presenters/api-token.presenter';
import { listTokensQuery } from '../schemas/api-token.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

/** /api/v1/tokens: one's API tokens (an administrator: the brigade's) and revoking one. The domain decides whose. */
export function tokensApi(tokens: ApiTokenService): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const query = parseInput(listTokensQuery, req.query);
    res.json({ items: (await tokens.list(signedIn(req), { username: query.user })).map(presentApiToken) });
  });

  r.delete('/:id', async (req, res) => {
    await tokens.revoke(signedIn(req), idParam(req.params.id));
    res.status(204).end();
  });

  return r;
}
