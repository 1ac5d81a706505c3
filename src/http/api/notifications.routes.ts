import { Router } from 'express';
import type { NotificationService } from '../../domain/notifications/notification.service';
import { presentNotification, presentNotificationPage } from '../presenters/notification.presenter';
import { listNotificationsQuery, readAllSchema } from '../schemas/notification.schema';
import { parseInput } from '../validate';
import { idParam } from './params';
import { signedIn } from '../signed-in';

/** /api/v1/notifications: the caller's own notifications (issue 4, item 7). */
export function notificationsApi(notifications: NotificationService): Router {
  const r = Router();

  r.get('/', async (req, res) => {
    const q = parseInput(listNotificationsQuery, req.query);
    const p = signedIn(req);
    const page = await notifications.list(p, {
      unread: q.unread === '1' || q.unread === 'true',
      cursor: q.cursor,
      limit: q.limit,
    });
    res.json(presentNotificationPage(page, req.locale, p.timeZone));
  });

  // Before `/:id/read`, though the two cannot be confused: `read-all` is no id.
  r.post('/read-all', async (req, res) => {
    const { upTo } = parseInput(readAllSchema, req.body ?? {});
    res.json(await notifications.markAllRead(signedIn(req), upTo));
  });

  r.post('/:id/read', async (req, res) => {
    const p = signedIn(req);
    const n = await notifications.markRead(p, idParam(req.params.id));
    res.json(presentNotification(n, req.locale, p.timeZone));
  });

  return r;
}
