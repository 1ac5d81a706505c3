import { type NextFunction, type Request, type Response, Router } from 'express';
import type { AdminService } from '../../domain/org/admin.service';
import { presentBrigade, presentGroup, presentSquad, presentUser } from '../presenters/admin.presenter';
import {
  createGroupSchema,
  createSquadSchema,
  createUserSchema,
  resetPasswordSchema,
  updateBrigadeSchema,
  updateGroupSchema,
  updateSquadSchema,
  updateUserSchema,
} from '../schemas/admin.schema';
import { parseInput } from '../validate';
import { keyParam } from './params';
import { signedIn } from '../signed-in';

/** Administration (admin role): users, squads, linkage groups and settings of the caller's brigade. The domain checks the role. */
export function adminApi(admin: AdminService): Router {
  const r = Router();
  // The role first: a caller who may not administer learns nothing from how their body is wrong.
  const adminOnly = (req: Request, _res: Response, next: NextFunction) => {
    admin.assertAdmin(signedIn(req));
    next();
  };

  // Any signed-in user of the brigade reads it (and what they may do to it); administrators change it.
  r.get('/brigade', async (req, res) => {
    res.json(presentBrigade(await admin.brigade(signedIn(req))));
  });

  r.patch('/brigade', adminOnly, async (req, res) => {
    const patch = parseInput(updateBrigadeSchema, req.body);
    res.json(presentBrigade(await admin.updateBrigade(signedIn(req), patch)));
  });

  r.get('/users', adminOnly, async (req, res) => {
    res.json({ items: (await admin.users(signedIn(req))).map(presentUser) });
  });

  r.post('/users', adminOnly, async (req, res) => {
    const input = parseInput(createUserSchema, req.body);
    const user = await admin.createUser(signedIn(req), input);
    res
      .status(201)
      .location(`/api/v1/users/${encodeURIComponent(user.username)}`)
      .json(presentUser(user));
  });

  r.get('/users/:username', adminOnly, async (req, res) => {
    res.json(presentUser(await admin.user(signedIn(req), keyParam(req.params.username))));
  });

  r.patch('/users/:username', adminOnly, async (req, res) => {
    const patch = parseInput(updateUserSchema, req.body);
    res.json(presentUser(await admin.updateUser(signedIn(req), keyParam(req.params.username), patch)));
  });

  r.post('/users/:username/password', adminOnly, async (req, res) => {
    const { password } = parseInput(resetPasswordSchema, req.body);
    await admin.resetPassword(signedIn(req), keyParam(req.params.username), password);
    res.status(204).end();
  });

  r.post('/squads', adminOnly, async (req, res) => {
    const squad = await admin.createSquad(signedIn(req), parseInput(createSquadSchema, req.body));
    res.status(201).json(presentSquad(squad));
  });

  r.patch('/squads/:code', adminOnly, async (req, res) => {
    const patch = parseInput(updateSquadSchema, req.body);
    res.json(presentSquad(await admin.updateSquad(signedIn(req), keyParam(req.params.code), patch)));
  });

  r.post('/groups', adminOnly, async (req, res) => {
    const group = await admin.createGroup(signedIn(req), parseInput(createGroupSchema, req.body));
    res.status(201).json(presentGroup(group));
  });

  r.patch('/groups/:code', adminOnly, async (req, res) => {
    const patch = parseInput(updateGroupSchema, req.body);
    res.json(presentGroup(await admin.updateGroup(signedIn(req), keyParam(req.params.code), patch)));
  });

  return r;
}
