/**
 * `npm run bench -- engine [--operations 10000] [--clients 32] [--db sqlite,mariadb] [--pool N] [--profile]
 *   [--db-delay MS | --socket [PATH]]` (`--socket`: MariaDB reached through its Unix socket, default /run/mysqld/mysqld.sock)
 * `npm run bench -- engine --cluster …`: on the Galera cluster (bench/engine-cluster.bench.ts)
 *
 * Seeds N operations through the API, then sends their events (FILE, APPROVE,
 * START, LOG_INCIDENT, COMPLETE: 5 per operation) through
 * POST /api/v1/operations/:id/events with C concurrent clients against the real
 * server in its own process, on SQLite and on MariaDB. Prints events/s, p50/p99
 * latency and the server's peak RSS; then sends the same statements straight
 * to the database (no Express, no ORM, no XState) to find its ceiling, and
 * prints our throughput as a ratio of it; then the *minimal durable event*
 * (read the instance, conditional version bump, one history row, commit) with
 * the same clients on a pool as large as the server's, and our throughput as a
 * ratio of that too. On MariaDB it prints the statements per event of all
 * three (SHOW GLOBAL STATUS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { CLOSING, OPENING } from '../src/persistence/deferred-transaction';
import { resultLinesStatements } from '../src/domain/operations/operations.queries';
import {
  arg,
  delayingRelay,
  jsonClient,
  peakRssMiB,
  pool,
  type SelfTime,
  startServer,
  topSelfTime,
  writeResult,
} from './support';

const ROOT_OUTPUT = path.join(__dirname, '..', 'bench-output');
import { createPlans, EVENTS, GROUPS, type Post, sendEvents, summarise, type Timing } from './engine-requests';

/** A history row's run id, as the engine writes one (src/engine/engine.ts newAttemptId). */
const attemptId = () => randomBytes(12).toString('base64url');

const MYSQL_ADMIN = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';

interface Target {
  name: 'sqlite' | 'mariadb';
  url: string;
  cleanup: () => Promise<void>;
}

async function prepareTarget(name: string): Promise<Target> {
  if (name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-bench-'));
    return {
      name: 'sqlite',
      url: `sqlite:${path.join(dir, 'bench.sqlite')}`,
      cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const mysql = await import('mysql2/promise');
  const admin = new URL(MYSQL_ADMIN);
  const conn = await mysql.createConnection({
    host: admin.hostname,
    port: Number(admin.port || 3306),
    user: admin.username,
    password: admin.password,
  });
  const db = `ld_bench_${randomBytes(3).toString('hex')}`;
  await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const u = new URL(MYSQL_ADMIN);
  u.pathname = `/${db}`;
  return {
    name: 'mariadb',
    url: u.toString(),
    cleanup: async () => {
      const c = await mysql.createConnection({
        host: admin.hostname,
        port: Number(admin.port || 3306),
        user: admin.username,
        password: admin.password,
      });
      await c.query(`DROP DATABASE ${db}`);
      await c.end();
    },
  };
}

async function benchTarget(
  target: Target,
  operations: number,
  clients: number,
  poolSize: number,
  profile: boolean,
  dbDelayMs = 0,
  socket: string | null = null,
) {
  // `--db-delay`: the server, the ceiling and the minimal event reach MariaDB through a relay that delays each
  // packet, as a database on another machine would; the seed and the counts go straight to it.
  const relay = dbDelayMs > 0 && target.name === 'mariadb' ? await wireWithDelay(target, dbDelayMs) : null;
  // `--socket`: they reach it through its Unix socket instead (DATABASE_URL's ?socket=).
  const wire = relay?.target ?? (socket && target.name === 'mariadb' ? wireThroughSocket(target, socket) : target);
  try {
    return await benchOn(target, wire, operations, clients, poolSize, profile);
  } finally {
    await relay?.close();
  }
}

function wireThroughSocket(target: Target, socket: string): Target {
  const u = new URL(target.url);
  u.hostname = 'localhost';
  u.port = '';
  u.searchParams.set('socket', socket);
  return { ...target, url: u.toString() };
}

async function wireWithDelay(target: Target, ms: number) {
  const u = new URL(target.url);
  const relay = await delayingRelay(Number(u.port || 3306), ms);
  u.port = String(relay.port);
  return { target: { ...target, url: u.toString() }, close: relay.close };
}

async function benchOn(
  target: Target,
  wire: Target,
  operations: number,
  clients: number,
  poolSize: number,
  profile: boolean,
) {
  const env = {
    DATABASE_URL: target.url,
    SEED_DEMO: '1',
    SCRYPT_COST: '1024',
    DATABASE_POOL_SIZE: String(poolSize),
  };
  // Tokens, the way `npm run cli -- token` makes them.
  const config = loadConfig({ ...process.env, ...env });
  const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
  const users = ['duty', ...GROUPS.flatMap((g) => [`${g.host}.leader`, `${g.other}.officer`])];
  const tokens = Object.fromEntries(
    await Promise.all(users.map(async (u) => [u, await services.org.issueToken(u, 'bench')] as const)),
  );
  await services.db.close();

  // `--profile`: the server samples its CPU for the whole run (creates and events) and writes it at exit.
  const profileDir = profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-profile-')) : null;
  const nodeArgs = [
    ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ];
  const server = await startServer({ ...env, DATABASE_URL: wire.url }, nodeArgs);
  const client = jsonClient(clients);
  try {
    const post: Post = (user, urlPath, body) =>
      client.request(`${server.url}${urlPath}`, 'POST', { Authorization: `Bearer ${tokens[user]}` }, body);
    // Seed: N plans through the API; what a create costs the server and the database, as for events below.
    const createCountsBefore = target.name === 'mariadb' ? await statementCounts(target.url) : null;
    const createCpuBefore = cpuSeconds(server.child.pid!, target);
    const { created, creates } = await createPlans(post, operations, clients);
    const createCpuAfter = cpuSeconds(server.child.pid!, target);
    const cpuMsPerCreate = cpuMsPer(createCpuBefore, createCpuAfter, created.length);
    const statementsPerCreate = createCountsBefore
      ? perEvent(createCountsBefore, await statementCounts(target.url), created.length)
      : null;

    // Events: each client carries one operation through its five events at a time.
    const countsBefore = target.name === 'mariadb' ? await statementCounts(target.url) : null;
    const cpuBefore = cpuSeconds(server.child.pid!, target);
    // The bench's own clients share the machine's cores with the server: their CPU is said too.
    const clientCpu = process.cpuUsage();
    const firstError: unknown[] = [];
    const events = await sendEvents(post, created, clients, (type, status, body) => {
      if (firstError.length < 3) firstError.push({ type, status, body });
    });
    const clientUsed = process.cpuUsage(clientCpu);
    // With notifications on, as in production: the events' outbox rows are delivered after commit, off the
    // command's path. The statements and CPU per event count that delivery too: wait until it has caught up.
    const drainStarted = performance.now();
    const backlogAtEnd = await outboxBacklog(target);
    while ((await outboxBacklog(target)) > 0 && performance.now() - drainStarted < 120_000)
      await new Promise((r) => setTimeout(r, 100));
    const outbox = {
      backlogAtEnd,
      drainSeconds: Math.round((performance.now() - drainStarted) / 100) / 10,
      backlogAfter: await outboxBacklog(target),
    };
    const cpuAfter = cpuSeconds(server.child.pid!, target);
    const cpuMsPerEvent = {
      ...cpuMsPer(cpuBefore, cpuAfter, events.count),
      benchClients: Math.round(((clientUsed.user + clientUsed.system) / 1000 / events.count) * 10) / 10,
    };
    const ours = countsBefore ? perEvent(countsBefore, await statementCounts(target.url), events.count) : null;
    const rss = peakRssMiB(server.child.pid!);
    const serverErrors = server
      .log()
      .split('\n')
      .filter((l) => l.includes('"level":"error"'))
      .slice(0, 2)
      .map((l) => l.slice(0, 1500));
    client.close();
    await server.stop();
    const serverProfile = profileDir ? profileOf(profileDir, target.name) : null;

    const ceilingBefore = target.name === 'mariadb' ? await statementCounts(target.url) : null;
    const ceiling = await databaseCeiling(
      wire,
      created.map((c) => c.id),
      clients,
    );
    const theirs = ceilingBefore ? perEvent(ceilingBefore, await statementCounts(target.url), ceiling.count) : null;
    const minimalBefore = target.name === 'mariadb' ? await statementCounts(target.url) : null;
    const minimal = await minimalDurableEvent(
      wire,
      created.map((c) => c.id),
      clients,
      Number(env.DATABASE_POOL_SIZE),
    );
    const least = minimalBefore ? perEvent(minimalBefore, await statementCounts(target.url), minimal.count) : null;
    const statementsPerEvent = ours && theirs && least ? { ours, ceiling: theirs, minimal: least } : null;
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      creates,
      cpuMsPerCreate,
      statementsPerCreate,
      events,
      peakRssMiB: rss,
      outbox,
      cpuMsPerEvent,
      ceiling,
      minimal,
      ratio: ratio(events.perSecond, ceiling.perSecond),
      ratioToMinimal: ratio(events.perSecond, minimal.perSecond),
      statementsPerEvent,
      firstError,
      serverErrors,
      serverProfile,
    };
  } catch (e) {
    client.close();
    await server.stop();
    throw e;
  }
}

/**
 * The database's own ceiling: the statements our server sends for each of the
 * five events (as `SHOW GLOBAL STATUS` counts them on MariaDB: load the
 * instance for FILE — the server starts the other events from the record as it
 * wrote it, and checks the caller's principal, kept in memory, by its token's
 * principal version in the version bump — the conditional version bump, the closing of time
 * limits when the state left opened some, and the operation row — single-table UPDATEs — history row,
 * outbox row when the machine announces something, time limits opened when the
 * state changes, incident and result rows — on MariaDB these in one round
 * trip, one anonymous compound statement, as the engine sends them — and the
 * plan's number), one transaction per event, straight through the driver:
 * no HTTP, no ORM, no XState. On MariaDB the reads go before the transaction,
 * which the block opens and commits, as the engine's deferred steps send them. The notifications delivered afterwards are not
 * in it (ours are counted with them).
 */
async function databaseCeiling(target: Target, ids: number[], clients: number): Promise<Timing> {
  const snapshot = JSON.stringify({
    status: 'active',
    value: 'filed',
    context: { padding: 'x'.repeat(1200) },
    children: {},
    historyValue: {},
  });
  const now = () => new Date().toISOString().slice(0, 23).replace('T', ' ');

  const compound = target.name === 'mariadb';
  const operationColumns =
    'group_id = ?, kind = ?, state = ?, title = ?, problem_source = ?, location = ?, lead_squad_id = ?, host_squad_id = ?, designated_commander_id = ?, planned_start = ?, planned_hours = ?, holding_days = ?, filed_at = ?, approved_at = ?, actual_start = ?, actual_end = ?, actual_hours = ?, counts_toward_minimum = ?, holding_deadline = ?, updated_at = ?';
  const operationValues = () => [
    1,
    'regular',
    'x',
    '基准测试联动',
    'hotspot',
    '基准路',
    1,
    1,
    null,
    now(),
    4,
    7,
    now(),
    now(),
    now(),
    null,
    null,
    null,
    null,
    now(),
  ];
  let resultSquads: Array<{ id: number }> | null = null;
  // The bearer token's principal is kept by the server (OrgService.authenticateToken's `reuse`): not read per
  // event, but checked in the version bump by the token's principal version (org.queries.ts principalHolds).
  let principal: { id: number; version: number } | null = null;
  // The record as the server last wrote it (RecentRecords): read for FILE, the first event of each operation
  // here (the server reads it for some FILEs only: the bench creates every plan first, and keeps 1,000 copies).
  const versions = new Map<number, number>();
  const event = async (q: Exec, id: number, type: (typeof EVENTS)[number]) => {
    principal ??= (
      (await q('SELECT id, principal_version AS version FROM api_tokens ORDER BY id LIMIT 1')) as Array<{
        id: number;
        version: number;
      }>
    )[0];
    // COMPLETE's squads by code: their ids are read once (a code never changes: OrgService.squadIdsByCodes).
    if (type === 'COMPLETE')
      resultSquads ??= (await q('SELECT id, code FROM squads WHERE brigade_id = ? AND code IN (?, ?)', [
        1,
        'waitan',
        'nanjingdonglu',
      ])) as Array<{ id: number }>;
    const squads = type === 'COMPLETE' ? (resultSquads ?? []) : [];
    const known = versions.get(id);
    const row =
      type === 'FILE' || known === undefined
        ? (
            (await q(
              'SELECT id, brigade_id, machine_version, version, snapshot, head_hash, open_deadlines, open_deadlines_version FROM workflow_instances WHERE id = ? AND workflow = ? AND brigade_id = ?',
              [id, 'operation', 1],
            )) as Array<{ version: number }>
          )[0]
        : { version: known };
    versions.set(id, row.version + 1);
    if (type === 'FILE') await q('SELECT id, group_id, active FROM squads WHERE brigade_id = ?', [1]);
    // COMPLETE's lines say nothing of goods (they take the ledger's count as they are written): the ledger is not read.
    const hash = 'f'.repeat(64);
    // A change of state closes the time limits the state left opened: filed's decision and in_progress's results
    // (draft and approved open none, and LOG_INCIDENT stays); the version bump says how many its state opened.
    const closes = type === 'APPROVE' || type === 'COMPLETE';
    const instance = [snapshot, 'x', row.version + 1, 1, now(), hash, type === 'APPROVE' ? 0 : 1, row.version + 1];
    const close = "closed_at = ?, outcome = CASE WHEN due_at >= ? THEN 'met' ELSE 'late' END";
    // The step's writes, in the engine's order: on MariaDB one anonymous compound statement (writeTogether).
    // First the writes to rows that exist, three single-table UPDATEs, as the engine sends them.
    const writes: Array<[string, unknown[]]> = [
      [
        'UPDATE workflow_instances SET snapshot = ?, state = ?, version = ?, machine_version = ?, updated_at = ?, head_hash = ?, open_deadlines = ?, open_deadlines_version = ? WHERE id = ? AND version = ? AND (SELECT t.principal_version FROM api_tokens t WHERE t.id = ?) = ?',
        [...instance, id, row.version, principal.id, principal.version],
      ],
    ];
    if (closes)
      writes.push([
        `UPDATE workflow_deadlines SET ${close} WHERE instance_id = ? AND closed_at IS NULL`,
        [now(), now(), id],
      ]);
    writes.push([`UPDATE operations SET ${operationColumns} WHERE id = ?`, [...operationValues(), id]]);
    writes.push([
      'INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash, attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        1,
        row.version + 1000,
        1,
        'bench',
        'squad_leader',
        type,
        '{"results":[]}',
        'a',
        'b',
        row.version + 1000,
        now(),
        now(),
        hash,
        hash,
        attemptId(),
      ],
    ]);
    if (type === 'FILE' || type === 'APPROVE' || type === 'LOG_INCIDENT') {
      writes.push([
        'INSERT INTO outbox (brigade_id, instance_id, history_seq, workflow, topic, payload, created_at, available_at, delivered_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL)',
        [1, id, row.version + 1000, 'operation', 'operation.x', '{}', now(), now()],
      ]);
    }
    if (type === 'FILE' || type === 'START' || type === 'COMPLETE') {
      writes.push([
        'INSERT INTO workflow_deadlines (brigade_id, instance_id, workflow, kind, state, starts_at, due_at, event, closed_at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)',
        [1, id, 'operation', 'bench', 'x', now(), now()],
      ]);
    }
    if (type === 'LOG_INCIDENT') {
      writes.push([
        'INSERT INTO operation_incidents (operation_id, brigade_id, type, severity, occurred_at, injuries, description, response, informed, reported_by, history_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [id, 1, 'verbal_abuse', 'minor', now(), 0, '辱骂', '劝离', '', 1, row.version + 1000],
      ]);
    }
    // The squads' result lines, as the engine writes them.
    const lines = squads.map((squad) => ({ squadId: squad.id, officers: 4, vehicles: 1, educated: 5, handled: 1 }));
    for (const line of resultLinesStatements(id, lines)) writes.push([line.text, line.params]);
    if (type === 'FILE') {
      // The plan's number, last in the block as the engine sends it: the year's counter upserted, then read
      // into the operation's row by a subquery.
      const year = new Date().getUTCFullYear();
      writes.push(
        [
          compound
            ? 'INSERT INTO record_numbers (brigade_id, kind, year, last_number) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE last_number = last_number + 1'
            : 'INSERT INTO record_numbers (brigade_id, kind, year, last_number) VALUES (?, ?, ?, ?) ON CONFLICT (brigade_id, kind, year) DO UPDATE SET last_number = last_number + 1',
          [1, 'operation', year, 1],
        ],
        [
          'UPDATE operations SET number_year = ?, number_seq = (SELECT last_number FROM record_numbers WHERE brigade_id = ? AND kind = ? AND year = ?) + 1000000 WHERE id = ?',
          [1999, 1, 'operation', year, id],
        ],
      );
    }
    if (compound) {
      // As the engine's deferred transaction sends a step that nothing follows: its reads above outside the
      // transaction, which opens and commits in the block.
      const [guard, ...rest] = writes;
      await q(
        `${OPENING}${guard[0]}; IF ROW_COUNT() = 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'stale'; END IF; ${rest.map((w) => `${w[0]};`).join(' ')}${CLOSING}`,
        writes.flatMap((w) => w[1]),
      );
    } else {
      for (const [text, params] of writes) await q(text, params);
    }
  };

  // Like the API clients: each worker carries one operation through its events, one transaction each.
  return sendRaw(target, ids, clients, clients, event, { ownTransaction: compound });
}

/**
 * The *minimal durable event* (issue 14): what any durable, versioned event
 * must cost at least — read the instance row, bump its version on condition,
 * insert one history row, commit: four statements, one transaction, on the
 * app's own tables (workflow_instances, workflow_history) and the operations
 * the API run created. Same number of events per operation (five) and of
 * concurrent clients as the API run, on a pool as large as the server's.
 */
async function minimalDurableEvent(target: Target, ids: number[], clients: number, poolSize: number): Promise<Timing> {
  const now = () => new Date().toISOString().slice(0, 23).replace('T', ' ');
  const hash = 'e'.repeat(64);
  const event = async (q: Exec, id: number, type: (typeof EVENTS)[number]) => {
    const [row] = (await q('SELECT id, version FROM workflow_instances WHERE id = ?', [id])) as Array<{
      version: number;
    }>;
    await q('UPDATE workflow_instances SET version = version + 1 WHERE id = ? AND version = ?', [id, row.version]);
    await q(
      'INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash, attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        1,
        row.version + 2000,
        1,
        'bench',
        'squad_leader',
        type,
        '{}',
        'a',
        'b',
        row.version + 1,
        now(),
        now(),
        hash,
        hash,
        attemptId(),
      ],
    );
  };

  return sendRaw(target, ids, clients, poolSize, event);
}

type Exec = (sql: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * Sends each operation's five events straight to the database, one
 * transaction per event: on SQLite one writer at a time (as the server's
 * single connection), on MariaDB `clients` workers on a pool of `poolSize`,
 * each carrying one operation through its events. The latency of an event
 * includes its wait for a connection.
 */
async function sendRaw(
  target: Target,
  ids: number[],
  clients: number,
  poolSize: number,
  event: (q: Exec, id: number, type: (typeof EVENTS)[number]) => Promise<void>,
  /** On MariaDB: `event` opens and commits its transaction itself (the ceiling, as the engine's deferred steps). */
  opts: { ownTransaction?: boolean } = {},
): Promise<Timing> {
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
      for (const type of EVENTS) {
        const started = performance.now();
        db.exec('BEGIN IMMEDIATE');
        await event(q, id, type);
        db.exec('COMMIT');
        latencies.push(performance.now() - started);
      }
    }
    db.close();
  } else {
    const mysql = await import('mysql2/promise');
    const u = new URL(target.url);
    const socketPath = u.searchParams.get('socket');
    const poolConn = mysql.createPool({
      host: u.hostname,
      port: Number(u.port || 3306),
      ...(socketPath ? { socketPath } : {}),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
      connectionLimit: poolSize,
      timezone: 'Z',
    });
    await pool(ids, clients, async (id) => {
      for (const type of EVENTS) {
        const started = performance.now();
        const conn = await poolConn.getConnection();
        try {
          if (!opts.ownTransaction) await conn.query('START TRANSACTION');
          await event(async (sql, params) => (await conn.query(sql, params as never[]))[0] as unknown[], id, type);
          if (!opts.ownTransaction) await conn.query('COMMIT');
        } catch (err) {
          if (!opts.ownTransaction) await conn.query('ROLLBACK');
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

/** Outbox rows not yet delivered (read straight from the database). */
async function outboxBacklog(target: Target): Promise<number> {
  const query = 'SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL';
  if (target.name === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(target.url.slice('sqlite:'.length), { readonly: true });
    try {
      return Number((db.prepare(query).get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection(target.url);
  try {
    const [rows] = (await conn.query(query)) as unknown as [Array<{ n: number }>];
    return Number(rows[0].n);
  } finally {
    await conn.end();
  }
}

/**
 * CPU seconds (user + system) of the server process and, when it runs on this
 * machine, of the MariaDB server (its pid file): what each event costs in all,
 * whichever of the two waits for the other.
 */
function cpuSeconds(pid: number, target: Target): { server: number; database: number | null } {
  const of = (p: number) => {
    const fields = fs
      .readFileSync(`/proc/${p}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  };
  let database: number | null = null;
  if (target.name === 'mariadb') {
    try {
      database = of(Number(fs.readFileSync('/run/mysqld/mysqld.pid', 'utf8').trim()));
    } catch {
      database = null;
    }
  }
  return { server: of(pid), database };
}

/** CPU milliseconds of the server and the database (when read) per request, between two readings of `cpuSeconds`. */
function cpuMsPer(
  before: ReturnType<typeof cpuSeconds>,
  after: ReturnType<typeof cpuSeconds>,
  count: number,
): { server: number; database: number | null } {
  const per = (seconds: number) => Math.round((seconds / count) * 1e4) / 10;
  return {
    server: per(after.server - before.server),
    database: after.database === null || before.database === null ? null : per(after.database - before.database),
  };
}

/** Statements the MariaDB server executed, by kind (Com_select, Com_insert …), to compare ours with the ceiling's. */
async function statementCounts(url: string): Promise<Record<string, number>> {
  const mysql = await import('mysql2/promise');
  const u = new URL(url);
  const conn = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  const [rows] = await conn.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_select', 'Com_insert', 'Com_insert_select', 'Com_replace', 'Com_update', 'Com_update_multi', 'Com_delete', 'Com_delete_multi', 'Com_commit', 'Com_begin', 'Questions')",
  );
  await conn.end();
  return Object.fromEntries(
    (rows as Array<{ Variable_name: string; Value: string }>).map((r) => [
      r.Variable_name.replace('Com_', ''),
      Number(r.Value),
    ]),
  );
}

function perEvent(
  before: Record<string, number>,
  after: Record<string, number>,
  events: number,
): Record<string, number> {
  const per = (k: string) => Math.round(((after[k] - before[k]) / events) * 10) / 10;
  // `statements`: the transactions' statements (begin, commit and the DML), as issue 14 counts them.
  // A multi-table UPDATE (the engine's step on MySQL) would be counted apart, as update_multi, and an
  // INSERT … SELECT or a REPLACE as theirs: each is a statement all the same.
  const kinds = [
    'begin',
    'commit',
    'select',
    'insert',
    'insert_select',
    'replace',
    'update',
    'update_multi',
    'delete',
    'delete_multi',
  ];
  const statements = kinds.reduce((sum, k) => sum + (after[k] - before[k]), 0);
  return {
    ...Object.fromEntries(Object.keys(after).map((k) => [k, per(k)])),
    statements: Math.round((statements / events) * 10) / 10,
  };
}

/** The server's CPU profile of a run, kept under bench-output/, and its ten functions of most self time. */
function profileOf(dir: string, name: string): { file: string; totalMs: number; top: SelfTime[] } | null {
  const written = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!written) return null;
  const file = path.join(ROOT_OUTPUT, `engine-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  fs.mkdirSync(ROOT_OUTPUT, { recursive: true });
  fs.renameSync(path.join(dir, written), file);
  fs.rmSync(dir, { recursive: true, force: true });
  return { file: path.relative(process.cwd(), file), ...topSelfTime(file) };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  // Issue 15: on the Galera cluster, three instances beside one (bench/engine-cluster.bench.ts).
  if (args.includes('--cluster')) return (await import('./engine-cluster.bench')).runCluster(args);
  const operations = Number(arg(args, 'operations', '10000'));
  const clients = Number(arg(args, 'clients', '32'));
  const dbs = arg(args, 'db', 'sqlite,mariadb').split(',');
  // The server's pool (DATABASE_POOL_SIZE), and the minimal durable event's: as many as the clients unless said.
  const poolSize = Number(arg(args, 'pool', String(Math.max(clients, 20))));
  const profile = args.includes('--profile');
  // Each way, per packet, to MariaDB (a relay; at least 1 ms): round trips priced as across a network.
  const dbDelayMs = Number(arg(args, 'db-delay', '0'));
  // A path: the server, the ceiling and the minimal event reach MariaDB through its Unix socket (not TCP).
  const socketAt = args.indexOf('--socket');
  const socket =
    socketAt < 0
      ? null
      : args[socketAt + 1] && !args[socketAt + 1].startsWith('--')
        ? args[socketAt + 1]
        : '/run/mysqld/mysqld.sock';
  const report: Record<string, unknown> = {
    operations,
    clients,
    poolSize,
    dbDelayMs,
    socket,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
  };
  for (const name of dbs) {
    const target = await prepareTarget(name);
    process.stdout.write(
      `\n[${name}] ${operations} operations, ${clients} clients${dbDelayMs && name === 'mariadb' ? `, ${dbDelayMs} ms each way to the database` : ''}${socket && !dbDelayMs && name === 'mariadb' ? `, through the socket ${socket}` : ''} …\n`,
    );
    try {
      const r = await benchTarget(target, operations, clients, poolSize, profile, dbDelayMs, socket);
      report[name] = r;
      process.stdout.write(
        [
          `  create (POST /operations): ${r.creates.perSecond}/s  p50 ${r.creates.p50} ms  p99 ${r.creates.p99} ms  errors ${r.creates.errors}`,
          `  CPU per create:            server ${r.cpuMsPerCreate.server} ms${r.cpuMsPerCreate.database === null ? '' : `, database ${r.cpuMsPerCreate.database} ms`}${r.statementsPerCreate ? `; statements ${r.statementsPerCreate.statements}, round trips ${r.statementsPerCreate.Questions}` : ''}`,
          `  events (POST …/events):    ${r.events.perSecond}/s  p50 ${r.events.p50} ms  p99 ${r.events.p99} ms  errors ${r.events.errors}  (${r.events.count} events in ${r.events.seconds} s)`,
          `  server peak RSS:           ${r.peakRssMiB} MiB`,
          `  notifications:             ${r.outbox.backlogAtEnd} outbox rows undelivered when the last event was answered, delivered ${r.outbox.drainSeconds} s later${r.outbox.backlogAfter ? ` (${r.outbox.backlogAfter} still not)` : ''}`,
          `  CPU per event:             server ${r.cpuMsPerEvent.server} ms${r.cpuMsPerEvent.database === null ? '' : `, database ${r.cpuMsPerEvent.database} ms`} (events and their notifications); the bench's clients ${r.cpuMsPerEvent.benchClients} ms`,
          `  database ceiling:          ${r.ceiling.perSecond} events/s  p50 ${r.ceiling.p50} ms  p99 ${r.ceiling.p99} ms (same statements, raw driver)`,
          `  minimal durable event:     ${r.minimal.perSecond} events/s  p50 ${r.minimal.p50} ms  p99 ${r.minimal.p99} ms (read, version bump, history row, commit)`,
          `  ratio (ours / ceiling):    ${r.ratio}`,
          `  ratio (ours / minimal):    ${r.ratioToMinimal}`,
          ...(r.statementsPerEvent
            ? [
                `  statements per event:      ours ${JSON.stringify(r.statementsPerEvent.ours)}`,
                `                             ceiling ${JSON.stringify(r.statementsPerEvent.ceiling)}`,
                `                             minimal ${JSON.stringify(r.statementsPerEvent.minimal)}`,
              ]
            : []),
          ...(r.serverProfile
            ? [
                `  server profile:            ${r.serverProfile.totalMs} ms sampled, top self time (${r.serverProfile.file}):`,
                ...r.serverProfile.top.map((l) => `    ${String(l.ms).padStart(7)} ms  ${l.name}  ${l.where}`),
              ]
            : []),
          ...(r.firstError.length
            ? [`  first errors: ${JSON.stringify(r.firstError)}`, ...r.serverErrors.map((l) => `  server: ${l}`)]
            : []),
        ].join('\n') + '\n',
      );
    } finally {
      await target.cleanup();
    }
  }
  process.stdout.write(`\nwritten to ${writeResult('engine', report)}\n`);
  return report;
}
