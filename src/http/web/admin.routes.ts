import { type Request, type Response, Router } from 'express';
import type { Services } from '../../container';
import type { AdminGroup, AdminSquad, AdminUser } from '../../domain/org/admin.service';
import { monthOf } from '../../domain/oversight/periods';
import { AppError } from '../../errors';
import { DEFAULT_LOCALE, DICTIONARIES, t } from '../../i18n';
import { keyParam } from '../api/params';
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
import {
  type FormValues,
  formToGroup,
  formToNewSquad,
  formToNewUser,
  formToSquadPatch,
  formToUserPatch,
  kindOptions,
  memberPositions,
  refusal,
  roleOptions,
  squadOptions,
  squadRow,
  typed,
  userRow,
} from './admin-view';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

type Refusal = ReturnType<typeof refusal>;

/** A refusal the form can show (bad input, a rule, a taken code); anything else goes to the error page. */
function shownOnForm(e: unknown): e is AppError {
  return e instanceof AppError && e.status < 500 && e.status !== 404 && e.status !== 401;
}

const enc = encodeURIComponent;

/**
 * Administration pages (admin role): users, squads, linkage groups. Same use
 * cases and validation as the API; a refused form comes back with what was
 * typed and the problem beside each field.
 */
export function adminPages(services: Pick<Services, 'admin' | 'clock' | 'config'>): Router {
  const r = Router();
  const { admin } = services;
  const maxSquads = services.config.organisation.groupMaxSquads;
  const minSquads = services.config.organisation.groupMinSquads;

  const done = (req: Request) => {
    const key = `admin.done.${String(req.query.done ?? '')}`;
    return DICTIONARIES[DEFAULT_LOCALE][key] ? { kind: 'ok', text: t(req.locale, key) } : undefined;
  };
  const page = (req: Request, section: string, title: string) => ({
    pageTitle: title,
    nav: 'admin',
    adminSection: section,
    flash: done(req),
  });

  r.get('/', (_req, res) => res.redirect('/admin/users'));

  // ---------------------------------------------------------------- users

  r.get('/users', async (req, res) => {
    const users = await admin.users(signedIn(req));
    res.render('admin/users', {
      ...page(req, 'users', t(req.locale, 'admin.users')),
      rows: users.map((u) => userRow(u, req.locale)),
      activeCount: users.filter((u) => u.active).length,
      total: users.length,
    });
  });

  const newUserPage = async (req: Request, res: Response, values: FormValues, refused?: Refusal, status = 200) => {
    const squads = await admin.squads(signedIn(req));
    res.status(status).render('admin/user-form', {
      ...page(req, 'users', t(req.locale, 'admin.new_user')),
      isNew: true,
      action: '/admin/users',
      values,
      roleOptions: roleOptions(req.locale, values.roles),
      squadOptions: squadOptions(squads, req.locale, values.squad ?? ''),
      errors: refused?.errors ?? {},
      banner: refused?.banner,
    });
  };

  r.get('/users/new', async (req, res) => {
    await newUserPage(req, res, { ...typed({}), roles: ['officer'] });
  });

  r.post('/users', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const user = await admin.createUser(signedIn(req), parseInput(createUserSchema, formToNewUser(body)));
      res.redirect(303, `/admin/users/${enc(user.username)}/edit?done=user_created`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await newUserPage(req, res, typed(body), refusal(e, req.locale), e.status);
    }
  });

  /** The user's page has three forms (details, status, password); the one sent back shows its input and problems. */
  const userPage = async (
    req: Request,
    res: Response,
    user: AdminUser,
    sent?: { form: 'details' | 'status' | 'password'; values: FormValues; refused: Refusal; status: number },
  ) => {
    const squads = await admin.squads(signedIn(req));
    const details: FormValues =
      sent?.form === 'details'
        ? sent.values
        : { ...typed({ displayName: user.displayName, squad: user.squad?.code ?? '' }), roles: user.roles };
    const errorsOf = (form: string) => (sent?.form === form ? sent.refused.errors : {});
    res.status(sent?.status ?? 200).render('admin/user-form', {
      ...page(req, 'users', `${user.displayName} (${user.username})`),
      isNew: false,
      action: `/admin/users/${enc(user.username)}/edit`,
      user: {
        ...userRow(user, req.locale),
        isMe: user.id === signedIn(req).userId,
        url: `/admin/users/${enc(user.username)}`,
      },
      values: details,
      roleOptions: roleOptions(req.locale, details.roles),
      squadOptions: squadOptions(squads, req.locale, details.squad ?? '', user.squad?.code ?? null),
      errors: errorsOf('details'),
      statusErrors: errorsOf('status'),
      passwordErrors: errorsOf('password'),
      banner: sent?.refused.banner,
    });
  };

  r.get('/users/:username/edit', async (req, res) => {
    await userPage(req, res, await admin.user(signedIn(req), keyParam(req.params.username)));
  });

  r.post('/users/:username/edit', async (req, res) => {
    const username = keyParam(req.params.username);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await admin.updateUser(signedIn(req), username, parseInput(updateUserSchema, formToUserPatch(body)));
      res.redirect(303, `/admin/users/${enc(username)}/edit?done=user_saved`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await userPage(req, res, await admin.user(signedIn(req), username), {
        form: 'details',
        values: typed(body),
        refused: refusal(e, req.locale),
        status: e.status,
      });
    }
  });

  r.post('/users/:username/active', async (req, res) => {
    const username = keyParam(req.params.username);
    const active = String(req.body?.active) === '1';
    try {
      await admin.updateUser(signedIn(req), username, parseInput(updateUserSchema, { active }));
      res.redirect(303, `/admin/users/${enc(username)}/edit?done=${active ? 'user_enabled' : 'user_disabled'}`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await userPage(req, res, await admin.user(signedIn(req), username), {
        form: 'status',
        values: typed({}),
        refused: refusal(e, req.locale),
        status: e.status,
      });
    }
  });

  r.post('/users/:username/password', async (req, res) => {
    const username = keyParam(req.params.username);
    try {
      const { password } = parseInput(resetPasswordSchema, { password: String(req.body?.password ?? '') });
      await admin.resetPassword(signedIn(req), username, password);
      // Resetting one's own password ends one's own session too: sign in again with it.
      if (username === signedIn(req).username) return res.redirect(303, '/login');
      res.redirect(303, `/admin/users/${enc(username)}/edit?done=password_reset`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await userPage(req, res, await admin.user(signedIn(req), username), {
        form: 'password',
        values: typed({}),
        refused: refusal(e, req.locale),
        status: e.status,
      });
    }
  });

  // ---------------------------------------------------------------- squads

  r.get('/squads', async (req, res) => {
    const squads = await admin.squads(signedIn(req));
    res.render('admin/squads', {
      ...page(req, 'squads', t(req.locale, 'admin.squads')),
      rows: squads.map((s) => squadRow(s, req.locale)),
    });
  });

  const squadPage = async (
    req: Request,
    res: Response,
    squad: AdminSquad | null,
    values: FormValues,
    refused?: Refusal,
    status = 200,
  ) => {
    res.status(status).render('admin/squad-form', {
      ...page(
        req,
        'squads',
        squad ? `${localName(req.locale, squad)} (${squad.code})` : t(req.locale, 'admin.new_squad'),
      ),
      isNew: !squad,
      action: squad ? `/admin/squads/${enc(squad.code)}/edit` : '/admin/squads',
      squad: squad ? squadRow(squad, req.locale) : null,
      values,
      kindOptions: kindOptions(req.locale, values.kind ?? ''),
      errors: refused?.errors ?? {},
      banner: refused?.banner,
    });
  };

  r.get('/squads/new', async (req, res) => {
    await squadPage(req, res, null, { ...typed({ kind: 'street', dutyStrength: '7' }) });
  });

  r.post('/squads', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const squad = await admin.createSquad(signedIn(req), parseInput(createSquadSchema, formToNewSquad(body)));
      res.redirect(303, `/admin/squads?done=squad_created#squad-${enc(squad.code)}`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await squadPage(req, res, null, typed(body), refusal(e, req.locale), e.status);
    }
  });

  r.get('/squads/:code/edit', async (req, res) => {
    const squad = await admin.squad(signedIn(req), keyParam(req.params.code));
    await squadPage(
      req,
      res,
      squad,
      typed({
        name: squad.name,
        nameEn: squad.nameEn,
        kind: squad.kind,
        dutyStrength: String(squad.dutyStrength),
        active: squad.active ? '1' : '0',
      }),
    );
  });

  r.post('/squads/:code/edit', async (req, res) => {
    const code = keyParam(req.params.code);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await admin.updateSquad(signedIn(req), code, parseInput(updateSquadSchema, formToSquadPatch(body)));
      res.redirect(303, `/admin/squads?done=squad_saved#squad-${enc(code)}`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await squadPage(req, res, await admin.squad(signedIn(req), code), typed(body), refusal(e, req.locale), e.status);
    }
  });

  // ---------------------------------------------------------------- linkage groups

  r.get('/groups', async (req, res) => {
    const [groups, squads] = await Promise.all([admin.groups(signedIn(req)), admin.squads(signedIn(req))]);
    res.render('admin/groups', {
      ...page(req, 'groups', t(req.locale, 'admin.groups')),
      groups: groups.map((g) => ({
        code: g.code,
        name: localName(req.locale, g),
        squads: g.squads.map((s) => squadRow(s, req.locale)),
        size: g.squads.length,
      })),
      ungrouped: squads.filter((s) => !s.group).map((s) => squadRow(s, req.locale)),
      min: minSquads,
      max: maxSquads,
    });
  });

  const groupPage = async (
    req: Request,
    res: Response,
    group: AdminGroup | null,
    values: FormValues,
    refused?: Refusal,
    status = 200,
  ) => {
    const squads = await admin.squads(signedIn(req));
    res.status(status).render('admin/group-form', {
      ...page(
        req,
        'groups',
        group ? `${localName(req.locale, group)} (${group.code})` : t(req.locale, 'admin.new_group'),
      ),
      isNew: !group,
      action: group ? `/admin/groups/${enc(group.code)}/edit` : '/admin/groups',
      group: group ? { code: group.code } : null,
      values,
      positions: memberPositions(squads, group, values.squads, maxSquads, req.locale),
      min: minSquads,
      max: maxSquads,
      errors: refused?.errors ?? {},
      banner: refused?.banner,
    });
  };

  r.get('/groups/new', async (req, res) => {
    await groupPage(req, res, null, typed({}));
  });

  r.post('/groups', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const group = await admin.createGroup(signedIn(req), parseInput(createGroupSchema, formToGroup(body, true)));
      res.redirect(303, `/admin/groups?done=group_created#group-${enc(group.code)}`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await groupPage(req, res, null, typed(body), refusal(e, req.locale), e.status);
    }
  });

  r.get('/groups/:code/edit', async (req, res) => {
    const group = await admin.group(signedIn(req), keyParam(req.params.code));
    await groupPage(req, res, group, {
      ...typed({ name: group.name, nameEn: group.nameEn }),
      squads: group.squads.map((s) => s.code),
    });
  });

  r.post('/groups/:code/edit', async (req, res) => {
    const code = keyParam(req.params.code);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await admin.updateGroup(signedIn(req), code, parseInput(updateGroupSchema, formToGroup(body, false)));
      res.redirect(303, `/admin/groups?done=group_saved#group-${enc(code)}`);
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await groupPage(req, res, await admin.group(signedIn(req), code), typed(body), refusal(e, req.locale), e.status);
    }
  });

  // ---------------------------------------------------------------- the brigade

  /** The brigade's settings: the month it began using Liandong (R6: months before it are never judged). */
  const brigadePage = async (
    req: Request,
    res: Response,
    values?: FormValues & { since?: string },
    refused?: Refusal,
    status = 200,
  ) => {
    const brigade = await admin.brigade(signedIn(req));
    res.status(status).render('admin/brigade', {
      ...page(req, 'brigade', t(req.locale, 'admin.brigade')),
      brigade,
      mayUpdate: brigade.allowedActions.includes('update'),
      current: monthOf(services.clock.now(), brigade.timeZone),
      values: values ?? { since: brigade.since },
      errors: refused?.errors ?? {},
      banner: refused?.banner,
    });
  };

  r.get('/brigade', async (req, res) => {
    await brigadePage(req, res);
  });

  r.post('/brigade', async (req, res) => {
    const since = String(req.body?.since ?? '').trim();
    try {
      await admin.updateBrigade(signedIn(req), parseInput(updateBrigadeSchema, { since }));
      res.redirect(303, '/admin/brigade?done=brigade_saved');
    } catch (e) {
      if (!shownOnForm(e)) throw e;
      await brigadePage(req, res, { roles: [], squads: [], since }, refusal(e, req.locale), e.status);
    }
  });

  return r;
}
