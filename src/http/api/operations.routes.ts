import { Router } from 'express';
import type { OperationService } from '../../domain/operations/operation.service';
import type { Clock } from '../../clock';
import type { EventInput } from '../../domain/operations/operation.inputs';
import { presentHistory, presentOperation, presentOperationPage } from '../presenters/operation.presenter';
import { createOperationSchema, eventSchema, listOperationsQuery, planPatchSchema } from '../schemas/operation.schema';
import { parseInput } from '../validate';
import { z } from 'zod';
import { idParam } from './params';
import { asSignedIn, signedIn } from '../signed-in';

const patchSchema = planPatchSchema.extend({ expectedVersion: z.int().min(1) });

/** /api/v1/operations (SPEC §6): validate → domain → present. */
export function operationsApi(operations: OperationService, clock: Clock): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const input = parseInput(createOperationSchema, req.body);
    // The token's principal as last read (api-auth.ts REUSED_ON): checked with the record's first row.
    const record = await asSignedIn(req, (actor) => operations.createAndGet(actor, input));
    res
      .status(201)
      .location(`/api/v1/operations/${record.operation.id}`)
      .json(presentOperation(record, signedIn(req).timeZone, clock.now()));
  });

  r.get('/', async (req, res) => {
    const q = parseInput(listOperationsQuery, req.query, { collapseIndexes: true });
    const page = await operations.list(signedIn(req), q);
    res.json(presentOperationPage(page, signedIn(req).timeZone, clock.now()));
  });

  r.get('/:id', async (req, res) => {
    const record = await operations.get(signedIn(req), idParam(req.params.id));
    res.json(presentOperation(record, signedIn(req).timeZone, clock.now()));
  });

  r.patch('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const { expectedVersion, ...plan } = parseInput(patchSchema, req.body);
    await operations.send(signedIn(req), id, { type: 'EDIT_PLAN', plan, expectedVersion });
    res.json(presentOperation(await operations.get(signedIn(req), id), signedIn(req).timeZone, clock.now()));
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(eventSchema, req.body) as EventInput;
    // The token's principal as last read (api-auth.ts REUSED_ON): checked with the step's writes.
    const result = await asSignedIn(req, (actor) => operations.send(actor, id, event));
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/:id/history', async (req, res) => {
    const { rows, verdict } = await operations.historyWithCheck(signedIn(req), idParam(req.params.id));
    // Whether the hash chain verifies: every step's hash over the previous one's and its own content.
    res.json({
      ...presentHistory(rows, signedIn(req).timeZone),
      verified: verdict.ok,
      firstBadSeq: verdict.firstBadSeq,
    });
  });

  return r;
}
