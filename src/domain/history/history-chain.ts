import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalTime, GENESIS_HASH, payloadValue, stepHash } from '../../engine/history-hash';
import { headsWithin, recordIdsAfter, walkRows } from './history.queries';

/**
 * Verifying the history's hash chains (SPEC §3: every step carries a hash
 * chained to the record's previous step). One record's chain is checked from
 * rows already read (a record's page); every chain of a brigade is walked a
 * batch of records at a time (`verify-history`), and checked against an
 * anchor — a digest of the chain heads as of a cut — so a history rewritten
 * and re-hashed whole is caught too. Used by the CLI, the anchor job and the
 * pages.
 */

/** A history row as read back, in the entity's names (TypeORM rows fit as they are). */
export interface ChainRow {
  id: number;
  brigadeId: number;
  seq: number;
  event: string;
  payload: unknown;
  actorUserId: number | null;
  actorName: string;
  actorRole: string;
  fromState: string | null;
  toState: string;
  version: number;
  at: Date | string;
  effectiveAt: Date | string;
  prevHash: string | null;
  hash: string | null;
}

/** The record a chain belongs to, as its instance row says. */
export interface ChainRecord {
  instanceId: number;
  workflow: string;
  brigadeId: number;
  /** The record's version: its last step's seq. */
  version: number;
  /** The chain head kept on the record. */
  headHash: string | null;
  /** Its state now (the last step's `to`), when known: a hint to which field changed. */
  state?: string;
}

/**
 * - `content`: the row's stored hash is not the hash of its own content (a field of the row, or its hash, was changed);
 * - `link`: the row was chained to a hash the previous row no longer has (that row was changed and re-hashed, or the link rewritten);
 * - `missing`: no row with this seq (deleted);
 * - `head`: the record's chain head is not its last step's hash (the last step re-hashed, or the head rewritten);
 * - `column`: a column outside the hash disagrees (the row's version is not its seq; the row's brigade is not the record's);
 * - `extra`: a row past the record's version.
 */
export type ChainProblemKind = 'content' | 'link' | 'missing' | 'head' | 'column' | 'extra';

export interface ChainProblem {
  seq: number;
  kind: ChainProblemKind;
  /** Fields that look changed, when the row's neighbours or the record say so (a hint, not proof). */
  fields: string[];
  /** A missing step after the last one left: the record's version says it existed. */
  atEnd?: boolean;
}

export interface RecordVerdict {
  instanceId: number;
  workflow: string;
  brigadeId: number;
  /** Rows read and checked. */
  steps: number;
  ok: boolean;
  /** The first step that does not verify (null when all do). */
  firstBadSeq: number | null;
  problems: ChainProblem[];
}

const HEX64 = /^[0-9a-f]{64}$/;
/** Problems listed per record; the first says where the chain breaks, a few more help to see how. */
const MAX_PROBLEMS = 8;

/**
 * Checks one record's chain from its rows (any order; each row's hash over its
 * stored `prev_hash` and content, each link to the previous row's stored hash,
 * no seq missing, the head on the record). `rowsMayBeAhead`: the rows were
 * read after the record (a page reads the record, then its history), so rows
 * past the record's version are steps committed in between, not tampering.
 */
export function verifyRecordChain(
  record: ChainRecord,
  rows: readonly ChainRow[],
  opts: { rowsMayBeAhead?: boolean } = {},
): RecordVerdict {
  const sorted = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq));
  const problems: ChainProblem[] = [];
  const add = (p: ChainProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let expected = 1;
  let previous: ChainRow | null = null;
  for (let i = 0; i < sorted.length; i++) {
    const row = sorted[i];
    const seq = Number(row.seq);
    const gap = seq > expected;
    for (; expected < seq; expected++) add({ seq: expected, kind: 'missing', fields: [] });
    expected = seq + 1;
    if (seq > record.version && !opts.rowsMayBeAhead) add({ seq, kind: 'extra', fields: [] });
    const recomputed = stepHash(row.prevHash ?? '', {
      instanceId: record.instanceId,
      workflow: record.workflow,
      brigadeId: row.brigadeId,
      seq,
      event: row.event,
      payload: payloadValue(row.payload),
      actorUserId: row.actorUserId,
      actorName: row.actorName,
      role: row.actorRole,
      from: row.fromState,
      to: row.toState,
      at: row.at,
      effectiveAt: row.effectiveAt,
    });
    if (recomputed !== row.hash)
      add({ seq, kind: 'content', fields: suspectFields(record, row, previous, sorted[i + 1] ?? null) });
    // After a missing row the link is broken by the deletion itself: that is said once, as `missing`.
    const expectedPrev = seq === 1 ? GENESIS_HASH : previous && Number(previous.seq) === seq - 1 ? previous.hash : null;
    if (!gap && expectedPrev !== null && row.prevHash !== expectedPrev) add({ seq, kind: 'link', fields: [] });
    const columns: string[] = [];
    if (Number(row.version) !== seq) columns.push('version');
    if (Number(row.brigadeId) !== Number(record.brigadeId)) columns.push('brigade');
    if (columns.length) add({ seq, kind: 'column', fields: columns });
    previous = row;
  }
  for (; expected <= record.version; expected++) add({ seq: expected, kind: 'missing', fields: [], atEnd: true });
  const headRow = sorted.find((r) => Number(r.seq) === record.version);
  if (headRow && record.headHash !== headRow.hash) add({ seq: record.version, kind: 'head', fields: [] });
  problems.sort((a, b) => a.seq - b.seq);
  return {
    instanceId: record.instanceId,
    workflow: record.workflow,
    brigadeId: record.brigadeId,
    steps: sorted.length,
    ok: problems.length === 0,
    firstBadSeq: problems.length ? problems[0].seq : null,
    problems,
  };
}

/** Which fields of a row whose content does not verify look out of place beside its neighbours and its record. */
function suspectFields(record: ChainRecord, row: ChainRow, previous: ChainRow | null, next: ChainRow | null): string[] {
  const fields: string[] = [];
  const seq = Number(row.seq);
  if (row.hash === null || !HEX64.test(row.hash)) fields.push('hash');
  if ((seq === 1) !== (row.event === 'CREATE') || !/^[A-Z][A-Z0-9_]*$/.test(row.event)) fields.push('event');
  if (
    seq === 1
      ? row.fromState !== null
      : previous !== null && Number(previous.seq) === seq - 1 && row.fromState !== previous.toState
  )
    fields.push('from');
  if (
    next
      ? Number(next.seq) === seq + 1 && next.fromState !== row.toState
      : record.state !== undefined && seq === record.version && row.toState !== record.state
  )
    fields.push('to');
  const at = canonicalTime(row.at);
  if (
    at.startsWith('invalid') ||
    (previous && at < canonicalTime(previous.at)) ||
    (next && at > canonicalTime(next.at))
  )
    fields.push('at');
  const effective = canonicalTime(row.effectiveAt);
  if (effective.startsWith('invalid') || effective > at) fields.push('effective_at');
  if ((row.actorUserId === null) !== (row.actorRole === 'system')) fields.push('actor');
  const payload = payloadValue(row.payload);
  if (payload === null || typeof payload !== 'object' || '$notJson' in (payload as object)) fields.push('payload');
  return fields;
}

/** One line per problem, in English (the CLI's language). */
export function describeChainProblem(p: ChainProblem, version?: number): string {
  const looks = p.fields.length ? `; looks changed: ${p.fields.join(', ')}` : '';
  switch (p.kind) {
    case 'content':
      return `row ${p.seq}: stored hash ≠ recomputed — the row's own content (or its hash) was changed${looks || '; no field looks out of place by itself (payload, actor, role or times?)'}`;
    case 'link':
      return p.seq === 1
        ? 'row 1: not chained to the genesis value — the link was rewritten'
        : `row ${p.seq}: the link to row ${p.seq - 1} is broken — chained to a hash row ${p.seq - 1} no longer has (row ${p.seq - 1} changed and re-hashed, or the link rewritten)`;
    case 'missing':
      return p.atEnd && version !== undefined
        ? `row ${p.seq}: missing (deleted; the record is at version ${version})`
        : `row ${p.seq}: missing (deleted)`;
    case 'head':
      return `row ${p.seq}: the record's chain head is not this row's hash (the last step re-hashed, or the head rewritten)`;
    case 'column':
      return `row ${p.seq}: ${p.fields.map((f) => (f === 'version' ? 'its version column is not its seq' : 'it belongs to another brigade than its record')).join('; ')}`;
    case 'extra':
      return `row ${p.seq}: past the record's version ${version ?? ''} (added behind the application's back)`.replace(
        ' )',
        ')',
      );
  }
}

/**
 * An anchor's digest: SHA-256 (hex) over the UTF-8 text
 * `liandong-anchor/1 upto <cut>\n` followed by `<record id> <seq> <hash>\n` for
 * each record (ascending id) with a step in the cut, naming its last step in
 * the cut. Fed one record at a time (a brigade's heads never sit in memory whole).
 */
export class AnchorDigest {
  private readonly sha = createHash('sha256');
  recordCount = 0;
  stepCount = 0;
  private lastId = 0;

  constructor(readonly uptoHistoryId: number) {
    this.sha.update(`liandong-anchor/1 upto ${uptoHistoryId}\n`, 'utf8');
  }

  add(instanceId: number, seq: number, hash: string | null): void {
    if (instanceId <= this.lastId) throw new Error('AnchorDigest: records must come in ascending id');
    this.lastId = instanceId;
    this.sha.update(`${instanceId} ${seq} ${hash ?? ''}\n`, 'utf8');
    this.recordCount++;
    this.stepCount += seq;
  }

  digest(): string {
    return this.sha.digest('hex');
  }
}

/** A record's chain as the walk reads it: the record and its rows in seq order. */
export interface Chain {
  record: ChainRecord;
  rows: ChainRow[];
}

/**
 * Every chain of a brigade, record by record in ascending id, `batch` records
 * at a time. Each batch's records and rows come from one statement, so a
 * record and its rows are read as of one moment even while steps are taken.
 */
export async function* chainsOf(m: EntityManager, brigadeId: number, batch = 200): AsyncGenerator<Chain> {
  let after = 0;
  for (;;) {
    const ids = await recordIdsAfter(m, brigadeId, after, batch);
    if (!ids.length) return;
    after = ids[ids.length - 1];
    const rows = await walkRows(m, ids);
    let current: Chain | null = null;
    for (const r of rows) {
      const id = Number(r.record_id);
      if (!current || current.record.instanceId !== id) {
        if (current) yield current;
        current = {
          record: {
            instanceId: id,
            workflow: r.workflow,
            brigadeId: Number(r.record_brigade_id),
            version: Number(r.record_version),
            headHash: r.head_hash ?? null,
            state: r.record_state,
          },
          rows: [],
        };
      }
      if (r.id === null || r.id === undefined) continue;
      current.rows.push({
        id: Number(r.id),
        brigadeId: Number(r.brigade_id),
        seq: Number(r.seq),
        event: r.event,
        payload: r.payload,
        actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
        actorName: r.actor_name,
        actorRole: r.actor_role,
        fromState: r.from_state,
        toState: r.to_state,
        version: Number(r.version),
        at: r.at instanceof Date ? r.at : String(r.at),
        effectiveAt: r.effective_at instanceof Date ? r.effective_at : String(r.effective_at),
        prevHash: r.prev_hash ?? null,
        hash: r.hash ?? null,
      });
    }
    if (current) yield current;
  }
}

/** A record's last step within an anchor's cut (the greatest seq among its rows with an id up to the cut). */
export function headWithin(rows: readonly ChainRow[], uptoHistoryId: number): ChainRow | null {
  let head: ChainRow | null = null;
  for (const r of rows) if (r.id <= uptoHistoryId && (!head || r.seq > head.seq)) head = r;
  return head;
}

/**
 * The anchor's digest for a brigade now: each record's last step within the
 * cut, from a light read (seq and hash only), a batch of records at a time.
 */
export async function anchorDigestOf(
  m: EntityManager,
  brigadeId: number,
  uptoHistoryId: number,
  batch = 500,
): Promise<AnchorDigest> {
  const digest = new AnchorDigest(uptoHistoryId);
  let after = 0;
  for (;;) {
    const ids = await recordIdsAfter(m, brigadeId, after, batch);
    if (!ids.length) return digest;
    after = ids[ids.length - 1];
    const rows = await headsWithin(m, ids, uptoHistoryId);
    for (const r of rows) digest.add(Number(r.instance_id), Number(r.seq), r.hash);
  }
}
