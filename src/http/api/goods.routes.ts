import { Router } from 'express';
import type { GoodsEventInput } from '../../domain/goods/goods.inputs';
import type { Services } from '../../container';
import { presentCustody, presentGoods, presentGoodsRow, presentLedger } from '../presenters/goods.presenter';
import { presentHistory } from '../presenters/operation.presenter';
import { goodsEventSchema, listGoodsQuery, registerGoodsSchema } from '../schemas/goods.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

/** /api/v1/goods and /api/v1/operations/:id/goods (R13): validate → domain → present. */
export function goodsApi(services: Pick<Services, 'goods' | 'org'>): Router {
  const r = Router();
  const { goods } = services;

  r.post('/goods', async (req, res) => {
    const p = signedIn(req);
    const { operation, ...rest } = parseInput(registerGoodsSchema, req.body);
    const { partyId, itemIds } = await goods.register(p, { operationId: operation, ...rest });
    const items = await Promise.all(itemIds.map(async (id) => presentGoods(await goods.get(p, id), p.timeZone)));
    res.status(201).location(`/api/v1/operations/${operation}/goods`).json({ operation, party: partyId, items });
  });

  r.get('/goods', async (req, res) => {
    const p = signedIn(req);
    const page = await goods.list(p, parseInput(listGoodsQuery, req.query));
    res.json({
      items: page.items.map((i) => presentGoodsRow(i, page.squadById, p.timeZone, goods.lightOf(i))),
      nextCursor: page.nextCursor,
    });
  });

  r.get('/goods/:id', async (req, res) => {
    res.json(presentGoods(await goods.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  r.post('/goods/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(goodsEventSchema, req.body) as GoodsEventInput;
    const result = await goods.send(signedIn(req), id, event);
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/goods/:id/history', async (req, res) => {
    res.json(presentHistory(await goods.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  r.get('/goods/:id/custody', async (req, res) => {
    const p = signedIn(req);
    const periods = await goods.custody(p, idParam(req.params.id));
    const squads = await services.org.squads(p.brigadeId);
    res.json(presentCustody(periods, new Map(squads.map((s) => [s.id, s])), p.timeZone));
  });

  r.get('/operations/:id/goods', async (req, res) => {
    res.json(presentLedger(await goods.ledger(signedIn(req), idParam(req.params.id))));
  });

  return r;
}
