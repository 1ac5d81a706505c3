import type { Clock } from '../../clock';
import { NotFoundError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import type { Notification } from '../../persistence/entities';
import { readDate, readJson, readRequiredDate } from '../../persistence/sql';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import type { Principal } from '../org/org.service';
import type { NotificationParams } from './notification.transport';
import {
  type NotificationRow,
  markNotificationsRead,
  newestNotificationId,
  notificationRow,
  notificationRows,
  unreadCount,
} from './notifications.queries';

export interface NotificationFilters {
  /** Only those not read yet. */
  unread?: boolean;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export type NotificationRecord = Pick<Notification, 'id' | 'topic' | 'link' | 'outboxId' | 'createdAt' | 'readAt'> & {
  params: NotificationParams;
};

export interface NotificationPage {
  items: NotificationRecord[];
  nextCursor: string | null;
  /** The reader's unread count now (the bell). */
  unread: number;
  /** The reader's newest notification id now: "mark all read up to this" leaves alone what arrives later. */
  newestId: number | null;
}

function toRecord(r: NotificationRow): NotificationRecord {
  return {
    id: Number(r.id),
    topic: String(r.topic),
    params: readJson<NotificationParams>(r.params) ?? {},
    link: String(r.link),
    outboxId: Number(r.outbox_id),
    createdAt: readRequiredDate(r.created_at, 'notifications.created_at'),
    readAt: readDate(r.read_at),
  };
}

/**
 * A person's notifications: the bell's count, the list (newest event first),
 * marking one or all as read. Everyone sees only their own: another person's
 * notification is not found.
 */
export class NotificationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** The bell: one COUNT on the (user, read_at) index. */
  async unreadCount(p: Principal): Promise<number> {
    return unreadCount(this.db.manager, p.userId);
  }

  /** Newest event first (the unique (user, outbox) index orders them), a page at a time. */
  async list(p: Principal, f: NotificationFilters = {}): Promise<NotificationPage> {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const beforeOutboxId = f.cursor ? decodeCursor(f.cursor) : undefined;
    const [rows, unread, newestId] = await Promise.all([
      notificationRows(this.db.manager, { userId: p.userId, unread: f.unread, beforeOutboxId, take: limit + 1 }),
      this.unreadCount(p),
      newestNotificationId(this.db.manager, p.userId),
    ]);
    const items = rows.slice(0, limit).map(toRecord);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].outboxId) : null,
      unread,
      newestId,
    };
  }

  async get(p: Principal, id: number): Promise<NotificationRecord> {
    const row = await notificationRow(this.db.manager, p.userId, id);
    if (!row) throw new NotFoundError(`No notification ${id}`);
    return toRecord(row);
  }

  /** Marks one of the reader's notifications read (again is no change); another's is 404. */
  async markRead(p: Principal, id: number): Promise<NotificationRecord> {
    await this.db.transaction((m) => markNotificationsRead(m, p.userId, this.clock.now(), { id }));
    return this.get(p, id);
  }

  /**
   * Marks all the reader's unread notifications read; with `upTo`, only those
   * up to that id (what the page showed), so one that arrived since stays unread.
   */
  async markAllRead(p: Principal, upTo?: number): Promise<{ marked: number; unread: number }> {
    const marked = await this.db.transaction((m) =>
      markNotificationsRead(m, p.userId, this.clock.now(), { upToId: upTo }),
    );
    return { marked, unread: await this.unreadCount(p) };
  }
}
