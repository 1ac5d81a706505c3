import type { EntityManager } from 'typeorm';

/**
 * How a notification reaches a person. The worker knows only this interface:
 * e-mail or SMS are added later as another transport, without touching the
 * domain or the engine.
 */

/** Someone to tell: a user of the event's brigade. */
export interface Recipient {
  userId: number;
  brigadeId: number;
  username: string;
  displayName: string;
}

/** What a notification shows, as it was when the event was delivered. */
export interface NotificationParams {
  /** Operation topics. */
  operationId?: number;
  /** The brigade's number of the plan, once filed. */
  number?: { year: number; seq: number } | null;
  title?: string;
  /** A reason, rectification or description the event carried (returned, cancelled, audit failed, incident). */
  note?: string | null;
  severity?: string | null;
  /** `flag.raised`. */
  flagId?: number;
  rule?: string;
  kind?: string;
  period?: string;
  group?: { name: string; nameEn: string } | null;
  squad?: { name: string; nameEn: string } | null;
  record?: { type: string; id: number; title: string } | null;
  [extra: string]: unknown;
}

/** One event to announce (an outbox row), the same for every recipient and transport. */
export interface NotificationMessage {
  /** The outbox row: with the recipient and transport it makes a delivery unique (an idempotency key for gateways). */
  outboxId: number;
  brigadeId: number;
  topic: string;
  params: NotificationParams;
  /** The page it is about, relative to the site: `/operations/12`, `/flags/3`. */
  link: string;
  /** When the event happened. */
  at: Date;
}

export interface NotificationTransport {
  /** Stored with each delivery (`in_app`, `email`, `sms`); at most 20 characters. */
  readonly name: string;
  /**
   * Delivers `message` to `recipient`, or throws: the worker records what went
   * out and retries the rest later. Should be idempotent on (outboxId, userId):
   * a crash between delivering and recording means it is asked again.
   */
  deliver(recipient: Recipient, message: NotificationMessage): Promise<void>;
  /** Optional: all at once, all or nothing (one statement for the in-app transport). */
  deliverAll?(recipients: Recipient[], message: NotificationMessage): Promise<void>;
  /**
   * Optional, for a transport that writes into the application's own database
   * (the bell): a whole batch of events in the worker's transaction, the one
   * that records the deliveries and marks the rows delivered — so a batch is
   * told, recorded and marked at once, or not at all. When every transport has
   * it, the worker delivers a claimed batch in one transaction instead of
   * about three per row.
   */
  deliverBatchIn?(
    m: EntityManager,
    batch: ReadonlyArray<{ recipients: Recipient[]; message: NotificationMessage }>,
  ): Promise<void>;
}
