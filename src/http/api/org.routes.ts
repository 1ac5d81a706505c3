import { Router } from 'express';
import type { OrgService } from '../../domain/org/org.service';
import { signedIn } from '../signed-in';
import { presentGroupList, presentMe, presentSquadList } from '../presenters/org.presenter';

/** /api/v1/squads and /api/v1/groups: the organisation, by code (SPEC §2). */
export function orgApi(org: OrgService): Router {
  const r = Router();

  r.get('/squads', async (req, res) => {
    const brigadeId = signedIn(req).brigadeId;
    const [squads, groups] = await Promise.all([org.squads(brigadeId), org.groups(brigadeId)]);
    res.json(presentSquadList(squads, groups));
  });

  r.get('/groups', async (req, res) => {
    res.json(presentGroupList(await org.groups(signedIn(req).brigadeId)));
  });

  r.get('/me', (req, res) => {
    res.json(presentMe(signedIn(req)));
  });

  return r;
}
