import type { z } from 'zod';
import type { brigade, group, squad, user } from '../schemas/responses/admin.response';
import type { AdminGroup, AdminSquad, AdminUser, BrigadeView } from '../../domain/org/admin.service';

/** A user as the API shows it: by username, squad by code; never the password hash. */
export function presentUser(u: AdminUser): z.output<typeof user> {
  return {
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    squad: u.squad?.code ?? null,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** A squad as `GET /api/v1/squads` shows it. */
export function presentSquad(s: AdminSquad): z.output<typeof squad> {
  return {
    code: s.code,
    name: s.name,
    nameEn: s.nameEn,
    kind: s.kind,
    group: s.group?.code ?? null,
    memberOrder: s.memberOrder,
    dutyStrength: s.dutyStrength,
    active: s.active,
  };
}

/** A linkage group as `GET /api/v1/groups` shows it: its squads' codes in member order. */
export function presentGroup(g: AdminGroup): z.output<typeof group> {
  return { code: g.code, name: g.name, nameEn: g.nameEn, active: g.active, squads: g.squads.map((s) => s.code) };
}

/** The brigade as `GET /api/v1/brigade` shows it. */
export function presentBrigade(b: BrigadeView): z.output<typeof brigade> {
  return {
    code: b.code,
    name: b.name,
    nameEn: b.nameEn,
    timeZone: b.timeZone,
    since: b.since,
    createdAt: b.createdAt.toISOString(),
    allowedActions: b.allowedActions,
  };
}
