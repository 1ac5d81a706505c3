/**
 * `npm run bench -- jobs [--groups 1000] [--operations 30000]`
 *
 * A whole province in one database on MariaDB: G linkage groups (3 squads
 * each) and N operations begun in one month, in every state, some short, some
 * ad hoc, many with time limits past. Runs monthly-minimum (for that month)
 * and time-limits twice each — the first run raises the flags, the second
 * finds nothing new — and prints wall time and the statements sent (counted
 * in-process), for 1/10 of the groups and for all of them, to show the count
 * does not grow with the number of groups (only with the
 * number of flags newly raised, by the 500).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { ManualClock } from '../src/clock';
import { sql } from '../src/persistence/sql';
import { arg, writeResult } from './support';

const MYSQL_ADMIN = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';
const HOUR = 3_600_000;

async function admin() {
  const mysql = await import('mysql2/promise');
  const u = new URL(MYSQL_ADMIN);
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
}

/** Counts the statements this process sends (TypeORM hands every query to its logger), whatever else uses the server. */
const counter = { statements: 0 };
const countingLogger = {
  logQuery: () => void counter.statements++,
  logQueryError: () => undefined,
  logQuerySlow: () => undefined,
  logSchemaBuild: () => undefined,
  logMigration: () => undefined,
  log: () => undefined,
};

async function measure(label: string, fn: () => Promise<unknown>) {
  const q0 = counter.statements;
  const t0 = performance.now();
  const result = await fn();
  const ms = Math.round(performance.now() - t0);
  return { label, ms, statements: counter.statements - q0, result };
}

/** Seeds one brigade with `groups` groups of 3 squads and `operations` operations begun in November 2026. */
async function seed(db: Awaited<ReturnType<typeof boot>>['db'], groups: number, operations: number) {
  const m = db.manager;
  const now = new Date('2026-12-01T00:00:00Z');
  await sql(
    m,
    "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES ('province', '全省', 'Province', 'Asia/Shanghai', '2026-01-01', '2026-01')",
  );
  const brigadeId = (await sql<{ id: number }>(m, "SELECT id FROM brigades WHERE code = 'province'")).rows[0].id;
  const chunk = async (rows: unknown[][], head: string, width: number) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      await sql(
        m,
        `${head} VALUES ${part.map(() => `(${Array(width).fill('?').join(', ')})`).join(', ')}`,
        part.flat(),
      );
    }
  };
  await chunk(
    Array.from({ length: groups }, (_, g) => [brigadeId, `g${g}`, `小组${g}`, `Group ${g}`, true, now]),
    'INSERT INTO linkage_groups (brigade_id, code, name, name_en, active, created_at)',
    6,
  );
  const groupRows = (
    await sql<{ id: number; code: string }>(m, 'SELECT id, code FROM linkage_groups WHERE brigade_id = ?', [brigadeId])
  ).rows;
  await chunk(
    groupRows.flatMap((g) =>
      [0, 1, 2].map((k) => [
        brigadeId,
        `${g.code}-s${k}`,
        `中队${g.code}-${k}`,
        `Squad ${g.code}-${k}`,
        'street',
        g.id,
        k + 1,
        7,
        true,
        now,
      ]),
    ),
    'INSERT INTO squads (brigade_id, code, name, name_en, kind, group_id, member_order, duty_strength, active, created_at)',
    10,
  );
  const squads = (
    await sql<{ id: number; group_id: number }>(m, 'SELECT id, group_id FROM squads WHERE brigade_id = ?', [brigadeId])
  ).rows;
  const byGroup = new Map<number, number[]>();
  for (const s of squads) byGroup.set(Number(s.group_id), [...(byGroup.get(Number(s.group_id)) ?? []), Number(s.id)]);
  const monthStart = Date.parse('2026-10-31T16:00:00Z');
  const states = ['closed', 'closed', 'closed', 'holding', 'awaiting_audit', 'in_progress', 'approved', 'filed'];
  const instances: unknown[][] = [];
  for (let i = 0; i < operations; i++) instances.push([brigadeId, 'operation', 1, 'x', '{}', 1, now, now]);
  await chunk(
    instances,
    'INSERT INTO workflow_instances (brigade_id, workflow, machine_version, state, snapshot, version, created_at, updated_at)',
    8,
  );
  const ids = (
    await sql<{ id: number }>(m, 'SELECT id FROM workflow_instances WHERE brigade_id = ? ORDER BY id', [brigadeId])
  ).rows.map((r) => Number(r.id));
  const ops: unknown[][] = [];
  const members: unknown[][] = [];
  const deadlines: unknown[][] = [];
  ids.forEach((id, i) => {
    const g = groupRows[i % groupRows.length];
    const sq = byGroup.get(Number(g.id))!;
    const state = states[i % states.length];
    const start = new Date(monthStart + ((i * 7919) % (29 * 24)) * HOUR);
    const hours = i % 11 === 0 ? 3.5 : 5;
    const kind = i % 13 === 0 ? 'ad_hoc' : 'regular';
    const started = !['approved', 'filed'].includes(state);
    const completed = ['closed', 'holding', 'awaiting_audit'].includes(state);
    ops.push([
      id,
      brigadeId,
      g.id,
      kind,
      state,
      `行动${id}`,
      'hotspot',
      '某路',
      sq[0],
      sq[0],
      start,
      4,
      7,
      new Date(start.getTime() - 48 * HOUR),
      started ? start : null,
      completed ? new Date(start.getTime() + hours * HOUR) : null,
      completed ? hours : null,
      completed ? kind !== 'ad_hoc' && hours >= 4 : null,
      now,
      now,
    ]);
    for (const [k, s] of sq.slice(0, 2).entries()) members.push([id, s, brigadeId, k + 1, 4, 1]);
    // Open time limits: filings waiting for a decision, results not recorded.
    if (state === 'filed')
      deadlines.push([
        brigadeId,
        id,
        'operation',
        'decision',
        'filed',
        new Date(start.getTime() - 96 * HOUR),
        new Date(start.getTime() - 48 * HOUR),
      ]);
    if (state === 'in_progress')
      deadlines.push([
        brigadeId,
        id,
        'operation',
        'results',
        'in_progress',
        start,
        new Date(start.getTime() + 28 * HOUR),
      ]);
  });
  await chunk(
    ops,
    'INSERT INTO operations (id, brigade_id, group_id, kind, state, title, problem_source, location, lead_squad_id, host_squad_id, planned_start, planned_hours, holding_days, filed_at, actual_start, actual_end, actual_hours, counts_toward_minimum, created_at, updated_at)',
    20,
  );
  await chunk(
    members,
    'INSERT INTO operation_squads (operation_id, squad_id, brigade_id, position, planned_officers, planned_vehicles)',
    6,
  );
  await chunk(
    deadlines,
    'INSERT INTO workflow_deadlines (brigade_id, instance_id, workflow, kind, state, starts_at, due_at)',
    7,
  );
  return { brigadeId, deadlines: deadlines.length };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const groups = Number(arg(args, 'groups', '1000'));
  const operations = Number(arg(args, 'operations', '30000'));
  const name = `ld_bench_${randomBytes(3).toString('hex')}`;
  const c = await admin();
  await c.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  const u = new URL(MYSQL_ADMIN);
  u.pathname = `/${name}`;
  const report: Record<string, unknown> = { groups, operations, at: new Date().toISOString() };
  try {
    for (const g of [Math.max(1, Math.round(groups / 10)), groups]) {
      const clock = new ManualClock('2026-12-01T02:00:00Z');
      const services = await boot(
        loadConfig({ ...process.env, DATABASE_URL: u.toString(), SEED_DEMO: '0', SCRYPT_COST: '1024' }),
        { clock, logger: createLogger({ silent: true }), seed: false },
      );
      await sql(services.db.manager, 'SET FOREIGN_KEY_CHECKS = 0');
      for (const table of [
        'flags',
        'outbox',
        'workflow_deadlines',
        'operation_squads',
        'operations',
        'workflow_instances',
        'squads',
        'linkage_groups',
        'job_runs',
        'brigades',
      ]) {
        await services.db.manager.query(`DELETE FROM ${table}`);
      }
      (services.db.dataSource as unknown as { logger: typeof countingLogger }).logger = countingLogger;
      const ops = Math.round((operations * g) / groups);
      const t0 = performance.now();
      const seeded = await seed(services.db, g, ops);
      const seedMs = Math.round(performance.now() - t0);
      const results = [
        await measure('monthly-minimum, first run', () =>
          services.jobs.run('monthly-minimum', { via: 'cli', period: '2026-11' }),
        ),
        await measure('monthly-minimum, again', () =>
          services.jobs.run('monthly-minimum', { via: 'cli', period: '2026-11' }),
        ),
        await measure('time-limits, first run', () => services.jobs.run('time-limits', { via: 'cli' })),
        await measure('time-limits, again', () => services.jobs.run('time-limits', { via: 'cli' })),
      ];
      process.stdout.write(
        `\n[${g} groups, ${ops} operations in November, ${seeded.deadlines} open time limits; seeded in ${seedMs} ms]\n`,
      );
      for (const r of results) {
        const run = r.result as { status: string; found: number; did: number };
        process.stdout.write(
          `  ${r.label.padEnd(28)} ${String(r.ms).padStart(6)} ms  ${String(r.statements).padStart(5)} statements  (${run.status}: found ${run.found}, did ${run.did})\n`,
        );
      }
      report[`${g} groups`] = {
        operations: ops,
        seedMs,
        results: results.map((r) => ({
          label: r.label,
          ms: r.ms,
          statements: r.statements,
          run: { found: (r.result as { found: number }).found, did: (r.result as { did: number }).did },
        })),
      };
      await services.db.close();
    }
  } finally {
    const d = await admin();
    await d.query(`DROP DATABASE ${name}`);
    await d.end();
  }
  process.stdout.write(`\nwritten to ${writeResult('jobs', report)}\n`);
  return report;
}
