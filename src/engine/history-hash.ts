import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The previous hash of a record's first step. */
export const GENESIS_HASH = '0'.repeat(64);

/** The canonical form's version, written into every hashed text (a later form would hash old rows by this one). */
export const HISTORY_HASH_FORM = 1;

/** One history step's hashed content, as the engine writes it or as it reads back from either database. */
export interface HashedStep {
  instanceId: number;
  workflow: string;
  /** The history row's own brigade. */
  brigadeId: number;
  seq: number;
  event: string;
  /** The payload as a value (already parsed from its JSON text). */
  payload: unknown;
  actorUserId: number | null;
  actorName: string;
  role: string;
  from: string | null;
  to: string;
  /** When recorded: a Date, or a datetime as SQLite stores it (`YYYY-MM-DD HH:MM:SS.mmm`, UTC). */
  at: Date | string;
  /** When it happened (same forms). */
  effectiveAt: Date | string;
}

/**
 * A time as both databases keep it: UTC, to the whole second, as
 * `YYYY-MM-DDTHH:MM:SSZ`. MariaDB's `datetime` drops the milliseconds on write
 * (it truncates: 10:00:00.999 is kept as 10:00:00), SQLite keeps them as
 * text; flooring to the second gives the same text from either. A value that
 * is not a time (a row edited by hand) is kept as it is, so it cannot match.
 */
export function canonicalTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  const d =
    value instanceof Date
      ? value
      : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(String(value)) ? String(value) : `${String(value).replace(' ', 'T')}Z`);
  const ms = d.getTime();
  if (!Number.isFinite(ms)) return `invalid:${String(value)}`;
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** A JSON column as read back (text on SQLite and MariaDB, a value on MySQL); text that is not JSON stays text, so it cannot match. */
export function payloadValue(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw);
  } catch {
    return { $notJson: raw };
  }
}

/**
 * The exact text a step's hash is taken over: canonical JSON (keys sorted at
 * every depth, no whitespace) of
 * `{v, prev, record: {id, workflow, brigade}, seq, event, payload,
 *   actor: {id, name}, role, from, to, at, effectiveAt}`
 * with times as `canonicalTime` writes them and every field present (null
 * when empty).
 */
export function canonicalStep(prev: string, s: HashedStep): string {
  return canonicalJson({
    v: HISTORY_HASH_FORM,
    prev,
    record: { id: Number(s.instanceId), workflow: String(s.workflow), brigade: Number(s.brigadeId) },
    seq: Number(s.seq),
    event: String(s.event),
    payload: s.payload ?? null,
    actor: {
      id: s.actorUserId === null || s.actorUserId === undefined ? null : Number(s.actorUserId),
      name: String(s.actorName),
    },
    role: String(s.role),
    from: s.from === null || s.from === undefined ? null : String(s.from),
    to: String(s.to),
    at: canonicalTime(s.at),
    effectiveAt: canonicalTime(s.effectiveAt),
  });
}

/** SHA-256 (lowercase hex) of the UTF-8 bytes of `canonicalStep(prev, step)`. */
export function stepHash(prev: string, step: HashedStep): string {
  return createHash('sha256').update(canonicalStep(prev, step), 'utf8').digest('hex');
}
