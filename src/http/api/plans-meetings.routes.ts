import { Router } from 'express';
import { z } from 'zod';
import type { GroupPlanEventInput } from '../../domain/plans/group-plan.inputs';
import type { GroupPlanService } from '../../domain/plans/group-plan.service';
import type { MeetingEventInput } from '../../domain/meetings/meeting.inputs';
import type { MeetingService } from '../../domain/meetings/meeting.service';
import type { OrgService } from '../../domain/org/org.service';
import {
  presentGroupPlan,
  presentGroupPlanList,
  presentMeeting,
  presentMeetingList,
  presentRotation,
} from '../presenters/plans-meetings.presenter';
import { presentHistory } from '../presenters/operation.presenter';
import {
  createGroupPlanSchema,
  groupPlanEventSchema,
  groupPlanPatchSchema,
  listGroupPlansQuery,
} from '../schemas/group-plan.schema';
import {
  createMeetingSchema,
  listMeetingsQuery,
  meetingEventSchema,
  meetingPatchSchema,
  rotationQuery,
} from '../schemas/meeting.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

const versioned = { expectedVersion: z.int().min(1) };

/** /api/v1/group-plans (R5): validate → domain → present. */
export function groupPlansApi(plans: GroupPlanService): Router {
  const r = Router();
  const patchSchema = groupPlanPatchSchema.extend(versioned);

  r.post('/', async (req, res) => {
    const id = await plans.create(signedIn(req), parseInput(createGroupPlanSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/group-plans/${id}`)
      .json(presentGroupPlan(await plans.get(signedIn(req), id), signedIn(req).timeZone));
  });

  r.get('/', async (req, res) => {
    const list = await plans.list(signedIn(req), parseInput(listGroupPlansQuery, req.query));
    res.json(presentGroupPlanList(list, signedIn(req).timeZone));
  });

  r.get('/:id', async (req, res) => {
    res.json(presentGroupPlan(await plans.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  r.patch('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const { expectedVersion, ...plan } = parseInput(patchSchema, req.body);
    await plans.send(signedIn(req), id, { type: 'EDIT_PLAN', plan, expectedVersion });
    res.json(presentGroupPlan(await plans.get(signedIn(req), id), signedIn(req).timeZone));
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(groupPlanEventSchema, req.body) as GroupPlanEventInput;
    const result = await plans.send(signedIn(req), id, event);
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/:id/history', async (req, res) => {
    res.json(presentHistory(await plans.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  return r;
}

/** /api/v1/meetings (R9): validate → domain → present. */
export function meetingsApi(meetings: MeetingService, org: OrgService): Router {
  const r = Router();
  const patchSchema = meetingPatchSchema.extend(versioned);

  r.post('/', async (req, res) => {
    const id = await meetings.create(signedIn(req), parseInput(createMeetingSchema, req.body));
    res
      .status(201)
      .location(`/api/v1/meetings/${id}`)
      .json(presentMeeting(await meetings.get(signedIn(req), id), signedIn(req).timeZone));
  });

  r.get('/', async (req, res) => {
    const list = await meetings.list(signedIn(req), parseInput(listMeetingsQuery, req.query));
    res.json(presentMeetingList(list, signedIn(req).timeZone));
  });

  r.get('/rotation', async (req, res) => {
    const p = signedIn(req);
    const { group } = parseInput(rotationQuery, req.query);
    const [rotation, squads] = await Promise.all([meetings.rotation(p, group), org.squads(p.brigadeId)]);
    res.json(presentRotation(rotation, new Map(squads.map((s) => [s.id, s])), p.timeZone));
  });

  r.get('/:id', async (req, res) => {
    res.json(presentMeeting(await meetings.get(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  r.patch('/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const { expectedVersion, ...meeting } = parseInput(patchSchema, req.body);
    await meetings.send(signedIn(req), id, { type: 'EDIT_MEETING', meeting, expectedVersion });
    res.json(presentMeeting(await meetings.get(signedIn(req), id), signedIn(req).timeZone));
  });

  r.post('/:id/events', async (req, res) => {
    const id = idParam(req.params.id);
    const event = parseInput(meetingEventSchema, req.body) as MeetingEventInput;
    const result = await meetings.send(signedIn(req), id, event);
    res.json({ id, event: event.type, state: result.state, version: result.version });
  });

  r.get('/:id/history', async (req, res) => {
    res.json(presentHistory(await meetings.history(signedIn(req), idParam(req.params.id)), signedIn(req).timeZone));
  });

  return r;
}
