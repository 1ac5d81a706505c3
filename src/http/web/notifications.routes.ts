import { Router } from 'express';
import type { Services } from '../../container';
import { notificationText } from '../../domain/notifications/notification-text';
import { t } from '../../i18n';
import { idParam } from '../api/params';
import { safeNext } from './web-context';
import { signedIn } from '../signed-in';

/** /notifications: the list (newest first, unread marked), mark one or all as read. Same use cases as the API. */
export function notificationPages(services: Pick<Services, 'notifications'>): Router {
  const r = Router();
  const { notifications } = services;

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = req.query as Record<string, string | undefined>;
    const unreadOnly = q.unread === '1';
    const page = await notifications.list(p, {
      unread: unreadOnly,
      cursor: typeof q.cursor === 'string' && q.cursor ? q.cursor : undefined,
      limit: 50,
    });
    const marked = typeof q.marked === 'string' && /^\d{1,9}$/.test(q.marked) ? Number(q.marked) : null;
    res.render('notifications/list', {
      pageTitle: t(req.locale, 'notifications.title'),
      nav: 'notifications',
      unreadOnly,
      unread: page.unread,
      // "Mark all as read" marks what there was when the page was made, not what arrived since.
      upTo: page.newestId,
      // Where marking one read comes back to (without the last "marked" message).
      here: req.originalUrl.replace(/([?&])marked=\d+&?/, '$1').replace(/[?&]$/, ''),
      items: page.items.map((n) => ({
        id: n.id,
        topic: n.topic,
        link: n.link,
        unread: n.readAt === null,
        createdAt: n.createdAt,
        readAt: n.readAt,
        ...notificationText(req.locale, n.topic, n.params),
      })),
      nextUrl: page.nextCursor
        ? `/notifications?${new URLSearchParams({ ...(unreadOnly ? { unread: '1' } : {}), cursor: page.nextCursor }).toString()}`
        : null,
      firstUrl: q.cursor ? `/notifications${unreadOnly ? '?unread=1' : ''}` : null,
      flash:
        marked !== null ? { kind: 'ok', text: t(req.locale, 'notifications.done_all', { count: marked }) } : undefined,
    });
  });

  r.post('/read-all', async (req, res) => {
    const upTo = Number(req.body?.upTo);
    const { marked } = await notifications.markAllRead(
      signedIn(req),
      Number.isSafeInteger(upTo) && upTo > 0 ? upTo : undefined,
    );
    res.redirect(303, `/notifications?marked=${marked}`);
  });

  r.post('/:id/read', async (req, res) => {
    await notifications.markRead(signedIn(req), idParam(req.params.id));
    res.redirect(303, safeNext(req.body?.next, '/notifications'));
  });

  return r;
}
