import type { TestApp } from '../support/test-app';

/** Every table a command writes (web sessions, sign-in throttling and token use aside: reading a page touches those). */
const TABLES = [
  'operations',
  'operation_squads',
  'operation_incidents',
  'holding_records',
  'cases',
  'case_transfers',
  'group_plans',
  'meetings',
  'hard_problems',
  'hard_problem_reports',
  'hard_problem_operations',
  'hard_problem_resolutions',
  'border_notices',
  'goods_parties',
  'goods_items',
  'workflow_instances',
  'workflow_history',
  'workflow_deadlines',
  'outbox',
  'notifications',
  'brigades',
  'squads',
  'linkage_groups',
  'users',
  'flags',
  'record_numbers',
];

/** Row counts of those tables: equal before and after means nothing was written. */
export async function writtenRows(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES)
    out[table] = Number((await t.services.db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return out;
}
