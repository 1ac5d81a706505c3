import { z } from 'zod';
import { NOTIFICATION_TOPICS } from '../../../domain/notifications/recipients';
import { freeJson, id, instant } from './common.response';

/** What the notification presenter answers (src/http/presenters/notification.presenter.ts). */

export const notification = z
  .strictObject({
    id,
    topic: z.string().describe(`What happened: ${NOTIFICATION_TOPICS.join(', ')}`),
    text: z.string().describe('One line, e.g. "计划已报备：#12 中山东一路…"'),
    note: z.string().nullable().describe('A reason, rectification or description the event carried'),
    link: z.string().describe('The page it is about: /operations/{id} or /flags/{id}'),
    unread: z.boolean(),
    createdAt: instant.describe('When the event happened'),
    readAt: instant.nullable(),
    params: freeJson.describe(
      'What the text is made of: operationId and title, or flagId, rule, kind, period, group …',
    ),
  })
  .describe('Something the caller was told: in their language (Accept-Language), with where it leads');

export const notificationPage = z.strictObject({
  items: z.array(notification),
  unread: z.int().describe('Your unread count now (the bell)'),
  newestId: z
    .int()
    .nullable()
    .describe('Your newest notification’s id now: pass as `upTo` to read-all to leave alone what arrives later'),
  nextCursor: z.string().nullable(),
});

export const readAllAnswer = z.strictObject({
  marked: z.int().describe('How many were marked read'),
  unread: z.int().describe('Your unread count now'),
});
