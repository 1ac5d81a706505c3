import { Router } from 'express';
import type { OrgService } from '../../domain/org/org.service';
import { signedIn } from '../signed-in';

/** /api/v1/squads and /api/v1/groups: the organisation, by code (SPEC §2). */
export function orgApi(org: OrgService): Router {
  const r = Router();

  r.get('/squads', async (req, res) => {
    const brigadeId = signedIn(req).brigadeId;
    const [squads, groups] = await Promise.all([org.squads(brigadeId), org.groups(brigadeId)]);
    const groupCode = new Map(groups.map((g) => [g.group.id, g.group.code]));
    res.json({
      items: squads.map((s) => ({
        code: s.code,
        name: s.name,
        nameEn: s.nameEn,
        kind: s.kind,
        group: s.groupId !== null ? (groupCode.get(s.groupId) ?? null) : null,
        memberOrder: s.memberOrder,
        dutyStrength: s.dutyStrength,
        active: s.active,
      })),
    });
  });

  r.get('/groups', async (req, res) => {
    const groups = await org.groups(signedIn(req).brigadeId);
    res.json({
      items: groups.map(({ group, squads }) => ({
        code: group.code,
        name: group.name,
        nameEn: group.nameEn,
        active: group.active,
        squads: squads.map((s) => s.code),
      })),
    });
  });

  r.get('/me', (req, res) => {
    const p = signedIn(req);
    res.json({ username: p.username, displayName: p.displayName, roles: p.roles, brigade: p.brigadeCode, squad: p.squad?.code ?? null, timeZone: p.timeZone });
  });

  return r;
}
