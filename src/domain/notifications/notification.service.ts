import type { Clock } from '../../clock';
import { NotFoundError } from '../../errors';
import type { Database } from '../../persistence/data-source';
import type { Notification } from '../../persistence/entities';
import { readDate, readJson, sql } from '../../persistence/sql';
import { decodeCursor, encodeCursor } from '../../persistence/cursor';
import type { Principal } from '../org/org.service';
import type { NotificationParams } from './notification.transport';

export interface NotificationFilters {
  /** Only those not read yet. */
  unread?: boolean;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export type NotificationRecord = Pick<Notification, 'id' | 'topic' | 'link' | 'outboxId' | 'createdAt' | 'readAt'> & { params: NotificationParams };

export interface NotificationPage {
  items: NotificationRecord[];
  nextCursor: string | null;
  /** The reader's unread count now (the bell). */
  unread: number;
  /** The reader's newest notification id now: "mark all read up to this" leaves alone what arrives later. */
  newestId: number | null;
}

const COLUMNS = 'id, topic, params, link, outbox_id, created_at, read_at';

function toRecord(r: Record<string, unknown>): NotificationRecord {
  return {
    id: Number(r.id),
    topic: String(r.topic),
    params: readJson<NotificationParams>(r.params) ?? {},
    link: String(r.link),
    outboxId: Number(r.outbox_id),
    createdAt: readDate(r.created_at)!,
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
    const { rows } = await sql<{ n: number }>(this.db.manager, 'SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL', [p.userId]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Newest event first (the unique (user, outbox) index orders them), a page at a time. */
  async list(p: Principal, f: NotificationFilters = {}): Promise<NotificationPage> {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
    const where = ['user_id = ?'];
    const params: unknown[] = [p.userId];
    if (f.unread) where.push('read_at IS NULL');
    if (f.cursor) {
      where.push('outbox_id < ?');
      params.push(decodeCursor(f.cursor));
    }
    const [{ rows }, unread, newest] = await Promise.all([
      sql<Record<string, unknown>>(this.db.manager, `SELECT ${COLUMNS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY outbox_id DESC LIMIT ${limit + 1}`, params),
      this.unreadCount(p),
      sql<{ id: number | null }>(this.db.manager, 'SELECT MAX(id) AS id FROM notifications WHERE user_id = ?', [p.userId]),
    ]);
    const items = rows.slice(0, limit).map(toRecord);
    const newestId = newest.rows[0]?.id === null || newest.rows[0]?.id === undefined ? null : Number(newest.rows[0].id);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].outboxId) : null, unread, newestId };
  }

  async get(p: Principal, id: number): Promise<NotificationRecord> {
    const { rows } = await sql<Record<string, unknown>>(this.db.manager, `SELECT ${COLUMNS} FROM notifications WHERE id = ? AND user_id = ?`, [id, p.userId]);
    if (!rows[0]) throw new NotFoundError(`No notification ${id}`);
    return toRecord(rows[0]);
  }

  /** Marks one of the reader's notifications read (again is no change); another's is 404. */
  async markRead(p: Principal, id: number): Promise<NotificationRecord> {
    await this.db.transaction((m) => sql(m, 'UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL', [this.clock.now(), id, p.userId]));
    return this.get(p, id);
  }

  /**
   * Marks all the reader's unread notifications read; with `upTo`, only those
   * up to that id (what the page showed), so one that arrived since stays unread.
   */
  async markAllRead(p: Principal, upTo?: number): Promise<{ marked: number; unread: number }> {
    const { affected } = await this.db.transaction((m) =>
      sql(m, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL${upTo !== undefined ? ' AND id <= ?' : ''}`, [
        this.clock.now(),
        p.userId,
        ...(upTo !== undefined ? [upTo] : []),
      ]),
    );
    return { marked: affected, unread: await this.unreadCount(p) };
  }
}
