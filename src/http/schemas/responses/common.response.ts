import { z } from 'zod';

/**
 * Pieces of the response schemas (issue 12, item 9): what the presenters in
 * src/http/presenters return, described in zod so the presenters are typed by
 * them (`z.output<…>`) and the OpenAPI document is generated from them. Every
 * object is closed (`z.strictObject`): an answer names every field it has.
 */

/** An instant in the brigade's offset, e.g. `2026-11-02T09:00:00+08:00`. */
export const instant = z.iso.datetime({ offset: true });
export const instantOrNull = instant.nullable();

/** A day, `YYYY-MM-DD`. */
export const day = z.iso.date();

/** A record id. */
export const id = z.int().min(1);

/** A person as answers name them. */
export const person = z.strictObject({ username: z.string(), displayName: z.string() });

/** §3.5: a time limit's clock as a light. */
export const light = z.enum(['green', 'amber', 'red']);

/** The brigade's number of a record (〔year〕第 seq 号). */
export const recordNumber = z.strictObject({ year: z.int(), seq: z.int() });

/** Free JSON an event or a flag carried, as recorded. */
export const freeJson = z.record(z.string(), z.unknown());

/** One step of a record's append-only history. */
export const historyEntry = z.strictObject({
  seq: z.int().min(1),
  event: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  actor: z.string(),
  role: z.string(),
  payload: freeJson,
  version: z.int(),
  at: instant.describe('When the step was recorded'),
  effectiveAt: instant.describe('When it happened (earlier than `at` for a step the system recorded after the fact)'),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe(
      'SHA-256 (hex) over the previous step’s hash (64 zeros for step 1) and this step’s canonical content: canonical JSON (keys sorted, no whitespace) of ' +
        '{v: 1, prev, record: {id, workflow, brigade}, seq, event, payload, actor: {id, name}, role, from, to, at, effectiveAt}, times in UTC to the second (`YYYY-MM-DDTHH:MM:SSZ`)',
    ),
});

/** A record's history (goods, problems, notices, transfers, plans, meetings): its steps, oldest first. */
export const history = z.strictObject({ items: z.array(historyEntry) });

/** An operation's history: its steps and whether the hash chain verifies. */
export const verifiedHistory = history.extend({
  verified: z
    .boolean()
    .describe(
      'Every step’s hash matches its content and the previous step’s hash, no step is missing, and the record’s chain head is its last step’s hash',
    ),
  firstBadSeq: z.int().nullable().describe('The first step that does not verify (null when all do)'),
});

/** The answer to an event: the record, the event taken, its new state and version. */
export function stepAnswer<S extends string, E extends string>(states: readonly S[], events: readonly E[]) {
  return z.strictObject({ id, event: choice(events), state: choice(states), version: z.int().min(1) });
}

/** A cursor page of `item`. */
export function cursorPage<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last'),
  });
}

/** A list (no pages). */
export function list<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

/** One of a list of choices (states, events, roles …), the list as the workflows declare it. */
export function choice<T extends string>(values: readonly T[]) {
  return z.enum(values as unknown as readonly [T, ...T[]]);
}
