/**
 * A 3-node MariaDB Galera cluster on this machine, for tests, benchmarks and trying
 * things out (issue 15), from the installed Debian packages (mariadb-server, galera-4):
 *
 *   npm run cluster -- up       start it (idempotent: says so when it is up already)
 *   npm run cluster -- status   each node's port, wsrep_cluster_size and state; exit 1 unless all 3 are Synced
 *   npm run cluster -- down     stop the nodes and remove their folder
 *
 * Nodes answer on 127.0.0.1:3307–3309 as root with an empty password, database `test`.
 * Data lives in os.tmpdir()/liandong-cluster (LIANDONG_CLUSTER_DIR), with a state file
 * naming each node's pid. Never `galera_new_cluster` (it restarts the machine's own
 * MariaDB through systemctl) and never the server on 3306: node 1 is bootstrapped
 * with `--wsrep-new-cluster`, nodes 2 and 3 join it one after the other (shared/STACK.md).
 *
 * The tests of the `cluster` project use the exported helpers: `killNode` (kill -9 of a
 * node's mariadbd) and `restartNode` (rejoin by IST after `--wsrep-recover`, wait Synced).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

export const NODES = [1, 2, 3] as const;
export type NodeNo = (typeof NODES)[number];

export const CLUSTER_DIR = process.env.LIANDONG_CLUSTER_DIR || path.join(os.tmpdir(), 'liandong-cluster');
const STATE_FILE = path.join(CLUSTER_DIR, 'state.json');
const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const GALERA = '/usr/lib/galera/libgalera_smm.so';
const AS_ROOT = process.getuid?.() === 0;

/** The client port of node `i` (3307–3309). */
export function nodePort(i: NodeNo): number {
  return 3306 + i;
}
/** Galera's group-communication port of node `i` (4567, 4577, 4587); IST receives on the next one. */
function galeraPort(i: NodeNo): number {
  return 4557 + 10 * i;
}
/** A DATABASE_URL for `database` on node `i`. */
export function nodeUrl(i: NodeNo, database = 'test'): string {
  return `mysql://root:@127.0.0.1:${nodePort(i)}/${database}`;
}
/** DATABASE_HOSTS for the whole cluster: `127.0.0.1:3307,127.0.0.1:3308,127.0.0.1:3309`. */
export const CLUSTER_HOSTS = NODES.map((i) => `127.0.0.1:${nodePort(i)}`).join(',');

const nodeDir = (i: NodeNo) => path.join(CLUSTER_DIR, `node${i}`);
const cnfFile = (i: NodeNo) => path.join(nodeDir(i), 'my.cnf');
const logFile = (i: NodeNo) => path.join(nodeDir(i), 'error.log');
const socketFile = (i: NodeNo) => path.join(nodeDir(i), 'mysqld.sock');

interface State {
  pids: Partial<Record<NodeNo, number>>;
}

function readState(): State {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as State;
  } catch {
    return { pids: {} };
  }
}

function writeState(state: State): void {
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

function alive(pid: number | undefined): pid is number {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function myCnf(i: NodeNo): string {
  const dir = nodeDir(i);
  const g = galeraPort(i);
  const members = NODES.map((n) => `127.0.0.1:${galeraPort(n)}`).join(',');
  return `[mysqld]
datadir=${path.join(dir, 'data')}
# Each node its own: three mariadb-install-db at once in one /tmp were seen to trip over each other's temporary tables.
tmpdir=${path.join(dir, 'tmp')}
socket=${socketFile(i)}
pid-file=${path.join(dir, 'mysqld.pid')}
log-error=${logFile(i)}
port=${nodePort(i)}
bind-address=127.0.0.1
# A --defaults-file drops the machine's own config: without this, TCP from 127.0.0.1 meets root@localhost's unix_socket auth (1698).
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default_storage_engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
# Small, so 3 nodes fit beside everything else on the machine.
innodb_buffer_pool_size=96M
innodb_log_file_size=48M
performance_schema=OFF
max_connections=400
# Durability comes from the other nodes holding each write set; the log is flushed once a second.
innodb_flush_log_at_trx_commit=2
wsrep_on=ON
wsrep_provider=${GALERA}
wsrep_cluster_name=liandong
wsrep_cluster_address=gcomm://${members}
wsrep_node_address=127.0.0.1:${g}
wsrep_node_name=node${i}
wsrep_provider_options="base_port=${g};gmcast.listen_addr=tcp://127.0.0.1:${g};ist.recv_addr=127.0.0.1:${g + 1};gcache.size=128M"
wsrep_slave_threads=2
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:${4434 + 10 * i}
`;
}

/** Connects to node `i` over TCP (root@127.0.0.1). */
export function connectNode(i: NodeNo, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: nodePort(i),
    user: 'root',
    password: '',
    database,
    connectTimeout: 3000,
  });
}

export interface NodeStatus {
  node: NodeNo;
  port: number;
  clusterSize: number | null;
  state: string;
  error?: string;
}

/** Asks node `i` for its cluster size and state (Synced, Donor/Desynced, Joining …); never throws. */
export async function nodeStatus(i: NodeNo): Promise<NodeStatus> {
  try {
    const c = await connectNode(i);
    try {
      const [rows] = await c.query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
      );
      const v = Object.fromEntries(
        (rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, r.Value]),
      );
      const primary = v.wsrep_cluster_status === 'Primary';
      return {
        node: i,
        port: nodePort(i),
        clusterSize: v.wsrep_cluster_size ? Number(v.wsrep_cluster_size) : null,
        state: primary
          ? (v.wsrep_local_state_comment ?? '?')
          : `${v.wsrep_local_state_comment} (${v.wsrep_cluster_status})`,
      };
    } finally {
      await c.end();
    }
  } catch (e) {
    return { node: i, port: nodePort(i), clusterSize: null, state: 'down', error: (e as Error).message };
  }
}

export async function clusterStatus(): Promise<NodeStatus[]> {
  return Promise.all(NODES.map(nodeStatus));
}

/** Whether all 3 nodes answer, Synced, in a cluster of 3. */
export async function clusterIsUp(): Promise<boolean> {
  const all = await clusterStatus();
  return all.every((s) => s.state === 'Synced' && s.clusterSize === NODES.length);
}

/** Waits until node `i` answers Synced (and, when given, in a cluster of `size`). */
export async function waitSynced(
  i: NodeNo,
  opts: { size?: number; timeoutMs?: number; pid?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last: NodeStatus | null = null;
  while (Date.now() < deadline) {
    last = await nodeStatus(i);
    if (last.state === 'Synced' && (opts.size === undefined || last.clusterSize === opts.size)) return;
    if (opts.pid !== undefined && !alive(opts.pid)) break;
    await sleep(500);
  }
  throw new Error(
    `node ${i} (port ${nodePort(i)}) is not Synced: ${last?.state ?? '?'} ${last?.error ?? ''}\n--- ${logFile(i)} (tail)\n${tail(logFile(i))}`,
  );
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function chownToMysql(p: string): void {
  if (AS_ROOT) execFileSync('chown', ['-R', 'mysql:mysql', p]);
}

/** Starts node `i`'s mariadbd in the background (detached: it outlives this script); returns its pid. */
function startMariadbd(i: NodeNo, extra: string[]): number {
  const args = [`--defaults-file=${cnfFile(i)}`, ...(AS_ROOT ? ['--user=mysql'] : []), ...extra];
  const child = spawn(MARIADBD, args, { detached: true, stdio: 'ignore' });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${MARIADBD} for node ${i}`);
  const state = readState();
  state.pids[i] = child.pid;
  writeState(state);
  return child.pid;
}

/** Starts the cluster: node 1 bootstrapped, then 2 and 3 joined by SST. Says so when it is up already. */
export async function clusterUp(log: (line: string) => void = () => undefined): Promise<void> {
  if (await clusterIsUp()) {
    log(`cluster already up (${CLUSTER_DIR})`);
    return;
  }
  if (fs.existsSync(CLUSTER_DIR) || (await clusterStatus()).some((s) => s.state !== 'down')) {
    log('a partial cluster is there: stopping it first');
    await clusterDown(log);
  }
  for (const i of NODES) {
    const busy = await nodeStatus(i);
    if (busy.state !== 'down')
      throw new Error(`port ${busy.port} answers already, and not as a node of ours: stop that server first`);
  }
  fs.mkdirSync(CLUSTER_DIR, { recursive: true, mode: 0o755 });
  fs.chmodSync(CLUSTER_DIR, 0o755);
  writeState({ pids: {} });
  for (const i of NODES) {
    fs.mkdirSync(path.join(nodeDir(i), 'data'), { recursive: true });
    fs.mkdirSync(path.join(nodeDir(i), 'tmp'), { recursive: true });
    fs.writeFileSync(cnfFile(i), myCnf(i));
    chownToMysql(nodeDir(i));
  }
  const started = Date.now();
  log('initialising 3 data directories');
  // 'normal': root@localhost by socket with no password, whoever runs this (not only the OS root).
  const install = (i: NodeNo) =>
    new Promise<void>((resolve, reject) => {
      const args = [
        `--defaults-file=${cnfFile(i)}`,
        ...(AS_ROOT ? ['--user=mysql'] : []),
        `--datadir=${path.join(nodeDir(i), 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ];
      const p = spawn(INSTALL_DB, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      p.on('error', reject);
      p.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`mariadb-install-db node ${i}: ${out}\n${tail(logFile(i))}`)),
      );
    });
  // All three at once; one that failed is tried again alone, in a clean data directory.
  const results = await Promise.allSettled(NODES.map(install));
  for (const [k, r] of results.entries()) {
    if (r.status === 'fulfilled') continue;
    const i = NODES[k];
    log(`node ${i}: initialising again (${(r.reason as Error).message.split('\n')[0]})`);
    fs.rmSync(path.join(nodeDir(i), 'data'), { recursive: true, force: true });
    fs.mkdirSync(path.join(nodeDir(i), 'data'));
    chownToMysql(nodeDir(i));
    await install(i);
  }
  log('node 1: bootstrapping a new cluster');
  const pid1 = startMariadbd(1, ['--wsrep-new-cluster']);
  await waitForSocket(1, pid1);
  // Over node 1's socket: the TCP user every client uses, and the database the tests use; both replicate.
  const admin = await mysql.createConnection({ socketPath: socketFile(1), user: 'root', password: '' });
  await admin.query("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''");
  await admin.query("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
  await admin.query('CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await admin.end();
  await waitSynced(1, { pid: pid1 });
  for (const i of [2, 3] as const) {
    log(`node ${i}: joining`);
    const pid = startMariadbd(i, []);
    await waitSynced(i, { pid, size: i });
  }
  log(`cluster up in ${Math.round((Date.now() - started) / 1000)} s (${CLUSTER_DIR})`);
}

async function waitForSocket(i: NodeNo, pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) break;
    try {
      const c = await mysql.createConnection({ socketPath: socketFile(i), user: 'root', password: '' });
      await c.end();
      return;
    } catch {
      await sleep(300);
    }
  }
  throw new Error(`node ${i} did not start\n--- ${logFile(i)} (tail)\n${tail(logFile(i))}`);
}

/** The pids of node `i`'s mariadbd: from the state file and its pid file. */
function pidsOf(i: NodeNo): number[] {
  const pids = new Set<number>();
  const fromState = readState().pids[i];
  if (alive(fromState)) pids.add(fromState);
  try {
    const p = Number(fs.readFileSync(path.join(nodeDir(i), 'mysqld.pid'), 'utf8').trim());
    if (alive(p)) pids.add(p);
  } catch {
    // no pid file: not running
  }
  return [...pids];
}

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(alive)) return true;
    await sleep(200);
  }
  return !pids.some(alive);
}

/** Stops every node (SIGTERM, then SIGKILL after 30 s) and removes the cluster's folder. */
export async function clusterDown(log: (line: string) => void = () => undefined): Promise<void> {
  // The last nodes first: node 1 leaving first would make the others elect a new primary for nothing.
  for (const i of [...NODES].reverse()) {
    const pids = pidsOf(i);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    if (pids.length && !(await waitGone(pids, 30_000))) {
      log(`node ${i}: did not stop in 30 s, killing it`);
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      await waitGone(pids, 5_000);
    }
    if (pids.length) log(`node ${i}: stopped`);
  }
  fs.rmSync(CLUSTER_DIR, { recursive: true, force: true });
  log(`removed ${CLUSTER_DIR}`);
}

/** `kill -9` of node `i`'s mariadbd (a crash: nothing is flushed, its grastate keeps seqno -1). */
export async function killNode(i: NodeNo): Promise<void> {
  const pids = pidsOf(i);
  if (!pids.length) throw new Error(`node ${i} is not running`);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitGone(pids, 10_000);
}

/**
 * Restarts a killed node and waits until it is Synced in a cluster of 3. After a
 * kill -9 its grastate says seqno -1, which would mean a full SST: `--wsrep-recover`
 * reads the last committed position from InnoDB first, and starting at it rejoins
 * by IST (only the write sets it missed, from a survivor's gcache).
 */
export async function restartNode(i: NodeNo, timeoutMs = 180_000): Promise<void> {
  const logBefore = fs.existsSync(logFile(i)) ? fs.statSync(logFile(i)).size : 0;
  await new Promise<void>((resolve, reject) => {
    const args = [`--defaults-file=${cnfFile(i)}`, ...(AS_ROOT ? ['--user=mysql'] : []), '--wsrep-recover'];
    const p = spawn(MARIADBD, args, { stdio: 'ignore' });
    p.on('error', reject);
    p.on('close', () => resolve());
  });
  const recovered = fs
    .readFileSync(logFile(i), 'utf8')
    .slice(logBefore)
    .match(/WSREP: Recovered position: ([0-9a-f-]+:-?\d+)/);
  const extra = recovered && !recovered[1].endsWith(':-1') ? [`--wsrep-start-position=${recovered[1]}`] : [];
  const pid = startMariadbd(i, extra);
  await waitSynced(i, { pid, size: NODES.length, timeoutMs });
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const log = (line: string) => console.log(`[cluster] ${line}`);
  if (command === 'up') {
    await clusterUp(log);
    await printStatus();
  } else if (command === 'down') {
    await clusterDown(log);
  } else if (command === 'status') {
    if (!(await printStatus())) process.exitCode = 1;
  } else {
    console.error('usage: npm run cluster -- up|down|status');
    process.exitCode = 2;
  }
}

async function printStatus(): Promise<boolean> {
  const all = await clusterStatus();
  for (const s of all) {
    console.log(
      `node ${s.node}  127.0.0.1:${s.port}  wsrep_cluster_size=${s.clusterSize ?? '-'}  wsrep_local_state_comment=${s.state}`,
    );
  }
  const ok = all.every((s) => s.state === 'Synced' && s.clusterSize === NODES.length);
  console.log(ok ? 'all 3 nodes Synced' : 'NOT all 3 nodes Synced');
  return ok;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
