import type { EntityManager } from 'typeorm';
import { sql } from '../../persistence/sql';
import { type Bucketed, type Count, bucketSql } from './facts.queries';

/** R14's statements: what the assessment reads of every squad at once, per bucket (month) and squad (keyed by `squad`; flags also `grp`). */

const COMPLETED = "o.state IN ('holding', 'awaiting_audit', 'closed')";

/** What a squad statement is asked: the brigade, the buckets' bounds, and now (for limits past due). */
export interface SquadAsk {
  brigadeId: number;
  bounds: Date[];
  now: Date;
}

/** A statement of per-squad facts: the instant that places a record in a bucket, the statement (given the bucket's SQL), its parameters. */
export interface SquadStatement {
  column: string;
  statement: (bucket: string) => string;
  params: (ask: SquadAsk) => unknown[];
}

/** A row of per-squad facts: its bucket, its squad (flags: or group), and the facts the statement names. */
export interface SquadFactRow extends Bucketed {
  squad: Count;
  grp?: Count;
  [fact: string]: Count | undefined;
}

const range = ({ brigadeId, bounds }: SquadAsk) => [brigadeId, bounds[0], bounds[bounds.length - 1]];

export const SQUAD_STATEMENTS = {
  lines: {
    column: 'o.actual_start',
    statement: (
      b,
    ) => `SELECT ${b} AS b, os.squad_id AS squad, COUNT(DISTINCT o.id) AS ops, COUNT(DISTINCT CASE WHEN o.counts_toward_minimum = 1 AND ${COMPLETED} THEN o.id END) AS qualifying,
              SUM(CASE WHEN ${COMPLETED} THEN COALESCE(os.officers, 0) ELSE 0 END) AS officers,
              SUM(CASE WHEN ${COMPLETED} THEN COALESCE(os.educated, 0) + COALESCE(os.handled, 0) ELSE 0 END) AS results,
              SUM(CASE WHEN ${COMPLETED} AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0 THEN 1 ELSE 0 END) AS idle
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled'
        GROUP BY b, os.squad_id`,
    params: range,
  },
  led: {
    column: 'o.actual_start',
    statement: (b) => `SELECT ${b} AS b, o.lead_squad_id AS squad, COUNT(*) AS led FROM operations o
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.counts_toward_minimum = 1 AND ${COMPLETED}
        GROUP BY b, o.lead_squad_id`,
    params: range,
  },
  audits: {
    column: 'h.at',
    statement: (
      b,
    ) => `SELECT ${b} AS b, o.host_squad_id AS squad, SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS passed, COUNT(*) AS audits
         FROM holding_records h JOIN operations o ON o.id = h.operation_id
        WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ?
        GROUP BY b, o.host_squad_id`,
    params: range,
  },
  limits: {
    column: 'd.due_at',
    statement: (
      b,
    ) => `SELECT ${b} AS b, o.host_squad_id AS squad, SUM(CASE WHEN d.outcome = 'met' THEN 1 ELSE 0 END) AS met, COUNT(*) AS due
         FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
        WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind = 'results' AND d.due_at >= ? AND d.due_at < ? AND (d.closed_at IS NOT NULL OR d.due_at < ?)
        GROUP BY b, o.host_squad_id`,
    params: (ask) => [...range(ask), ask.now],
  },
  incidents: {
    column: 'i.occurred_at',
    statement: (
      b,
    ) => `SELECT ${b} AS b, o.host_squad_id AS squad, COUNT(*) AS incidents FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
        WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? GROUP BY b, o.host_squad_id`,
    params: range,
  },
  flags: {
    column: 'f.raised_at',
    statement: (b) => `SELECT ${b} AS b, f.squad_id AS squad, f.group_id AS grp, COUNT(*) AS flags FROM flags f
        WHERE f.brigade_id = ? AND f.raised_at >= ? AND f.raised_at < ? GROUP BY b, f.squad_id, f.group_id`,
    params: range,
  },
} satisfies Record<string, SquadStatement>;

export type SquadStatementName = keyof typeof SQUAD_STATEMENTS;

/** One statement's rows for every squad and bucket. */
export async function squadFactRows(
  m: EntityManager,
  name: SquadStatementName,
  ask: SquadAsk,
): Promise<SquadFactRow[]> {
  const st: SquadStatement = SQUAD_STATEMENTS[name];
  const b = bucketSql(st.column, ask.bounds);
  const { rows } = await sql<SquadFactRow>(m, st.statement(b.sql), [...b.params, ...st.params(ask)]);
  return rows;
}
