import { Router } from 'express';
import type { Services } from '../../container';
import { t } from '../../i18n';
import { dutyItems } from './duties-view';
import { lightOf } from '../../domain/oversight/lights';
import { problemInboxView } from './problems-inbox-view';
import { goodsWaiting } from './goods-view';
import { transferInboxItems } from './transfers-view';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';
import { holdsSquadSites, spotChecksHolding } from '../../domain/operations/operation.policy';

/** The landing page: what waits for this user now. */
export function inboxPages(
  services: Pick<Services, 'inbox' | 'org' | 'duties' | 'flags' | 'cases' | 'goods' | 'problemInbox' | 'clock'>,
): Router {
  const r = Router();
  const { inbox } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const now = services.clock.now().getTime();
    const [sections, { squads, groups }, duties, flags, transfers, goods, problemWork] = await Promise.all([
      inbox.inbox(p),
      services.org.organisation(p.brigadeId),
      services.duties.duties(p),
      services.flags.openCount(p),
      // R10: transfers to answer or designate.
      transferInboxItems(services, p, req.locale),
      // R13: detained goods near or past their limit, or waiting for a manager.
      goodsWaiting(services, p, req.locale),
      // §3.4, R8: hard problems to accept or call back, border notices to act on.
      services.problemInbox.work(p),
    ]);
    const problemCount = problemWork.toAccept.length + problemWork.notices.length + problemWork.callbacks.length;
    res.locals.navCounts = {
      inbox: sections.reduce((n, s) => n + s.total, 0) + duties.length + transfers.length + goods.length + problemCount,
      flags,
    };
    const squadName = new Map(squads.map((s) => [s.id, localName(req.locale, s)]));
    const groupName = new Map(groups.map((g) => [g.group.id, localName(req.locale, g.group)]));
    res.render('inbox/inbox', {
      pageTitle: t(req.locale, 'nav.inbox'),
      nav: 'inbox',
      // R12, R14: the holding page (固守登记), for those who log or spot-check holding.
      holdingLink: holdsSquadSites(p) || spotChecksHolding(p),
      empty:
        sections.every((s) => s.total === 0) &&
        duties.length === 0 &&
        goods.length === 0 &&
        transfers.length === 0 &&
        problemCount === 0,
      problemWork: problemInboxView(problemWork),
      goods,
      transfers,
      // R5, R9: what the calendar asks (plans to file, the meeting to convene or record).
      duties: dutyItems(
        duties,
        new Map(groups.map((g) => [g.group.id, { code: g.group.code, name: groupName.get(g.group.id) ?? '' }])),
        req.locale,
      ),
      sections: sections.map((s) => ({
        key: s.key,
        title: t(req.locale, `inbox.${s.key}`),
        help: t(req.locale, `inbox_help.${s.key}`),
        // The event type names the form to open (#event-APPROVE); its label is what the button says.
        action: s.action,
        actionLabel: t(req.locale, s.key === 'returned' ? 'inbox.revise_and_file' : `event.${s.action}`),
        total: s.total,
        more: s.total > s.items.length,
        items: s.items.map(({ operation: o, since, dueAt, startsAt }) => ({
          id: o.id,
          numberYear: o.numberYear,
          numberSeq: o.numberSeq,
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
          light: dueAt && startsAt ? lightOf(startsAt, dueAt, new Date(now)) : null,
          lastReturnReason: s.key === 'returned' ? o.lastReturnReason : null,
          // A returned plan opens straight in its edit form, the reason on top.
          actionHref: s.key === 'returned' ? `/operations/${o.id}/edit` : `/operations/${o.id}#event-${s.action}`,
        })),
      })),
    });
  });

  return r;
}
