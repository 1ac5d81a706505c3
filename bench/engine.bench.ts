/**
 * `npm run bench -- engine [--operations 10000] [--clients 32] [--db sqlite,mariadb]`
 *
 * Seeds N operations through the API, then sends their events (FILE, APPROVE,
 * START, LOG_INCIDENT, COMPLETE: 5 per operation) through
 * POST /api/v1/operations/:id/events with C concurrent clients against the real
 * server in its own process, on SQLite and on MariaDB. Prints events/s, p50/p99
 * latency and the server's peak RSS; then sends the same statements straight
 * to the database (no Express, no ORM, no XState) to find its ceiling, and
 * prints our throughput as a ratio of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { arg, peakRssMiB, percentile, pool, startServer, writeResult } from './support';

const HOUR = 3_600_000;
const MYSQL_ADMIN = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';

/** Per group: its first squad leads and hosts, its second takes part. */
const GROUPS = [
  { group: 'north', host: 'waitan', other: 'nanjingdonglu' },
  { group: 'oldcity', host: 'yuyuan', other: 'xiaodongmen' },
  { group: 'south', host: 'bansongyuanlu', other: 'wuliqiao' },
  { group: 'west', host: 'huaihaizhonglu', other: 'ruijinerlu' },
];
const EVENTS = ['FILE', 'APPROVE', 'START', 'LOG_INCIDENT', 'COMPLETE'] as const;

interface Target {
  name: 'sqlite' | 'mariadb';
  url: string;
  cleanup: () => Promise<void>;
}

async function prepareTarget(name: string): Promise<Target> {
  if (name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-bench-'));
    return { name: 'sqlite', url: `sqlite:${path.join(dir, 'bench.sqlite')}`, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const mysql = await import('mysql2/promise');
  const admin = new URL(MYSQL_ADMIN);
  const conn = await mysql.createConnection({ host: admin.hostname, port: Number(admin.port || 3306), user: admin.username, password: admin.password });
  const db = `ld_bench_${randomBytes(3).toString('hex')}`;
  await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const u = new URL(MYSQL_ADMIN);
  u.pathname = `/${db}`;
  return {
    name: 'mariadb',
    url: u.toString(),
    cleanup: async () => {
      const c = await mysql.createConnection({ host: admin.hostname, port: Number(admin.port || 3306), user: admin.username, password: admin.password });
      await c.query(`DROP DATABASE ${db}`);
      await c.end();
    },
  };
}

interface Timing {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function summarise(latencies: number[], seconds: number, errors: number): Timing {
  return {
    count: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(latencies.length / seconds),
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    errors,
  };
}

async function benchTarget(target: Target, operations: number, clients: number) {
  const env = { DATABASE_URL: target.url, SEED_DEMO: '1', SCRYPT_COST: '1024', DATABASE_POOL_SIZE: String(Math.max(clients, 20)) };
  // Tokens, the way `npm run cli -- token` makes them.
  const config = loadConfig({ ...process.env, ...env });
  const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
  const users = ['duty', ...GROUPS.flatMap((g) => [`${g.host}.leader`, `${g.other}.officer`])];
  const tokens = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await services.org.issueToken(u, 'bench')] as const)));
  await services.db.close();

  const server = await startServer(env);
  try {
    const call = async (user: string, method: string, urlPath: string, body: unknown) => {
      const res = await fetch(`${server.url}${urlPath}`, {
        method,
        headers: { Authorization: `Bearer ${tokens[user]}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      return { status: res.status, json };
    };
    const plannedStart = new Date(Date.now() + 30 * 24 * HOUR).toISOString();

    // Seed: N plans through the API.
    const created: Array<{ id: number; g: (typeof GROUPS)[number] }> = [];
    const createLatencies: number[] = [];
    let createErrors = 0;
    const t0 = performance.now();
    await pool(
      Array.from({ length: operations }, (_, i) => GROUPS[i % GROUPS.length]),
      clients,
      async (g) => {
        const started = performance.now();
        const res = await call(`${g.host}.leader`, 'POST', '/api/v1/operations', {
          kind: 'regular',
          group: g.group,
          leadSquad: g.host,
          hostSquad: g.host,
          squads: [g.host, g.other],
          title: '基准测试联动',
          problemSource: 'hotspot',
          location: '基准路',
          plannedStart,
          plannedHours: 4,
          holdingDays: 7,
          contingency: '预案',
          forces: [
            { squad: g.host, officers: 5, vehicles: 1 },
            { squad: g.other, officers: 4, vehicles: 1 },
          ],
        });
        createLatencies.push(performance.now() - started);
        if (res.status === 201) created.push({ id: res.json.id as number, g });
        else createErrors++;
      },
    );
    const creates = summarise(createLatencies, (performance.now() - t0) / 1000, createErrors);

    // Events: each client carries one operation through its five events at a time.
    const latencies: number[] = [];
    let errors = 0;
    const firstError: unknown[] = [];
    const t1 = performance.now();
    await pool(created, clients, async ({ id, g }) => {
      let version = 1;
      for (const type of EVENTS) {
        const body: Record<string, unknown> = { type, expectedVersion: version };
        let user = `${g.host}.leader`;
        if (type === 'APPROVE') user = 'duty';
        if (type === 'START') body.actualStart = new Date(Date.now() - 5 * HOUR).toISOString();
        if (type === 'LOG_INCIDENT') {
          user = `${g.other}.officer`;
          Object.assign(body, { incidentType: 'verbal_abuse', severity: 'minor', injuries: 0, description: '辱骂', response: '劝离' });
        }
        if (type === 'COMPLETE') {
          body.results = [g.host, g.other].map((squad) => ({ squad, officers: 4, vehicles: 1, educated: 5, handled: 1, goodsDetained: 0 }));
        }
        const started = performance.now();
        const res = await call(user, 'POST', `/api/v1/operations/${id}/events`, body);
        latencies.push(performance.now() - started);
        if (res.status !== 200) {
          errors++;
          if (firstError.length < 3) firstError.push({ type, status: res.status, body: res.json });
          break;
        }
        version = res.json.version as number;
      }
    });
    const events = summarise(latencies, (performance.now() - t1) / 1000, errors);
    const rss = peakRssMiB(server.child.pid!);
    await server.stop();

    const ceiling = await databaseCeiling(target, created.map((c) => c.id), clients, tokens);
    return { creates, events, peakRssMiB: rss, ceiling, ratio: Math.round((events.perSecond / ceiling.perSecond) * 100) / 100, firstError };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * The database's own ceiling: for each of the operations, the statements one
 * event costs our server (authenticate the token: 4 reads; load the instance;
 * conditional version bump; history row; outbox row; close and open a
 * deadline; project the operation row), 5 times, in one transaction per event,
 * straight through the driver.
 */
async function databaseCeiling(target: Target, ids: number[], clients: number, tokens: Record<string, string>): Promise<Timing> {
  const { createHash } = await import('node:crypto');
  const tokenHash = createHash('sha256').update(tokens.duty).digest('hex');
  const snapshot = JSON.stringify({ status: 'active', value: 'filed', context: { padding: 'x'.repeat(900) }, children: {}, historyValue: {} });
  const now = () => new Date().toISOString().slice(0, 23).replace('T', ' ');

  type Exec = (sql: string, params?: unknown[]) => Promise<unknown[]>;
  const statements = async (q: Exec, id: number) => {
    const [token] = (await q('SELECT id, user_id FROM api_tokens WHERE token_hash = ?', [tokenHash])) as Array<{ user_id: number }>;
    const [user] = (await q('SELECT id, brigade_id, squad_id, active FROM users WHERE id = ?', [token.user_id])) as Array<{ brigade_id: number }>;
    await q('SELECT role FROM user_roles WHERE user_id = ?', [token.user_id]);
    await q('SELECT id, time_zone FROM brigades WHERE id = ?', [user.brigade_id]);
    const [row] = (await q('SELECT id, version, snapshot, state FROM workflow_instances WHERE id = ? AND workflow = ? AND brigade_id = ?', [id, 'operation', user.brigade_id])) as Array<{ version: number }>;
    await q('UPDATE workflow_instances SET snapshot = ?, state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?', [snapshot, 'filed', now(), id, row.version]);
    await q(
      'INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, user.brigade_id, row.version + 1000, token.user_id, 'duty', 'duty_officer', 'APPROVE', '{}', 'filed', 'approved', row.version + 1000, now()],
    );
    await q(
      'INSERT INTO outbox (brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, available_at, delivered_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL)',
      [user.brigade_id, id, row.version + 1000, 'operation', 'operation.approved', '{}', now(), now()],
    );
    await q('SELECT id, due_at FROM workflow_deadlines WHERE instance_id = ? AND closed_at IS NULL', [id]);
    await q('INSERT INTO workflow_deadlines (brigade_id, instance_id, workflow, kind, state, starts_at, due_at, event, closed_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)', [
      user.brigade_id,
      id,
      'operation',
      'bench',
      'approved',
      now(),
      now(),
    ]);
    await q('UPDATE operations SET state = ?, approved_at = ?, updated_at = ? WHERE id = ?', ['approved', now(), now(), id]);
  };

  const latencies: number[] = [];
  const t0 = performance.now();
  if (target.name === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(target.url.slice('sqlite:'.length));
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    const cache = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
    const q: Exec = async (sql, params = []) => {
      let stmt = cache.get(sql);
      if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
      return stmt.reader ? (stmt.all(...(params as unknown[])) as unknown[]) : (stmt.run(...(params as unknown[])), []);
    };
    for (const id of ids) {
      for (let e = 0; e < EVENTS.length; e++) {
        const started = performance.now();
        db.exec('BEGIN IMMEDIATE');
        await statements(q, id);
        db.exec('COMMIT');
        latencies.push(performance.now() - started);
      }
    }
    db.close();
  } else {
    const mysql = await import('mysql2/promise');
    const u = new URL(target.url);
    const poolConn = mysql.createPool({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
      connectionLimit: clients,
      timezone: 'Z',
    });
    // Like the API clients: each worker carries one operation through its events, one transaction each.
    await pool(ids, clients, async (id) => {
      for (let e = 0; e < EVENTS.length; e++) {
        const conn = await poolConn.getConnection();
        const started = performance.now();
        try {
          await conn.query('START TRANSACTION');
          await statements(async (sql, params) => (await conn.execute(sql, params as never[]))[0] as unknown[], id);
          await conn.query('COMMIT');
        } catch (err) {
          await conn.query('ROLLBACK');
          throw err;
        } finally {
          conn.release();
        }
        latencies.push(performance.now() - started);
      }
    });
    await poolConn.end();
  }
  return summarise(latencies, (performance.now() - t0) / 1000, 0);
}

export async function run(args: string[]): Promise<void> {
  const operations = Number(arg(args, 'operations', '10000'));
  const clients = Number(arg(args, 'clients', '32'));
  const dbs = arg(args, 'db', 'sqlite,mariadb').split(',');
  const report: Record<string, unknown> = { operations, clients, cpus: os.cpus().length, node: process.version, at: new Date().toISOString() };
  for (const name of dbs) {
    const target = await prepareTarget(name);
    process.stdout.write(`\n[${name}] ${operations} operations, ${clients} clients …\n`);
    try {
      const r = await benchTarget(target, operations, clients);
      report[name] = r;
      process.stdout.write(
        [
          `  create (POST /operations): ${r.creates.perSecond}/s  p50 ${r.creates.p50} ms  p99 ${r.creates.p99} ms  errors ${r.creates.errors}`,
          `  events (POST …/events):    ${r.events.perSecond}/s  p50 ${r.events.p50} ms  p99 ${r.events.p99} ms  errors ${r.events.errors}  (${r.events.count} events in ${r.events.seconds} s)`,
          `  server peak RSS:           ${r.peakRssMiB} MiB`,
          `  database ceiling:          ${r.ceiling.perSecond} events/s  p50 ${r.ceiling.p50} ms  p99 ${r.ceiling.p99} ms (same statements, raw driver)`,
          `  ratio (ours / ceiling):    ${r.ratio}`,
          ...(r.firstError.length ? [`  first errors: ${JSON.stringify(r.firstError)}`] : []),
        ].join('\n') + '\n',
      );
    } finally {
      await target.cleanup();
    }
  }
  process.stdout.write(`\nwritten to ${writeResult('engine', report)}\n`);
}
