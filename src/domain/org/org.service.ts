import { createHash, randomBytes } from 'node:crypto';
import { type EntityManager, In } from 'typeorm';
import type { Config } from '../../../config';
import { ROLES, type Role } from '../../../workflows/shared/actor';
import type { Clock } from '../../clock';
import type { EngineActor } from '../../engine/workflow-definition';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import { asDatetimeColumn, readDate } from '../../persistence/sql';
import { isUniqueViolation } from '../../persistence/dialect';
import { ApiToken, Brigade, LinkageGroup, Squad, User, UserRole } from '../../persistence/entities';
import { monthOf } from '../oversight/periods';
import { type PrincipalRow, principalHolds, principalRow, squadsByCodes, tokenPrincipalRow } from './org.queries';
import { noteTokenUsed } from '../auth/auth.queries';
import { hashPassword, verifyPassword } from './password';
import { REFERENCE_BRIGADE, REFERENCE_GROUPS, REFERENCE_UNGROUPED, demoUsers } from './reference-organisation';
import { known } from '../../known';

/** A signed-in user as the rest of the code sees them. */
export interface Principal extends EngineActor {
  userId: number;
  username: string;
  displayName: string;
  brigadeCode: string;
  /** The user's squad, if they have one; `groupId`: its linkage group (R3), if the squad is in use and in one. */
  squad: { code: string; name: string; nameEn: string; groupId: number | null } | null;
}

export interface GroupWithSquads {
  group: LinkageGroup;
  squads: Squad[];
}

export interface NewUser {
  username: string;
  displayName: string;
  roles: string[];
  squad?: string | null;
  password: string;
  brigade?: string;
  /**
   * Makes `brigade` (its code) as well, with these names, when it does not
   * exist yet: the first administrator of a new database or a new district.
   */
  newBrigade?: { name: string; nameEn?: string };
}

/** A sign-in name: 2–64 lower-case letters, digits or `. _ -`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** A squad or group code (stable; tools and URLs use it): lower-case letters, digits and `-`, at most 40. */
export const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * What is wrong with a user's fields, as `field → problem code`. Checks only the
 * fields given, so a change of one field is checked the same way as a new user.
 */
export function userFieldProblems(input: {
  username?: string;
  displayName?: string;
  roles?: string[];
  password?: string;
}): Record<string, string> {
  const fields: Record<string, string> = {};
  if (input.username !== undefined && !USERNAME_PATTERN.test(input.username)) fields.username = 'invalid_username';
  if (input.displayName !== undefined) {
    if (!input.displayName.trim()) fields.displayName = 'required';
    else if (input.displayName.trim().length > 100) fields.displayName = 'too_big:100';
  }
  if (input.roles !== undefined) {
    const badRoles = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (!input.roles.length) fields.roles = 'required';
    else if (badRoles.length) fields.roles = `unknown_role:${badRoles.join(',')}`;
  }
  if (input.password !== undefined && input.password.length < 8) fields.password = 'too_short';
  return fields;
}

/** A new brigade (issue 11, finding 4: `npm run cli -- brigade create`). */
export interface NewBrigade {
  code: string;
  name: string;
  nameEn?: string;
  /** IANA name; default `brigade.defaultTimeZone`. */
  timeZone?: string;
  /** R6: the month (`YYYY-MM`) it begins using Liandong; default the month under way in its time zone. */
  since?: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** An IANA time zone name (`Asia/Shanghai`, `UTC`, `Etc/GMT-8`) the runtime knows; never an offset (`+08:00`), whose rules are not a place's. */
export function isIanaTimeZone(name: string): boolean {
  if (!/^(?:UTC|GMT|[A-Z][A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+)$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const DAY_MS = 24 * 3_600_000;

/** A token's last use is noted at most this often (a write), not on every request. */
const LAST_USED_EVERY_MS = 60_000;

/** At most this many tokens' principals are kept in memory (`authenticateToken`'s `reuse`), the least recently read dropped first. */
const KEPT_PRINCIPALS = 1000;

/** A token's principal as read, kept for commands that check it with their writes (`holds`). */
interface KeptPrincipal {
  principal: Principal;
  /** When the token expires (ms), if it does. */
  expiresAt: number | null;
  /** When its last use was noted (ms): the principal is read again when the next note is due. */
  usedAt: number;
  /** Its stamp as read (org.queries.ts `principalHolds`). */
  stamp: string;
}

/** How a request went with a principal kept in memory: used, or stale (its work was refused or failed, and the principal had changed). */
export type PrincipalReuse = 'used' | 'stale';

/** A boolean column as either driver hands it over (1/0, true/false). */
const truthy = (v: unknown) => v === true || Number(v) === 1;

function principalOf(r: PrincipalRow): Principal {
  return {
    kind: 'user',
    userId: Number(r.user_id),
    name: r.username,
    username: r.username,
    displayName: r.display_name,
    roles: (r.roles ? String(r.roles).split(',') : []).map((role) => role as Role).sort(),
    squadId: r.squad_id === null ? null : Number(r.squad_id),
    brigadeId: Number(r.brigade_id),
    brigadeCode: r.brigade_code,
    timeZone: r.time_zone,
    squad:
      r.squad_code === null || r.squad_name === null || r.squad_name_en === null
        ? null
        : {
            code: r.squad_code,
            name: r.squad_name,
            nameEn: r.squad_name_en,
            groupId: truthy(r.squad_active) && r.squad_group_id !== null ? Number(r.squad_group_id) : null,
          },
  };
}

/** The organisation (SPEC §2): brigades, groups, squads, users, roles, API tokens. */
export class OrgService {
  /** Squad ids by `brigadeId:code`, as read committed (`squadIdsByCodes`). */
  private readonly squadIds = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  async brigadeByCode(code: string, m: EntityManager = this.db.manager): Promise<Brigade> {
    const brigade = await m.findOneBy(Brigade, { code });
    if (!brigade) throw new NotFoundError(`No brigade ${code}`);
    return brigade;
  }

  async brigadeById(id: number, m: EntityManager = this.db.manager): Promise<Brigade> {
    const brigade = await m.findOneBy(Brigade, { id });
    if (!brigade) throw new NotFoundError(`No brigade ${id}`);
    return brigade;
  }

  /** Squads of a brigade, grouped squads first in group and member order. */
  async squads(brigadeId: number, m: EntityManager = this.db.manager): Promise<Squad[]> {
    const squads = await m.find(Squad, { where: { brigadeId }, order: { id: 'ASC' } });
    return squads.sort(
      (a, b) =>
        (a.groupId ?? Number.MAX_SAFE_INTEGER) - (b.groupId ?? Number.MAX_SAFE_INTEGER) ||
        (a.memberOrder ?? 0) - (b.memberOrder ?? 0) ||
        a.id - b.id,
    );
  }

  async groups(brigadeId: number, m: EntityManager = this.db.manager): Promise<GroupWithSquads[]> {
    return (await this.organisation(brigadeId, m)).groups;
  }

  /** Every squad (ordered as `squads` orders them) and every group with its squads, reading each table once. */
  async organisation(
    brigadeId: number,
    m: EntityManager = this.db.manager,
  ): Promise<{ squads: Squad[]; groups: GroupWithSquads[] }> {
    const [groups, squads] = await Promise.all([
      m.find(LinkageGroup, { where: { brigadeId }, order: { id: 'ASC' } }),
      this.squads(brigadeId, m),
    ]);
    return { squads, groups: groups.map((group) => ({ group, squads: squads.filter((s) => s.groupId === group.id) })) };
  }

  /** Resolves squad codes of a brigade; unknown codes are reported against `field`. */
  async resolveSquadCodes(
    brigadeId: number,
    codes: string[],
    field: string,
    m: EntityManager = this.db.manager,
  ): Promise<Map<string, Squad>> {
    const unique = [...new Set(codes)];
    const found = await squadsByCodes(m, brigadeId, unique);
    const byCode = new Map(found.map((s) => [s.code, s]));
    const unknown = unique.filter((c) => !byCode.has(c));
    if (unknown.length) {
      throw new ValidationError(`Unknown squad code(s): ${unknown.join(', ')}`, {
        [field]: `unknown_code:${unknown.join(',')}`,
      });
    }
    return byCode;
  }

  /**
   * The ids of the brigade's squads of these codes (ValidationError on `field` naming any unknown), for a command
   * that names squads by code and needs nothing else of them (a COMPLETE's result lines). A squad's code never
   * changes and squads are never deleted (admin.service.ts), so an id once read committed stays its code's: each
   * is read once per process. Only where a read outside a transaction sees nothing uncommitted (MySQL/MariaDB);
   * on SQLite the one connection would show a squad another command is inserting, which may yet roll back.
   */
  async squadIdsByCodes(brigadeId: number, codes: string[], field: string): Promise<Map<string, number>> {
    const unique = [...new Set(codes)];
    const keep = this.db.kind !== 'sqlite';
    const key = (code: string) => `${brigadeId}:${code}`;
    const ids = new Map<string, number>();
    for (const code of unique) {
      const id = keep ? this.squadIds.get(key(code)) : undefined;
      if (id !== undefined) ids.set(code, id);
    }
    if (ids.size < unique.length) {
      const found = await this.resolveSquadCodes(
        brigadeId,
        unique.filter((c) => !ids.has(c)),
        field,
      );
      for (const [code, squad] of found) {
        ids.set(code, squad.id);
        if (keep) this.squadIds.set(key(code), squad.id);
      }
    }
    return ids;
  }

  async resolveGroupCode(
    brigadeId: number,
    code: string,
    field: string,
    m: EntityManager = this.db.manager,
  ): Promise<LinkageGroup> {
    const group = await m.findOneBy(LinkageGroup, { brigadeId, code });
    if (!group) throw new ValidationError(`Unknown group code: ${code}`, { [field]: `unknown_code:${code}` });
    return group;
  }

  async usersByIds(ids: number[], m: EntityManager = this.db.manager): Promise<User[]> {
    return ids.length ? m.find(User, { where: { id: In([...new Set(ids)]) } }) : [];
  }

  async userByUsername(
    brigadeId: number,
    username: string,
    m: EntityManager = this.db.manager,
  ): Promise<{ user: User; roles: Role[] } | null> {
    const user = await m.findOneBy(User, { brigadeId, username });
    if (!user) return null;
    const roles = (await m.find(UserRole, { where: { userId: user.id } })).map((r) => r.role as Role);
    return { user, roles };
  }

  /**
   * Creates a user (CLI and administrators): fields checked, username unique,
   * squad of the brigade and in use. With `newBrigade`, the brigade is made in
   * the same transaction when it does not exist yet — only with its
   * administrator (a brigade nobody can administer is of no use).
   */
  async createUser(input: NewUser): Promise<User> {
    const fields = userFieldProblems({
      username: input.username ?? '',
      displayName: input.displayName ?? '',
      roles: input.roles ?? [],
      password: input.password ?? '',
    });
    if (!fields.roles && input.roles.includes('squad_leader') && !input.squad)
      fields.squad = 'required_for_squad_leader';
    if (input.newBrigade) {
      const { name, nameEn } = input.newBrigade;
      if (!input.brigade) fields.brigade = 'required';
      else if (!CODE_PATTERN.test(input.brigade)) fields.brigade = 'invalid_code';
      if (!name?.trim()) fields.brigadeName = 'required';
      else if (name.trim().length > 100 || (nameEn ?? '').trim().length > 100) fields.brigadeName = 'too_big:100';
      if (!fields.roles && !input.roles.includes('admin')) fields.roles = 'new_brigade_needs_admin';
    }
    if (Object.keys(fields).length) throw new ValidationError('The user is not valid', fields);
    const hash = await hashPassword(input.password, this.config.auth.scryptCost);
    const taken = () =>
      new ConflictError(`User ${input.username} already exists`, 'username_taken', { username: 'taken' });
    try {
      return await this.db.transaction(async (m) => {
        const brigade =
          input.newBrigade && input.brigade
            ? await this.newBrigade(m, input.brigade, input.newBrigade)
            : input.brigade
              ? await this.brigadeByCode(input.brigade, m)
              : await this.onlyBrigade(m);
        let squadId: number | null = null;
        if (input.squad) {
          const squad = known(
            await this.resolveSquadCodes(brigade.id, [input.squad], 'squad', m),
            input.squad,
            'squad',
          );
          if (!squad.active)
            throw new ValidationError(`Squad ${squad.code} is disabled`, { squad: `squad_disabled:${squad.code}` });
          squadId = squad.id;
        }
        // Usernames are sign-in names: unique across brigades.
        if (await m.findOneBy(User, { username: input.username })) throw taken();
        const now = this.clock.now();
        const inserted = await m.insert(User, {
          brigadeId: brigade.id,
          username: input.username,
          displayName: input.displayName.trim(),
          squadId,
          passwordHash: hash,
          active: true,
          createdAt: now,
          updatedAt: now,
        });
        const userId = Number(inserted.identifiers[0].id);
        await m.insert(
          UserRole,
          [...new Set(input.roles)].map((role) => ({ userId, role })),
        );
        return m.findOneByOrFail(User, { id: userId });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
  }

  /**
   * Creates a brigade (issue 11, finding 4): a code unique among brigades,
   * names, its time zone and the month it begins using Liandong (R6: never
   * after the month under way there). It starts empty: its first
   * administrator is created with `user create --brigade CODE --roles admin`,
   * who then makes its squads, groups and users.
   */
  async createBrigade(input: NewBrigade): Promise<Brigade> {
    const code = (input.code ?? '').trim();
    const name = (input.name ?? '').trim();
    const nameEn = (input.nameEn ?? '').trim() || name;
    const timeZone = (input.timeZone ?? '').trim() || this.config.brigade.defaultTimeZone;
    const fields: Record<string, string> = {};
    if (!CODE_PATTERN.test(code)) fields.code = 'invalid_code';
    if (!name) fields.name = 'required';
    else if (name.length > 100) fields.name = 'too_big:100';
    if (nameEn.length > 100) fields.nameEn = 'too_big:100';
    if (!isIanaTimeZone(timeZone)) fields.timeZone = 'invalid_time_zone';
    const now = this.clock.now();
    const current = fields.timeZone ? null : monthOf(now, timeZone);
    const since = input.since ?? current;
    if (input.since !== undefined && !MONTH.test(input.since)) fields.since = 'invalid_month';
    else if (since && current && since > current) fields.since = `month_in_future:${current}`;
    if (Object.keys(fields).length) throw new ValidationError('The brigade is not valid', fields);
    if (!since) throw new Error('a valid brigade without the month it begins');
    const taken = () => new ConflictError(`Brigade ${code} already exists`, 'code_taken', { code: 'taken' });
    try {
      return await this.db.transaction(async (m) => {
        if (await m.findOneBy(Brigade, { code })) throw taken();
        await m.insert(Brigade, { code, name, nameEn, timeZone, createdAt: now, since });
        return m.findOneByOrFail(Brigade, { code });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw taken();
      throw e;
    }
  }

  /**
   * Issues a new API token for a user; only its hash is stored, the token is
   * returned once. `expiresDays`: refused that many days from now (none: never expires).
   */
  async issueToken(username: string, label = 'cli', opts: { expiresDays?: number } = {}): Promise<string> {
    const { expiresDays } = opts;
    if (expiresDays !== undefined && (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 3650)) {
      throw new ValidationError('The expiry is not valid', { expiresDays: 'invalid_days:1-3650' });
    }
    const token = `${this.config.auth.tokenPrefix}${randomBytes(24).toString('base64url')}`;
    await this.db.transaction(async (m) => {
      const user = await m.findOneBy(User, { username });
      if (!user) throw new NotFoundError(`No user ${username}`);
      if (!user.active) throw new ValidationError(`User ${username} is disabled`, { username: 'disabled' });
      const now = this.clock.now();
      await m.insert(ApiToken, {
        userId: user.id,
        label,
        tokenStart: token.slice(0, 8),
        tokenHash: sha256(token),
        createdAt: now,
        lastUsedAt: null,
        revokedAt: null,
        expiresAt:
          expiresDays === undefined ? null : asDatetimeColumn(m, new Date(now.getTime() + expiresDays * DAY_MS)),
      });
    });
    return token;
  }

  private readonly kept = new Map<string, KeptPrincipal>();
  private reuseListener: ((outcome: PrincipalReuse) => void) | null = null;

  /** Told of each request answered with a principal kept in memory, and of each such request refused or failed with one that had changed (metrics). */
  onPrincipalReuse(listener: (outcome: PrincipalReuse) => void): void {
    this.reuseListener = listener;
  }

  /**
   * The principal behind a bearer token, or 401: one indexed read (the token, its user, roles, brigade and
   * squad together), so a disabled user, a revoked or expired token and a changed role hold on the very next
   * request on every instance. The last use is written at most once a minute.
   *
   * `reuse` (issue 14): the principal as this process last read it for the token, without a read — for a
   * command whose every write is a workflow step (api-auth.ts REUSED_ON). It carries `holds`, its stamp's
   * check: the step is written only if the token and its user are still exactly as read, in the same
   * statement as its writes, and work refused or failed with it reads the principal afresh and runs again if
   * it changed (`authenticateAgain`, signed-in.ts `asSignedIn`) — so the very next request still holds. Kept
   * until the token's next note of use is due (at most a minute), or it expires.
   */
  async authenticateToken(token: string, opts: { reuse?: boolean } = {}): Promise<Principal> {
    const hash = sha256(token);
    const now = this.clock.now().getTime();
    if (opts.reuse) {
      const kept = this.kept.get(hash);
      if (
        kept &&
        now >= kept.usedAt &&
        now - kept.usedAt < LAST_USED_EVERY_MS &&
        (kept.expiresAt === null || kept.expiresAt > now)
      ) {
        this.reuseListener?.('used');
        return kept.principal;
      }
    }
    this.kept.delete(hash);
    const row = token ? await tokenPrincipalRow(this.db.manager, hash) : undefined;
    const expiresAt = readDate(row?.expires_at)?.getTime() ?? null;
    if (!row || readDate(row.revoked_at) !== null || (expiresAt !== null && expiresAt <= now) || !truthy(row.active)) {
      throw new AuthenticationError('The API token is not valid');
    }
    let usedAt = readDate(row.last_used_at)?.getTime() ?? null;
    if (usedAt === null || now - usedAt >= LAST_USED_EVERY_MS) {
      // Conditional: of instances noting the same minute at once, one writes.
      const at = new Date(now);
      await this.db.transaction((m) => noteTokenUsed(m, row.token_id, at, new Date(now - LAST_USED_EVERY_MS)));
      usedAt = now;
    }
    const principal = principalOf(row);
    const stamp = String(row.stamp);
    this.kept.set(hash, {
      principal: { ...principal, holds: principalHolds(Number(row.token_id), Number(row.stamp)) },
      expiresAt,
      usedAt,
      stamp,
    });
    if (this.kept.size > KEPT_PRINCIPALS) this.kept.delete(this.kept.keys().next().value as string);
    return principal;
  }

  /**
   * The principal behind `token` read afresh, for work that was refused or failed with `was`, the one kept in
   * memory (`reuse`) — 401 if the token is no longer good — and whether it changed since `was` was read (its
   * stamp): if not, the refusal stands as it is; if so, the work is to be run again with the one read.
   */
  async authenticateAgain(token: string, was: Principal): Promise<{ principal: Principal; changed: boolean }> {
    const hash = sha256(token);
    const before = this.kept.get(hash);
    const stampWas = before?.principal === was ? before.stamp : null;
    try {
      const principal = await this.authenticateToken(token);
      const changed = stampWas === null || this.kept.get(hash)?.stamp !== stampWas;
      if (changed) this.reuseListener?.('stale');
      return { principal, changed };
    } catch (e) {
      this.reuseListener?.('stale');
      throw e;
    }
  }

  /** The principal of a signed-in web user, read afresh on every request (one indexed read). */
  async principalForSession(userId: number): Promise<Principal> {
    return this.principalFor(userId);
  }

  /**
   * Checks a username and password; the same error, after the same work, for
   * an unknown user and a wrong password: an unknown name is checked against
   * a stand-in hash, so the time taken does not tell which names exist.
   */
  async authenticatePassword(username: string, password: string): Promise<Principal> {
    const user = await this.db.manager.findOneBy(User, { username });
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.standInHash()));
    if (!user || !ok || !user.active) throw new AuthenticationError('Wrong username or password');
    return this.principalFor(user.id);
  }

  private standIn: Promise<string> | null = null;

  /** A hash of a random password at the configured cost, made once: what an unknown username is checked against. */
  private standInHash(): Promise<string> {
    this.standIn ??= hashPassword(randomBytes(16).toString('base64url'), this.config.auth.scryptCost);
    return this.standIn;
  }

  /** A user as the rest of the code sees them (one read: user, roles, brigade and squad), or 401 if disabled or gone. */
  async principalFor(userId: number, m: EntityManager = this.db.manager): Promise<Principal> {
    const row = await principalRow(m, userId);
    if (!row || !truthy(row.active)) throw new AuthenticationError('The user is disabled or gone');
    return principalOf(row);
  }

  /** The system actor of a brigade (the oversight jobs). */
  systemActor(brigade: Brigade): EngineActor {
    return {
      kind: 'system',
      userId: null,
      name: 'system',
      roles: [],
      squadId: null,
      brigadeId: brigade.id,
      timeZone: brigade.timeZone,
    };
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.manager.count(Brigade)) === 0;
  }

  /** Whether anyone can sign in at all (an empty production database has nobody until the first administrator is created). */
  async hasUsers(): Promise<boolean> {
    return (await this.db.manager.count(User)) > 0;
  }

  /** A new brigade (its first administrator is being created with it); it begins using Liandong this month. */
  private async newBrigade(m: EntityManager, code: string, names: { name: string; nameEn?: string }): Promise<Brigade> {
    if (await m.findOneBy(Brigade, { code }))
      throw new ValidationError(`Brigade ${code} exists already`, { brigadeName: `brigade_exists:${code}` });
    const now = this.clock.now();
    const timeZone = this.config.brigade.defaultTimeZone;
    const name = names.name.trim();
    await m.insert(Brigade, {
      code,
      name,
      nameEn: names.nameEn?.trim() || name,
      timeZone,
      createdAt: now,
      since: monthOf(now, timeZone),
    });
    return m.findOneByOrFail(Brigade, { code });
  }

  private async onlyBrigade(m: EntityManager): Promise<Brigade> {
    const all = await m.find(Brigade, { take: 2 });
    if (all.length !== 1)
      throw new ValidationError('Name the brigade (--brigade <code>): there is not exactly one', {
        brigade: 'required',
      });
    return all[0];
  }

  /**
   * Loads the reference organisation and demo users (SPEC §2). Idempotent:
   * what exists is left alone, what is missing is added. Returns what it added.
   */
  async seedDemo(): Promise<{ brigade: boolean; groups: number; squads: number; users: number }> {
    const added = { brigade: false, groups: 0, squads: 0, users: 0 };
    const password = await hashPassword(this.config.demo.password, this.config.auth.scryptCost);
    await this.db.transaction(async (m) => {
      const now = this.clock.now();
      let brigade = await m.findOneBy(Brigade, { code: REFERENCE_BRIGADE.code });
      if (!brigade) {
        const timeZone = this.config.brigade.defaultTimeZone;
        // A new brigade begins using Liandong this month (an administrator may set an earlier month).
        await m.insert(Brigade, { ...REFERENCE_BRIGADE, timeZone, createdAt: now, since: monthOf(now, timeZone) });
        brigade = await m.findOneByOrFail(Brigade, { code: REFERENCE_BRIGADE.code });
        added.brigade = true;
      }
      const brigadeId = brigade.id;
      const squadRows = [
        ...REFERENCE_GROUPS.flatMap((g) => g.squads.map((s, i) => ({ s, group: g.code, order: i + 1 }))),
        ...REFERENCE_UNGROUPED.map((s) => ({ s, group: null as string | null, order: null as number | null })),
      ];
      for (const g of REFERENCE_GROUPS) {
        if (!(await m.findOneBy(LinkageGroup, { brigadeId, code: g.code }))) {
          await m.insert(LinkageGroup, {
            brigadeId,
            code: g.code,
            name: g.name,
            nameEn: g.nameEn,
            active: true,
            createdAt: now,
          });
          added.groups++;
        }
      }
      const groupIds = new Map((await m.find(LinkageGroup, { where: { brigadeId } })).map((g) => [g.code, g.id]));
      for (const { s, group, order } of squadRows) {
        if (!(await m.findOneBy(Squad, { brigadeId, code: s.code }))) {
          await m.insert(Squad, {
            brigadeId,
            code: s.code,
            name: s.name,
            nameEn: s.nameEn,
            kind: s.kind,
            groupId: group ? known(groupIds, group, 'group') : null,
            memberOrder: order,
            dutyStrength: s.dutyStrength,
            active: true,
            createdAt: now,
          });
          added.squads++;
        }
      }
      const squadIds = new Map((await m.find(Squad, { where: { brigadeId } })).map((s) => [s.code, s.id]));
      const existing = new Set((await m.find(User, { select: { username: true } })).map((u) => u.username));
      for (const u of demoUsers()) {
        if (existing.has(u.username)) continue;
        const inserted = await m.insert(User, {
          brigadeId,
          username: u.username,
          displayName: u.displayName,
          squadId: u.squad ? known(squadIds, u.squad, 'squad') : null,
          passwordHash: password,
          active: true,
          createdAt: now,
          updatedAt: now,
        });
        const userId = Number(inserted.identifiers[0].id);
        await m.insert(
          UserRole,
          u.roles.map((role) => ({ userId, role })),
        );
        added.users++;
      }
    });
    return added;
  }
}
