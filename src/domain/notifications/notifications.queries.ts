import type { EntityManager } from 'typeorm';
import { insertIgnore } from '../../persistence/dialect';
import { sql } from '../../persistence/sql';

/** The notifications area's SQL (the bell, the outbox's claims and deliveries): each function takes the EntityManager (or transaction) and returns plain rows. */

// ------------------------------------------------------------ the bell

/** A person's notification, as stored (`params` JSON text, instants as the driver reads them). */
export interface NotificationRow {
  id: number;
  topic: string;
  params: unknown;
  link: string;
  outbox_id: number;
  created_at: unknown;
  read_at: unknown;
}

const COLUMNS = 'id, topic, params, link, outbox_id, created_at, read_at';

/** One COUNT on the (user, read_at) index. */
export async function unreadCount(m: EntityManager, userId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>(
    m,
    'SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL',
    [userId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Up to `take` of a person's notifications, newest event first (the unique (user, outbox) index orders them). */
export async function notificationRows(
  m: EntityManager,
  f: { userId: number; unread?: boolean; beforeOutboxId?: number; take: number },
): Promise<NotificationRow[]> {
  const where = ['user_id = ?'];
  const params: unknown[] = [f.userId];
  if (f.unread) where.push('read_at IS NULL');
  if (f.beforeOutboxId !== undefined) {
    where.push('outbox_id < ?');
    params.push(f.beforeOutboxId);
  }
  const { rows } = await sql<NotificationRow>(
    m,
    `SELECT ${COLUMNS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY outbox_id DESC LIMIT ${f.take}`,
    params,
  );
  return rows;
}

/** A person's newest notification id, if any. */
export async function newestNotificationId(m: EntityManager, userId: number): Promise<number | null> {
  const { rows } = await sql<{ id: number | null }>(m, 'SELECT MAX(id) AS id FROM notifications WHERE user_id = ?', [
    userId,
  ]);
  return rows[0]?.id === null || rows[0]?.id === undefined ? null : Number(rows[0].id);
}

export async function notificationRow(
  m: EntityManager,
  userId: number,
  id: number,
): Promise<NotificationRow | undefined> {
  const { rows } = await sql<NotificationRow>(m, `SELECT ${COLUMNS} FROM notifications WHERE id = ? AND user_id = ?`, [
    id,
    userId,
  ]);
  return rows[0];
}

/** Marks a person's unread notifications read: one (`id`), or all (up to `upToId`); how many. */
export async function markNotificationsRead(
  m: EntityManager,
  userId: number,
  at: Date,
  which: { id: number } | { upToId?: number },
): Promise<number> {
  if ('id' in which)
    return (
      await sql(m, 'UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL', [
        at,
        which.id,
        userId,
      ])
    ).affected;
  const upTo = which.upToId;
  const { affected } = await sql(
    m,
    `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL${upTo !== undefined ? ' AND id <= ?' : ''}`,
    [at, userId, ...(upTo !== undefined ? [upTo] : [])],
  );
  return affected;
}

/** One event's notification to each of these people (one already there is left as it is: the unique key (user, outbox row)). */
export async function insertNotifications(
  m: EntityManager,
  message: { brigadeId: number; topic: string; params: unknown; link: string; outboxId: number; at: Date },
  userIds: readonly number[],
): Promise<void> {
  const values: unknown[] = [];
  for (const userId of userIds)
    values.push(message.brigadeId, userId, message.topic, message.params, message.link, message.outboxId, message.at);
  await sql(
    m,
    `${insertIgnore(m)} INTO notifications (brigade_id, user_id, topic, params, link, outbox_id, created_at, read_at) VALUES ${userIds.map(() => '(?, ?, ?, ?, ?, ?, ?, NULL)').join(', ')}`,
    values,
  );
}

/** Several events' notifications in one statement (the worker's batch); as `insertNotifications` for each. */
export async function insertNotificationsOfBatch(
  m: EntityManager,
  batch: ReadonlyArray<{
    message: { brigadeId: number; topic: string; params: unknown; link: string; outboxId: number; at: Date };
    userIds: readonly number[];
  }>,
): Promise<void> {
  const values: unknown[] = [];
  let rows = 0;
  for (const { message, userIds } of batch)
    for (const userId of userIds) {
      rows++;
      values.push(message.brigadeId, userId, message.topic, message.params, message.link, message.outboxId, message.at);
    }
  if (!rows) return;
  await sql(
    m,
    `${insertIgnore(m)} INTO notifications (brigade_id, user_id, topic, params, link, outbox_id, created_at, read_at) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, NULL)').join(', ')}`,
    values,
  );
}

// ------------------------------------------------------------ the outbox

/** An outbox row as stored (`payload` JSON text). */
export interface OutboxRecordRow {
  id: number;
  brigade_id: number;
  instance_id: number | null;
  history_seq: number;
  workflow: string;
  topic: string;
  payload: unknown;
  created_at: unknown;
  attempts: number;
}

/** The ids of up to `batch` rows due at `now` and not leased, oldest first. */
export async function dueOutboxIds(m: EntityManager, now: Date, batch: number): Promise<number[]> {
  const due = await sql<{ id: number }>(
    m,
    `SELECT id FROM outbox WHERE delivered_at IS NULL AND available_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY id LIMIT ${Math.trunc(batch)}`,
    [now, now],
  );
  return due.rows.map((r) => Number(r.id));
}

/** Leases those of `ids` still undelivered and not leased at `now` to `token` until `until`; then the rows this token holds, oldest first. */
export async function leaseOutboxRows(
  m: EntityManager,
  ids: readonly number[],
  token: string,
  until: Date,
  now: Date,
): Promise<OutboxRecordRow[]> {
  const marks = ids.map(() => '?').join(', ');
  await sql(
    m,
    `UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id IN (${marks}) AND delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)`,
    [token, until, ...ids, now],
  );
  const { rows } = await sql<OutboxRecordRow>(
    m,
    `SELECT id, brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, attempts FROM outbox WHERE id IN (${marks}) AND claimed_by = ? ORDER BY id`,
    [...ids, token],
  );
  return rows;
}

/** Renews the lease of a row this token holds (and is not delivered); whether it still held it. */
export async function renewOutboxLease(m: EntityManager, id: number, token: string, until: Date): Promise<boolean> {
  const r = await sql(
    m,
    'UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ? AND delivered_at IS NULL',
    [until, id, token],
  );
  return r.affected === 1;
}

/** A failed attempt: tried again at `availableAt`, the lease given up. */
export async function deferOutboxRow(
  m: EntityManager,
  id: number,
  token: string,
  attempt: { attempts: number; error: string; availableAt: Date },
): Promise<void> {
  await sql(
    m,
    'UPDATE outbox SET attempts = ?, last_error = ?, available_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?',
    [attempt.attempts, attempt.error, attempt.availableAt, id, token],
  );
}

/** Marks a row this token holds delivered (with a note, if any); whether it still held it. */
export async function markOutboxDelivered(
  m: EntityManager,
  id: number,
  token: string,
  at: Date,
  note: string | null,
): Promise<boolean> {
  const marked = await sql(
    m,
    'UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?',
    [at, note, id, token],
  );
  return marked.affected === 1;
}

/**
 * Marks the rows of `ids` this token holds delivered, in one statement (a
 * batch, each with the same note); how many it still held.
 */
export async function markOutboxRowsDelivered(
  m: EntityManager,
  ids: readonly number[],
  token: string,
  at: Date,
  note: string | null,
): Promise<number> {
  if (!ids.length) return 0;
  const marked = await sql(
    m,
    `UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id IN (${ids.map(() => '?').join(', ')}) AND claimed_by = ?`,
    [at, note, ...ids, token],
  );
  return marked.affected;
}

/** What already went out for these outbox rows: (outbox row, user, transport). */
export async function deliveriesOfRows(
  m: EntityManager,
  outboxIds: readonly number[],
): Promise<Array<{ outbox_id: number; user_id: number; transport: string }>> {
  if (!outboxIds.length) return [];
  const { rows } = await sql<{ outbox_id: number; user_id: number; transport: string }>(
    m,
    `SELECT outbox_id, user_id, transport FROM notification_deliveries WHERE outbox_id IN (${outboxIds.map(() => '?').join(', ')})`,
    [...outboxIds],
  );
  return rows;
}

/** Records deliveries of several outbox rows by a transport, in one statement (one recorded already is left as it is). */
export async function recordDeliveriesOfRows(
  m: EntityManager,
  transport: string,
  deliveries: ReadonlyArray<{ outboxId: number; userIds: readonly number[] }>,
  at: Date,
): Promise<void> {
  const values = deliveries.flatMap((d) => d.userIds.flatMap((userId) => [d.outboxId, userId, transport, at]));
  if (!values.length) return;
  await sql(
    m,
    `${insertIgnore(m)} INTO notification_deliveries (outbox_id, user_id, transport, delivered_at) VALUES ${Array.from({ length: values.length / 4 }, () => '(?, ?, ?, ?)').join(', ')}`,
    values,
  );
}

/** What already went out for an outbox row: (user, transport) pairs. */
export async function deliveriesOf(
  m: EntityManager,
  outboxId: number,
): Promise<Array<{ user_id: number; transport: string }>> {
  const { rows } = await sql<{ user_id: number; transport: string }>(
    m,
    'SELECT user_id, transport FROM notification_deliveries WHERE outbox_id = ?',
    [outboxId],
  );
  return rows;
}

/** Records deliveries of an outbox row by a transport (one recorded already is left as it is). */
export async function recordDeliveries(
  m: EntityManager,
  outboxId: number,
  transport: string,
  userIds: readonly number[],
  at: Date,
): Promise<void> {
  const values = userIds.flatMap((userId) => [outboxId, userId, transport, at]);
  await sql(
    m,
    `${insertIgnore(m)} INTO notification_deliveries (outbox_id, user_id, transport, delivered_at) VALUES ${userIds.map(() => '(?, ?, ?, ?)').join(', ')}`,
    values,
  );
}
