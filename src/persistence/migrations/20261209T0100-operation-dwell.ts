import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Issue 14: a cold year of figures in seconds. "Where operations wait longest"
 * read every step of every operation of the period and joined each to the
 * next (millions of index probes for a year); the operation's projection now
 * keeps, per state, the seconds spent in it and the stays (each step adds
 * the time since the step before to the state it leaves), and when the
 * operation entered its current state (`state_since`: the last step's
 * effective time). Filled here from the history for the operations there are.
 *
 * And indexes that hold every column the figures' statements read of their
 * rows, so a year of them is read from the index alone.
 */
export class OperationDwell1796778000000 implements MigrationInterface {
  name = 'OperationDwell1796778000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('operations', [
      new TableColumn({ name: 'state_since', type: 'datetime', isNullable: true }),
      ...DWELL_STATES.flatMap((s) => [
        new TableColumn({ name: `dwell_${s}_seconds`, type: 'double', default: 0 }),
        new TableColumn({ name: `dwell_${s}_stays`, type: 'integer', default: 0 }),
      ]),
    ]);
    const sqlite = q.connection.driver.options.type === 'better-sqlite3';
    const seconds = sqlite
      ? '(julianday(nx.effective_at) - julianday(h.effective_at)) * 86400.0'
      : 'TIMESTAMPDIFF(SECOND, h.effective_at, nx.effective_at)';
    // Each step's time to the next, summed per operation and state it was spent in.
    const sums = DWELL_STATES.map(
      (s) =>
        `SUM(CASE WHEN h.to_state = '${s}' THEN ${seconds} ELSE 0 END) AS ${s}_seconds, SUM(CASE WHEN h.to_state = '${s}' THEN 1 ELSE 0 END) AS ${s}_stays`,
    ).join(', ');
    const per = `SELECT h.instance_id AS id, ${sums}
         FROM workflow_history h JOIN operations po ON po.id = h.instance_id
         JOIN workflow_history nx ON nx.instance_id = h.instance_id AND nx.seq = h.seq + 1
        GROUP BY h.instance_id`;
    const last = `SELECT h.instance_id AS id, h.effective_at AS since
         FROM workflow_history h JOIN workflow_instances wi ON wi.id = h.instance_id AND h.seq = wi.version
         JOIN operations po ON po.id = h.instance_id`;
    const set = (from: string) =>
      DWELL_STATES.map((s) => `dwell_${s}_seconds = ${from}.${s}_seconds, dwell_${s}_stays = ${from}.${s}_stays`).join(
        ', ',
      );
    if (sqlite) {
      await q.query(`UPDATE operations SET ${set('x')} FROM (${per}) AS x WHERE x.id = operations.id`);
      await q.query(`UPDATE operations SET state_since = x.since FROM (${last}) AS x WHERE x.id = operations.id`);
    } else {
      await q.query(`UPDATE operations o JOIN (${per}) x ON x.id = o.id SET ${set('x').replace(/dwell_/g, 'o.dwell_')}`);
      await q.query(`UPDATE operations o JOIN (${last}) x ON x.id = o.id SET o.state_since = x.since`);
    }
    // Each wider index first, then the one it replaces (it holds the same first columns: a foreign key's index may go).
    for (const [table, wider, old] of INDEXES) {
      await q.createIndex(table, wider);
      if (old) await q.dropIndex(table, old.name!);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, wider, old] of [...INDEXES].reverse()) {
      if (old) await q.createIndex(table, old);
      await q.dropIndex(table, wider.name!);
    }
    const columns = [...DWELL_STATES.flatMap((s) => [`dwell_${s}_stays`, `dwell_${s}_seconds`]).reverse(), 'state_since'];
    // On SQLite TypeORM drops a column by rebuilding the table, with foreign keys enforced in `down`: rebuilding
    // operations would cascade to its squads, incidents and holding records. SQLite drops a plain column in place.
    if (q.connection.options.type === 'better-sqlite3')
      for (const column of columns) await q.query(`ALTER TABLE "operations" DROP COLUMN "${column}"`);
    else await q.dropColumns('operations', columns);
  }
}

/** The states whose time is kept (as src/domain/figures/facts.ts's DWELL_STATES when this was written). */
const DWELL_STATES = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'];

/**
 * Per table: the index the figures now read (every column their statement reads of a row), and the one it
 * replaces (if any). Each keeps the old columns and the row's id first, in that order, so the drill-downs'
 * pages (newest first, by the instant and id) still read it in order.
 */
const INDEXES: Array<[string, TableIndex, TableIndex | null]> = [
  [
    'workflow_history',
    // §3.5: drafts, filings, returns and cancellations, and which instance each is of.
    new TableIndex({
      name: 'IDX_workflow_history_brigade_event_at_instance',
      columnNames: ['brigade_id', 'event', 'at', 'id', 'instance_id'],
    }),
    new TableIndex({ name: 'IDX_workflow_history_brigade_event_at', columnNames: ['brigade_id', 'event', 'at'] }),
  ],
  [
    'workflow_deadlines',
    // §3.5: limits by when they fall due, with whether and how each was kept.
    new TableIndex({
      name: 'IDX_workflow_deadlines_brigade_kind_due_outcome',
      columnNames: ['brigade_id', 'workflow', 'kind', 'due_at', 'id', 'instance_id', 'closed_at', 'outcome'],
    }),
    new TableIndex({
      name: 'IDX_workflow_deadlines_brigade_kind_due',
      columnNames: ['brigade_id', 'workflow', 'kind', 'due_at'],
    }),
  ],
  [
    'holding_records',
    // R14: audits by kind and when they were done, and of which operation (beside the brigade-and-time index the
    // audits list and the drill-downs read in order, which stays).
    new TableIndex({
      name: 'IDX_holding_records_brigade_kind_at_operation',
      columnNames: ['brigade_id', 'kind', 'at', 'operation_id'],
    }),
    null,
  ],
];
