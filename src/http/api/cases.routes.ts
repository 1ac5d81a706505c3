import { Router } from 'express';
import type { Clock } from '../../clock';
import type { NewCaseInput, NewTransferInput, TransferEventInput } from '../../domain/cases/case.inputs';
import type { CaseService } from '../../domain/cases/case.service';
import { presentHistory } from '../presenters/operation.presenter';
import { presentCase, presentCaseSummary, presentTransfer, presentTransferSummary } from '../presenters/case.presenter';
import {
  createCaseSchema,
  createTransferSchema,
  listCasesQuery,
  listTransfersQuery,
  transferEventSchema,
} from '../schemas/case.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

/** /api/v1/cases (R10's light register): validate → domain → present. */
export function casesApi(cases: CaseService, clock: Clock): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const id = await cases.registerCase(p, parseInput(createCaseSchema, req.body) as NewCaseInput);
    res
      .status(201)
      .location(`/api/v1/cases/${id}`)
      .json(presentCase(await cases.getCase(p, id), clock.now(), p.timeZone));
  });

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const page = await cases.listCases(p, parseInput(listCasesQuery, req.query));
    res.json({
      items: page.items.map((c) => presentCaseSummary(c, page.squadById, page.transferById.get(c.id), p.timeZone)),
      nextCursor: page.nextCursor,
    });
  });

  r.get('/:id', async (req, res) => {
    const p = signedIn(req);
    res.json(presentCase(await cases.getCase(p, idParam(req.params.id)), clock.now(), p.timeZone));
  });

  return r;
}

/** /api/v1/transfers (R10): validate → domain → present. */
export function transfersApi(cases: CaseService): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const id = await cases.propose(p, parseInput(createTransferSchema, req.body) as NewTransferInput);
    res
      .status(201)
      .location(`/api/v1/transfers/${id}`)
      .json(presentTransfer(await cases.get(p, id), p.timeZone));
  });

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const page = await cases.list(p, parseInput(listTransfersQuery, req.query));
    res.json({
      items: page.items.map((t) =>
        presentTransferSummary(t, page.caseById.get(t.caseId), page.squadById, page.now, p.timeZone),
      ),
      nextCursor: page.nextCursor,
    });
  });

  r.get('/:id', async (req, res) => {
    res.json(presentTransfer(await cases.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(transferEventSchema, req.body) as TransferEventInput;
    const result = await cases.send(signedIn(req), id, event);
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/:id/history', async (req, res) => {
    res.json(presentHistory(await cases.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  return r;
}
