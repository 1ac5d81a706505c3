import { Router } from 'express';
import type { BorderNoticeEventInput, BorderNoticeService } from '../../domain/problems/border-notice.service';
import type { ProblemEventInput } from '../../domain/problems/hard-problem.inputs';
import type { HardProblemService } from '../../domain/problems/hard-problem.service';
import type { OrgService } from '../../domain/org/org.service';
import type { Clock } from '../../clock';
import { presentHistory } from '../presenters/operation.presenter';
import {
  presentDuplicates,
  presentNotice,
  presentNoticePage,
  presentProblem,
  presentProblemList,
} from '../presenters/problem.presenter';
import {
  duplicatesQuery,
  listNoticesQuery,
  listProblemsQuery,
  noticeEventSchema,
  problemEventSchema,
  reportProblemSchema,
  sendNoticeSchema,
} from '../schemas/problem.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

const squadMap = async (org: OrgService, brigadeId: number) =>
  new Map((await org.squads(brigadeId)).map((s) => [s.id, s]));

/** /api/v1/problems (§3.4, R7): validate → domain → present. */
export function problemsApi(problems: HardProblemService, org: OrgService, clock: Clock): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const { id, duplicates } = await problems.report(p, parseInput(reportProblemSchema, req.body));
    const squads = await squadMap(org, p.brigadeId);
    // Likely duplicates come back with the new problem: MERGE it into one, or (a resolved one) send REBOUND there instead.
    res
      .status(201)
      .location(`/api/v1/problems/${id}`)
      .json({
        ...presentProblem(await problems.get(p, id), p.timeZone, clock.now()),
        likelyDuplicates: presentDuplicates(duplicates, squads, p.timeZone),
      });
  });

  r.get('/', async (req, res) => {
    res.json(
      presentProblemList(
        await problems.list(signedIn(req), parseInput(listProblemsQuery, req.query)),
        signedIn(req).timeZone,
      ),
    );
  });

  r.get('/duplicates', async (req, res) => {
    const p = signedIn(req);
    const found = await problems.duplicates(p, parseInput(duplicatesQuery, req.query));
    res.json({ items: presentDuplicates(found, await squadMap(org, p.brigadeId), p.timeZone) });
  });

  r.get('/:id', async (req, res) => {
    res.json(
      presentProblem(await problems.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone, clock.now()),
    );
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(problemEventSchema, req.body) as ProblemEventInput;
    const result = await problems.send(signedIn(req), id, event);
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/:id/history', async (req, res) => {
    res.json(presentHistory(await problems.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  return r;
}

/** /api/v1/border-notices (R8). */
export function borderNoticesApi(notices: BorderNoticeService): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    const p = signedIn(req);
    const id = await notices.send(p, parseInput(sendNoticeSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/border-notices/${id}`)
      .json(presentNotice(await notices.get(p, id), p.timeZone));
  });

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    res.json(presentNoticePage(await notices.list(p, parseInput(listNoticesQuery, req.query)), p.timeZone));
  });

  r.get('/:id', async (req, res) => {
    res.json(presentNotice(await notices.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  /** The ad_hoc plan pre-filled from the notice (R8), to edit and send back with TO_PLAN. */
  r.get('/:id/plan-draft', async (req, res) => {
    res.json(await notices.planDraft(signedIn(req), idParam(req.params.id)));
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(noticeEventSchema, req.body) as BorderNoticeEventInput;
    const result = await notices.act(signedIn(req), id, event);
    res.json({ id, event: event.type, ...result });
  });

  r.get('/:id/history', async (req, res) => {
    res.json(presentHistory(await notices.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  return r;
}
