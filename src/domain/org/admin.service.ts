import { type EntityManager, In, Not } from 'typeorm';
import type { Config } from '../../../config';
import { ROLES, type Role } from '../../../workflows/shared/actor';
import { problem, type Problem } from '../../../workflows/shared/problem';
import type { Clock } from '../../clock';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { Brigade, LinkageGroup, SQUAD_KINDS, Squad, type SquadKind, User, UserRole } from '../../persistence/entities';
import { revokeTokensOfUser } from '../auth/auth.queries';
import { otherActiveAdmins } from './org.queries';
import { isUniqueViolation, lockRow } from '../../persistence/dialect';
import { CODE_PATTERN, type OrgService, type Principal, userFieldProblems } from './org.service';
import { addMonths, monthOf } from '../oversight/periods';
import { mayAdministerBrigade } from './org.policy';
import { hashPassword } from './password';
import { known } from '../../known';

/** Ends a user's web sessions; given a transaction's manager, inside that transaction. */
export interface UserSessions {
  destroyForUser(userId: number, m?: EntityManager): Promise<void>;
}

/** Who is asking: an administrator, and of which brigade. */
export type AdminActor = Pick<Principal, 'userId' | 'roles' | 'brigadeId' | 'brigadeCode'>;

export interface AdminUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  squad: { code: string; name: string; nameEn: string; active: boolean } | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUserInput {
  username: string;
  displayName: string;
  roles: string[];
  squad?: string | null;
  password: string;
}

/** A change to a user: only the fields given change. */
export interface UserPatch {
  displayName?: string;
  squad?: string | null;
  roles?: string[];
  active?: boolean;
}

export interface AdminSquad {
  id: number;
  code: string;
  name: string;
  nameEn: string;
  kind: SquadKind;
  dutyStrength: number;
  active: boolean;
  group: { code: string; name: string; nameEn: string } | null;
  memberOrder: number | null;
}

export interface NewSquadInput {
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  dutyStrength: number;
}

export interface SquadPatch {
  name?: string;
  nameEn?: string;
  kind?: string;
  dutyStrength?: number;
  active?: boolean;
}

export interface AdminGroup {
  id: number;
  code: string;
  name: string;
  nameEn: string;
  active: boolean;
  /** In member order (R9: conveners rotate in this order). */
  squads: AdminSquad[];
}

export interface NewGroupInput {
  code: string;
  name: string;
  nameEn: string;
  /** Squad codes in member order. */
  squads: string[];
}

export interface GroupPatch {
  name?: string;
  nameEn?: string;
  /** Squad codes in member order: the group's members become exactly these. */
  squads?: string[];
}

/** The brigade as any of its users reads it; `allowedActions`: what the reader may do to it (`update`: administrators). */
export interface BrigadeView {
  code: string;
  name: string;
  nameEn: string;
  timeZone: string;
  /** R6: the month (`YYYY-MM`) it began using Liandong; months before it are never judged. */
  since: string;
  createdAt: Date;
  allowedActions: Array<'update'>;
}

export interface BrigadePatch {
  since?: string;
}

/** Called after a brigade's `since` changed, with the months that have ended and are judged now, or no longer (R6: they are judged again). */
export type SinceChanged = (change: { brigadeId: number; months: string[]; by: number }) => Promise<void>;

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

const ROLE_ORDER = new Map<string, number>(ROLES.map((r, i) => [r, i]));
const byRoleOrder = (a: string, b: string) => (ROLE_ORDER.get(a) ?? 99) - (ROLE_ORDER.get(b) ?? 99);

/** A name field: required, at most 100 characters (the column's width). */
function nameProblem(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !value.trim()) return 'required';
  return value.trim().length > 100 ? 'too_big:100' : null;
}

/**
 * Administration (SPEC §2, `admin`): users, squads and linkage groups of the
 * administrator's own brigade. Every write is one transaction; every refusal
 * names the field. The admin role has no operational powers: nothing here
 * touches operations.
 */
export class AdminService {
  constructor(
    private readonly db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
    private readonly org: OrgService,
    private readonly sessions: UserSessions,
  ) {}

  private sinceChanged: SinceChanged | null = null;

  /** What happens once a brigade's `since` has changed (wired in the container: the monthly-minimum job judges the months it moved over). */
  onSinceChanged(listener: SinceChanged): void {
    this.sinceChanged = listener;
  }

  // ------------------------------------------------------------ the brigade

  /** The caller's own brigade (any signed-in user of it). */
  async brigade(actor: AdminActor): Promise<BrigadeView> {
    const b = await this.db.manager.findOneByOrFail(Brigade, { id: actor.brigadeId });
    return {
      code: b.code,
      name: b.name,
      nameEn: b.nameEn,
      timeZone: b.timeZone,
      since: b.since,
      createdAt: b.createdAt,
      allowedActions: this.mayAdminister(actor) ? ['update'] : [],
    };
  }

  /**
   * Sets the month the brigade began using Liandong (R6: months before it are
   * never judged): `YYYY-MM`, not after the month under way. The months it
   * moves over that have ended are judged again (their flags raised or
   * resolved), after the change commits.
   */
  async updateBrigade(admin: AdminActor, patch: BrigadePatch): Promise<BrigadeView> {
    this.assertAdmin(admin);
    const brigade = await this.db.manager.findOneByOrFail(Brigade, { id: admin.brigadeId });
    const current = monthOf(this.clock.now(), brigade.timeZone);
    const fields: Record<string, string> = {};
    if (patch.since !== undefined && (typeof patch.since !== 'string' || !MONTH_PATTERN.test(patch.since)))
      fields.since = 'invalid_month';
    else if (patch.since !== undefined && patch.since > current) fields.since = `month_in_future:${current}`;
    if (Object.keys(fields).length) throw new ValidationError('The brigade is not valid', fields);
    const before = await this.db.transaction(async (m) => {
      await this.lockBrigade(m, admin.brigadeId);
      const found = await m.findOneByOrFail(Brigade, { id: admin.brigadeId });
      if (patch.since !== undefined && patch.since !== found.since)
        await m.update(Brigade, { id: found.id }, { since: patch.since });
      return found.since;
    });
    if (patch.since !== undefined && patch.since !== before && this.sinceChanged) {
      // The months between the old and the new `since` that have ended: judged now, or no longer.
      const [from, to] = patch.since < before ? [patch.since, before] : [before, patch.since];
      const months: string[] = [];
      for (let mo = from; mo < to && mo < current; mo = addMonths(mo, 1)) months.push(mo);
      if (months.length) await this.sinceChanged({ brigadeId: admin.brigadeId, months, by: admin.userId });
    }
    return this.brigade(admin);
  }

  // ------------------------------------------------------------ users

  async users(admin: AdminActor): Promise<AdminUser[]> {
    this.assertAdmin(admin);
    const m = this.db.manager;
    const users = await m.find(User, { where: { brigadeId: admin.brigadeId }, order: { username: 'ASC' } });
    return this.presentUsers(m, admin.brigadeId, users);
  }

  async user(admin: AdminActor, username: string): Promise<AdminUser> {
    this.assertAdmin(admin);
    const user = await this.findUser(this.db.manager, admin, username);
    return (await this.presentUsers(this.db.manager, admin.brigadeId, [user]))[0];
  }

  /** Creates a user of the administrator's brigade, with the same checks as the CLI's `user create`. */
  async createUser(admin: AdminActor, input: NewUserInput): Promise<AdminUser> {
    this.assertAdmin(admin);
    const user = await this.org.createUser({ ...input, squad: input.squad ?? null, brigade: admin.brigadeCode });
    return this.user(admin, user.username);
  }

  /**
   * Changes a user's name, squad, roles or whether they may sign in. A user
   * cannot disable themselves, and the brigade keeps at least one active
   * administrator. Disabling ends the user's sessions.
   */
  async updateUser(admin: AdminActor, username: string, patch: UserPatch): Promise<AdminUser> {
    this.assertAdmin(admin);
    const fields = userFieldProblems({ displayName: patch.displayName, roles: patch.roles });
    if (patch.squad !== undefined && patch.squad !== null && !CODE_PATTERN.test(patch.squad))
      fields.squad = 'invalid_code';
    if (Object.keys(fields).length) throw new ValidationError('The user is not valid', fields);
    await this.db.transaction(async (m) => {
      await this.lockBrigade(m, admin.brigadeId);
      const user = await this.findUser(m, admin, username);
      const roles = (await m.find(UserRole, { where: { userId: user.id } })).map((r) => r.role);
      const nextRoles = patch.roles ? [...new Set(patch.roles)] : roles;
      let squadId = user.squadId;
      if (patch.squad !== undefined) {
        squadId = null;
        if (patch.squad !== null) {
          const squad = known(
            await this.org.resolveSquadCodes(admin.brigadeId, [patch.squad], 'squad', m),
            patch.squad,
            'squad',
          );
          // A squad no longer in use takes no new members; one who is already there may stay.
          if (!squad.active && squad.id !== user.squadId)
            throw new ValidationError(`Squad ${squad.code} is disabled`, { squad: `squad_disabled:${squad.code}` });
          squadId = squad.id;
        }
      }
      if (
        (patch.roles !== undefined || patch.squad !== undefined) &&
        nextRoles.includes('squad_leader') &&
        squadId === null
      ) {
        throw new ValidationError('A squad leader leads a squad', { squad: 'required_for_squad_leader' });
      }
      const active = patch.active ?? user.active;
      const problems: Problem[] = [];
      if (user.id === admin.userId && !active) problems.push(problem('own_account', 'active'));
      const losesAdmin = user.active && roles.includes('admin') && (!active || !nextRoles.includes('admin'));
      // (Disabling oneself is refused already, whatever else is true.)
      if (!problems.length && losesAdmin && (await otherActiveAdmins(m, admin.brigadeId, user.id)) === 0) {
        problems.push(problem('last_admin', !active ? 'active' : 'roles'));
      }
      if (problems.length) throw new RuleViolationError('The change is refused', problems);

      await m.update(
        User,
        { id: user.id },
        {
          displayName: patch.displayName !== undefined ? patch.displayName.trim() : user.displayName,
          squadId,
          active,
          updatedAt: this.clock.now(),
        },
      );
      if (patch.roles !== undefined && [...nextRoles].sort().join() !== [...roles].sort().join()) {
        await m.delete(UserRole, { userId: user.id });
        await m.insert(
          UserRole,
          nextRoles.map((role) => ({ userId: user.id, role })),
        );
      }
      // A disabled user is signed out everywhere, now rather than at their next request.
      // (Every request reads its user afresh: the change holds on the next one, on every instance.)
      if (user.active && !active) await this.sessions.destroyForUser(user.id, m);
    });
    return this.user(admin, username);
  }

  /**
   * Sets a new password: the old one stops working, every session of the user
   * ends and every API token of theirs is revoked, in one transaction (a reset
   * is what is done when credentials may have leaked).
   */
  async resetPassword(admin: AdminActor, username: string, password: string): Promise<void> {
    this.assertAdmin(admin);
    const fields = userFieldProblems({ password: typeof password === 'string' ? password : '' });
    if (Object.keys(fields).length) throw new ValidationError('The password is not valid', fields);
    const hash = await hashPassword(password, this.config.auth.scryptCost);
    await this.db.transaction(async (m) => {
      const user = await this.findUser(m, admin, username);
      const now = this.clock.now();
      await m.update(User, { id: user.id }, { passwordHash: hash, updatedAt: now });
      await this.sessions.destroyForUser(user.id, m);
      await revokeTokensOfUser(m, user.id, now);
    });
  }

  // ------------------------------------------------------------ squads

  async squads(admin: AdminActor): Promise<AdminSquad[]> {
    this.assertAdmin(admin);
    return this.presentSquads(this.db.manager, admin.brigadeId, await this.org.squads(admin.brigadeId));
  }

  async squad(admin: AdminActor, code: string): Promise<AdminSquad> {
    this.assertAdmin(admin);
    const squad = await this.findSquad(this.db.manager, admin, code);
    return (await this.presentSquads(this.db.manager, admin.brigadeId, [squad]))[0];
  }

  /** R2, R16: a new squad of one of the four kinds, with its duty strength; its code is unique in the brigade. */
  async createSquad(admin: AdminActor, input: NewSquadInput): Promise<AdminSquad> {
    this.assertAdmin(admin);
    const fields = this.squadFieldProblems(input);
    if (typeof input.code !== 'string' || !CODE_PATTERN.test(input.code)) fields.code = 'invalid_code';
    if (Object.keys(fields).length) throw new ValidationError('The squad is not valid', fields);
    const taken = () => new ConflictError(`Squad ${input.code} already exists`, 'code_taken', { code: 'taken' });
    try {
      await this.db.transaction(async (m) => {
        await this.lockBrigade(m, admin.brigadeId);
        if (await m.findOneBy(Squad, { brigadeId: admin.brigadeId, code: input.code })) throw taken();
        await m.insert(Squad, {
          brigadeId: admin.brigadeId,
          code: input.code,
          name: input.name.trim(),
          nameEn: input.nameEn.trim(),
          kind: input.kind as SquadKind,
          groupId: null,
          memberOrder: null,
          dutyStrength: input.dutyStrength,
          active: true,
          createdAt: this.clock.now(),
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
    return this.squad(admin, input.code);
  }

  /** Changes a squad's names, kind, duty strength, or whether it is in use. A squad in a linkage group stays in use (R3): take it out first. */
  async updateSquad(admin: AdminActor, code: string, patch: SquadPatch): Promise<AdminSquad> {
    this.assertAdmin(admin);
    const fields = this.squadFieldProblems(patch);
    if (Object.keys(fields).length) throw new ValidationError('The squad is not valid', fields);
    await this.db.transaction(async (m) => {
      await this.lockBrigade(m, admin.brigadeId);
      const squad = await this.findSquad(m, admin, code);
      if (patch.active === false && squad.groupId !== null) {
        const group = await m.findOneByOrFail(LinkageGroup, { id: squad.groupId });
        throw new RuleViolationError('A squad in a linkage group cannot be disabled', [
          problem('grouped_squad_disabled', 'active', 'R3', { group: group.code }),
        ]);
      }
      await m.update(
        Squad,
        { id: squad.id },
        {
          name: patch.name !== undefined ? patch.name.trim() : squad.name,
          nameEn: patch.nameEn !== undefined ? patch.nameEn.trim() : squad.nameEn,
          kind: (patch.kind as SquadKind | undefined) ?? squad.kind,
          dutyStrength: patch.dutyStrength ?? squad.dutyStrength,
          active: patch.active ?? squad.active,
        },
      );
    });
    return this.squad(admin, code);
  }

  // ------------------------------------------------------------ linkage groups

  async groups(admin: AdminActor): Promise<AdminGroup[]> {
    this.assertAdmin(admin);
    const m = this.db.manager;
    const groups = await m.find(LinkageGroup, { where: { brigadeId: admin.brigadeId }, order: { id: 'ASC' } });
    return this.presentGroups(m, admin.brigadeId, groups);
  }

  async group(admin: AdminActor, code: string): Promise<AdminGroup> {
    this.assertAdmin(admin);
    const group = await this.findGroup(this.db.manager, admin, code);
    return (await this.presentGroups(this.db.manager, admin.brigadeId, [group]))[0];
  }

  /** R3: a new linkage group of 3–4 neighbouring squads (configurable), in member order; none of them in another group. */
  async createGroup(admin: AdminActor, input: NewGroupInput): Promise<AdminGroup> {
    this.assertAdmin(admin);
    const fields = this.groupFieldProblems(input);
    if (typeof input.code !== 'string' || !CODE_PATTERN.test(input.code)) fields.code = 'invalid_code';
    if (!Array.isArray(input.squads)) fields.squads = 'required';
    if (Object.keys(fields).length) throw new ValidationError('The linkage group is not valid', fields);
    const taken = () =>
      new ConflictError(`Linkage group ${input.code} already exists`, 'code_taken', { code: 'taken' });
    try {
      await this.db.transaction(async (m) => {
        await this.lockBrigade(m, admin.brigadeId);
        if (await m.findOneBy(LinkageGroup, { brigadeId: admin.brigadeId, code: input.code })) throw taken();
        const members = await this.checkMembers(m, admin, null, input.squads);
        await m.insert(LinkageGroup, {
          brigadeId: admin.brigadeId,
          code: input.code,
          name: input.name.trim(),
          nameEn: input.nameEn.trim(),
          active: true,
          createdAt: this.clock.now(),
        });
        const group = await m.findOneByOrFail(LinkageGroup, { brigadeId: admin.brigadeId, code: input.code });
        await this.writeMembers(m, group.id, members);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
    return this.group(admin, input.code);
  }

  /** Renames a linkage group and/or sets its members in order (R3, R9). */
  async updateGroup(admin: AdminActor, code: string, patch: GroupPatch): Promise<AdminGroup> {
    this.assertAdmin(admin);
    const fields = this.groupFieldProblems(patch);
    if (Object.keys(fields).length) throw new ValidationError('The linkage group is not valid', fields);
    await this.db.transaction(async (m) => {
      await this.lockBrigade(m, admin.brigadeId);
      const group = await this.findGroup(m, admin, code);
      const members = patch.squads !== undefined ? await this.checkMembers(m, admin, group.id, patch.squads) : null;
      if (patch.name !== undefined || patch.nameEn !== undefined) {
        await m.update(
          LinkageGroup,
          { id: group.id },
          { name: patch.name?.trim() ?? group.name, nameEn: patch.nameEn?.trim() ?? group.nameEn },
        );
      }
      if (members) await this.writeMembers(m, group.id, members);
    });
    return this.group(admin, code);
  }

  /**
   * The squads a group's members will be, checked: codes of this brigade, each
   * once, in use, 3–4 of them (R3, configurable), none in another group (R3).
   */
  private async checkMembers(
    m: EntityManager,
    admin: AdminActor,
    groupId: number | null,
    codes: string[],
  ): Promise<Squad[]> {
    if (new Set(codes).size !== codes.length)
      throw new ValidationError('A squad is named twice', { squads: 'duplicate_squads' });
    const bad = codes.filter((c) => typeof c !== 'string' || !CODE_PATTERN.test(c));
    if (bad.length) throw new ValidationError('Not squad codes', { squads: `unknown_code:${bad.join(',')}` });
    const byCode = await this.org.resolveSquadCodes(admin.brigadeId, codes, 'squads', m);
    const squads = codes.map((c) => known(byCode, c, 'squad'));
    const disabled = squads.filter((s) => !s.active).map((s) => s.code);
    if (disabled.length)
      throw new ValidationError('Disabled squads', { squads: `squad_disabled:${disabled.join(',')}` });
    const problems: Problem[] = [];
    const { groupMinSquads: min, groupMaxSquads: max } = this.config.organisation;
    // R3: neighbouring squads form linkage groups of 3–4 squads.
    if (squads.length < min || squads.length > max)
      problems.push(problem('group_size', 'squads', 'R3', { min, max, actual: squads.length }));
    // R3: a squad belongs to at most one group.
    const elsewhere = squads.flatMap((s) =>
      s.groupId !== null && s.groupId !== groupId ? [{ code: s.code, groupId: s.groupId }] : [],
    );
    if (elsewhere.length) {
      const groups = new Map(
        (await m.find(LinkageGroup, { where: { id: In(elsewhere.map((s) => s.groupId)) } })).map((g) => [g.id, g.code]),
      );
      problems.push(
        problem('squad_in_other_group', 'squads', 'R3', {
          squads: elsewhere.map((s) => `${s.code} → ${groups.get(s.groupId)}`).join(', '),
        }),
      );
    }
    if (problems.length) throw new RuleViolationError('The linkage group is refused', problems);
    return squads;
  }

  /** Members in order 1..n (R9); squads no longer in the group leave it. */
  private async writeMembers(m: EntityManager, groupId: number, squads: Squad[]): Promise<void> {
    const keep = squads.map((s) => s.id);
    await m.update(Squad, keep.length ? { groupId, id: Not(In(keep)) } : { groupId }, {
      groupId: null,
      memberOrder: null,
    });
    for (const [i, s] of squads.entries()) await m.update(Squad, { id: s.id }, { groupId, memberOrder: i + 1 });
  }

  // ------------------------------------------------------------ helpers

  /** Whether the actor administers their brigade (users, squads, groups, the brigade's settings). */
  mayAdminister(actor: Pick<AdminActor, 'roles'>): boolean {
    return mayAdministerBrigade(actor);
  }

  /** Refuses anyone but an administrator (403). */
  assertAdmin(actor: AdminActor): void {
    if (!this.mayAdminister(actor)) throw new ForbiddenError('Only an administrator', 'admin_only');
  }

  /**
   * Serialises the administration of one brigade: the checks that span rows
   * (the last administrator, a squad in one group) hold under concurrent
   * administrators. SQLite's writes are serialised already (one connection).
   */
  private async lockBrigade(m: EntityManager, brigadeId: number): Promise<void> {
    await lockRow(m, 'brigades', brigadeId);
  }

  /** Another brigade's user is as unknown as one that does not exist. */
  private async findUser(m: EntityManager, admin: AdminActor, username: string): Promise<User> {
    const user = await m.findOneBy(User, { brigadeId: admin.brigadeId, username: String(username) });
    if (!user) throw new NotFoundError(`No user ${username}`);
    return user;
  }

  private async findSquad(m: EntityManager, admin: AdminActor, code: string): Promise<Squad> {
    const squad = await m.findOneBy(Squad, { brigadeId: admin.brigadeId, code: String(code) });
    if (!squad) throw new NotFoundError(`No squad ${code}`);
    return squad;
  }

  private async findGroup(m: EntityManager, admin: AdminActor, code: string): Promise<LinkageGroup> {
    const group = await m.findOneBy(LinkageGroup, { brigadeId: admin.brigadeId, code: String(code) });
    if (!group) throw new NotFoundError(`No linkage group ${code}`);
    return group;
  }

  private squadFieldProblems(input: Partial<NewSquadInput> & { active?: boolean }): Record<string, string> {
    const fields: Record<string, string> = {};
    const name = nameProblem(input.name);
    if (name) fields.name = name;
    const nameEn = nameProblem(input.nameEn);
    if (nameEn) fields.nameEn = nameEn;
    if (input.kind !== undefined && !(SQUAD_KINDS as readonly string[]).includes(input.kind))
      fields.kind = `invalid_value:${SQUAD_KINDS.join('|')}`;
    // R16: a squad has officers on duty; a handful typically (6–7).
    if (input.dutyStrength !== undefined && (!Number.isInteger(input.dutyStrength) || input.dutyStrength < 1))
      fields.dutyStrength = 'too_small:1';
    else if (input.dutyStrength !== undefined && input.dutyStrength > 1000) fields.dutyStrength = 'too_big:1000';
    return fields;
  }

  private groupFieldProblems(input: Partial<NewGroupInput>): Record<string, string> {
    const fields: Record<string, string> = {};
    const name = nameProblem(input.name);
    if (name) fields.name = name;
    const nameEn = nameProblem(input.nameEn);
    if (nameEn) fields.nameEn = nameEn;
    return fields;
  }

  private async presentUsers(m: EntityManager, brigadeId: number, users: User[]): Promise<AdminUser[]> {
    const ids = users.map((u) => u.id);
    const [roles, squads] = await Promise.all([
      ids.length ? m.find(UserRole, { where: { userId: In(ids) } }) : [],
      m.find(Squad, { where: { brigadeId } }),
    ]);
    const squadById = new Map(squads.map((s) => [s.id, s]));
    return users.map((u) => {
      const squad = u.squadId !== null ? squadById.get(u.squadId) : undefined;
      return {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        roles: roles
          .filter((r) => r.userId === u.id)
          .map((r) => r.role as Role)
          .sort(byRoleOrder),
        squad: squad ? { code: squad.code, name: squad.name, nameEn: squad.nameEn, active: squad.active } : null,
        active: u.active,
        createdAt: u.createdAt,
        updatedAt: u.updatedAt,
      };
    });
  }

  private async presentSquads(m: EntityManager, brigadeId: number, squads: Squad[]): Promise<AdminSquad[]> {
    const groups = new Map((await m.find(LinkageGroup, { where: { brigadeId } })).map((g) => [g.id, g]));
    return squads.map((s) => {
      const g = s.groupId !== null ? groups.get(s.groupId) : undefined;
      return {
        id: s.id,
        code: s.code,
        name: s.name,
        nameEn: s.nameEn,
        kind: s.kind,
        dutyStrength: s.dutyStrength,
        active: s.active,
        group: g ? { code: g.code, name: g.name, nameEn: g.nameEn } : null,
        memberOrder: s.memberOrder,
      };
    });
  }

  private async presentGroups(m: EntityManager, brigadeId: number, groups: LinkageGroup[]): Promise<AdminGroup[]> {
    const squads = await this.presentSquads(m, brigadeId, await this.org.squads(brigadeId, m));
    return groups.map((g) => ({
      id: g.id,
      code: g.code,
      name: g.name,
      nameEn: g.nameEn,
      active: g.active,
      squads: squads
        .filter((s) => s.group?.code === g.code)
        .sort((a, b) => (a.memberOrder ?? 0) - (b.memberOrder ?? 0)),
    }));
  }
}
