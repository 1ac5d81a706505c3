import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../../container';
import { t } from '../../i18n';
import { meView } from './locals';

/** What every signed-in page shows in its header: who, and how much waits in their inbox. */
export function signedInContext(services: Services) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const p = req.principal!;
    res.locals.me = meView(p, req.locale);
    res.locals.timeZone = p.timeZone;
    // The inbox page counts its sections anyway and sets this from them (below); every other page asks.
    if (req.method === 'GET' && req.path !== '/') res.locals.navCounts = { inbox: await services.inbox.count(p) };
    next();
  };
}

/** The landing page: what waits for this user now. */
export function inboxPages(services: Services): Router {
  const r = Router();
  const { inbox } = services;

  r.get('/', async (req, res) => {
    const p = req.principal!;
    const now = services.clock.now().getTime();
    const [sections, { squads, groups }] = await Promise.all([inbox.inbox(p), services.org.organisation(p.brigadeId)]);
    res.locals.navCounts = { inbox: sections.reduce((n, s) => n + s.total, 0) };
    const squadName = new Map(squads.map((s) => [s.id, req.locale === 'en' ? s.nameEn : s.name]));
    const groupName = new Map(groups.map((g) => [g.group.id, req.locale === 'en' ? g.group.nameEn : g.group.name]));
    res.render('inbox/inbox', {
      pageTitle: t(req.locale, 'nav.inbox'),
      nav: 'inbox',
      empty: sections.every((s) => s.total === 0),
      sections: sections.map((s) => ({
        key: s.key,
        title: t(req.locale, `inbox.${s.key}`),
        help: t(req.locale, `inbox_help.${s.key}`),
        action: t(req.locale, `event.${s.action}`),
        total: s.total,
        more: s.total > s.items.length,
        items: s.items.map(({ operation: o, since, dueAt }) => ({
          id: o.id,
          title: o.title,
          state: o.state,
          group: o.groupId !== null ? groupName.get(o.groupId) : '',
          lead: squadName.get(o.leadSquadId),
          host: o.hostSquadId !== null ? squadName.get(o.hostSquadId) : '',
          plannedStart: o.plannedStart,
          since,
          waitedMs: since ? Math.max(0, now - since.getTime()) : null,
          dueAt,
          overdue: dueAt ? dueAt.getTime() < now : false,
          lastReturnReason: s.key === 'returned' ? o.lastReturnReason : null,
        })),
      })),
    });
  });

  return r;
}
