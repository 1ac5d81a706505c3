import type { z } from 'zod';
import type { notification, notificationPage } from '../schemas/responses/notification.response';
import type { NotificationPage, NotificationRecord } from '../../domain/notifications/notification.service';
import { notificationText } from '../../domain/notifications/notification-text';
import type { Locale } from '../../i18n';
import { isoInZone } from '../../time';

/** One notification for the API: its words in the caller's language, where it leads, whether it is read. */
export function presentNotification(n: NotificationRecord, locale: Locale, tz: string): z.output<typeof notification> {
  const { text, note } = notificationText(locale, n.topic, n.params);
  return {
    id: n.id,
    topic: n.topic,
    text,
    note,
    link: n.link,
    unread: n.readAt === null,
    createdAt: isoInZone(n.createdAt, tz),
    readAt: n.readAt ? isoInZone(n.readAt, tz) : null,
    params: n.params,
  };
}

export function presentNotificationPage(
  page: NotificationPage,
  locale: Locale,
  tz: string,
): z.output<typeof notificationPage> {
  return {
    items: page.items.map((n) => presentNotification(n, locale, tz)),
    unread: page.unread,
    newestId: page.newestId,
    nextCursor: page.nextCursor,
  };
}
