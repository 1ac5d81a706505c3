/**
 * `npm run bench -- engine --cluster [--operations 1000] [--clients 24] [--pool N]`
 *
 * The engine bench on the 3-node Galera cluster of `npm run cluster -- up`
 * (started here if it is not up, and stopped again afterwards): in the same
 * run, one instance on one node; three instances, one on each node (each with
 * DATABASE_HOSTS naming all three); and three instances all writing through
 * node 1 (the others only their failover: docs/deploy.md's advice). Every
 * request goes to the next instance in turn, as nginx's upstream does, so an
 * operation's next event often reaches another node than its last (Galera's
 * causal reads, wsrep_sync_wait, make that safe). Each part creates its own
 * operations and carries them through FILE, APPROVE, START, LOG_INCIDENT and
 * COMPLETE.
 * Prints events/s, p50/p99, answers by status (5xx must be 0), and the
 * conflicts: Galera's certification failures and brute-force aborts on the
 * nodes, and the retries the instances made (their /metrics).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import {
  CLUSTER_HOSTS,
  clusterDown,
  clusterIsUp,
  clusterUp,
  connectNode,
  NODES,
  type NodeNo,
  nodeUrl,
} from '../scripts/cluster';
import { createPlans, GROUPS, sendEvents, type Timing } from './engine-requests';
import { arg, jsonClient, peakRssMiB, startServer, writeResult } from './support';

const METRICS_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

interface Part {
  instances: number;
  creates: Timing;
  events: Timing;
  statuses: Record<string, number>;
  /** Galera's own count of transactions it refused or aborted on conflict, summed over the nodes. */
  galeraConflicts: { certFailures: number; bfAborts: number };
  /** What the instances retried (their liandong_db_retries_total), or null when their /metrics did not say. */
  retried: Record<string, number> | null;
  peakRssMiB: number[];
  firstErrors: unknown[];
}

async function galeraCounters(): Promise<{ certFailures: number; bfAborts: number }> {
  let certFailures = 0;
  let bfAborts = 0;
  for (const i of NODES) {
    const c = await connectNode(i);
    try {
      const [rows] = await c.query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')",
      );
      for (const r of rows as Array<{ Variable_name: string; Value: string }>) {
        if (r.Variable_name === 'wsrep_local_cert_failures') certFailures += Number(r.Value);
        else bfAborts += Number(r.Value);
      }
    } finally {
      await c.end();
    }
  }
  return { certFailures, bfAborts };
}

/** The retries one instance counted, by reason, from its Prometheus metrics; null when it has none. */
async function retriesOf(url: string): Promise<Record<string, number> | null> {
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.status !== 200) return null;
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^liandong_db_retries_total\{reason="([^"]+)"\} (\d+(?:\.\d+)?)$/gm))
    out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  return out;
}

async function runPart(
  database: string,
  /** The node of each instance's DATABASE_URL. */
  nodes: NodeNo[],
  tokens: Record<string, string>,
  operations: number,
  clients: number,
  poolSize: number,
): Promise<Part> {
  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  for (const node of nodes)
    servers.push(
      await startServer({
        DATABASE_URL: nodeUrl(node, database),
        ...(nodes.length > 1 ? { DATABASE_HOSTS: CLUSTER_HOSTS } : {}), // several instances: failover as in production
        DATABASE_POOL_SIZE: String(poolSize),
        SEED_DEMO: '0',
        // The events alone: no scheduled job competes (the outbox is still delivered after each commit).
        JOBS: '0',
        METRICS_TOKEN,
        INSTANCE_NAME: `bench-node${node}-${servers.length + 1}`,
      }),
    );
  const statuses: Record<string, number> = {};
  const firstErrors: unknown[] = [];
  let turn = 0;
  const client = jsonClient(clients);
  const call = async (user: string, urlPath: string, body: unknown) => {
    // Round robin over the instances, request by request, as nginx's upstream does.
    const server = servers[turn++ % servers.length];
    const res = await client.request(
      `${server.url}${urlPath}`,
      'POST',
      { Authorization: `Bearer ${tokens[user]}` },
      body,
    );
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 300 && firstErrors.length < 3) firstErrors.push({ urlPath, status: res.status, body: res.json });
    return res;
  };
  try {
    const before = await galeraCounters();
    const { created, creates } = await createPlans(call, operations, clients);
    const events = await sendEvents(call, created, clients);
    const after = await galeraCounters();
    const counted = await Promise.all(servers.map((s) => retriesOf(s.url)));
    const retried = counted.every((c) => c === null)
      ? null
      : counted.reduce<Record<string, number>>((sum, c) => {
          for (const [k, v] of Object.entries(c ?? {})) sum[k] = (sum[k] ?? 0) + v;
          return sum;
        }, {});
    return {
      instances: servers.length,
      creates,
      events,
      statuses,
      galeraConflicts: {
        certFailures: after.certFailures - before.certFailures,
        bfAborts: after.bfAborts - before.bfAborts,
      },
      retried,
      peakRssMiB: servers.map((s) => peakRssMiB(s.child.pid!)),
      firstErrors,
    };
  } finally {
    client.close();
    for (const s of servers) await s.stop();
  }
}

export async function runCluster(args: string[]): Promise<Record<string, unknown>> {
  const operations = Number(arg(args, 'operations', '1000'));
  const clients = Number(arg(args, 'clients', '24'));
  const poolSize = Number(arg(args, 'pool', '20'));
  const startedHere = !(await clusterIsUp());
  if (startedHere) {
    process.stdout.write('The cluster is not up: starting it (npm run cluster -- up) …\n');
    await clusterUp((line) => process.stdout.write(`  ${line}\n`));
  }
  const database = `ld_bench_cluster_${randomBytes(3).toString('hex')}`;
  const admin = await connectNode(1);
  await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const report: Record<string, unknown> = {
    operations,
    clients,
    poolSize,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
  };
  try {
    // The reference organisation and the callers' tokens, through node 1 (Galera replicates them).
    const config = loadConfig({ ...process.env, DATABASE_URL: nodeUrl(1, database), SCRYPT_COST: '1024' });
    const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
    const users = ['duty', ...GROUPS.flatMap((g) => [`${g.host}.leader`, `${g.other}.officer`])];
    const tokens = Object.fromEntries(
      await Promise.all(users.map(async (u) => [u, await services.org.issueToken(u, 'bench')] as const)),
    );
    await services.db.close();

    const parts: Array<[string, string, NodeNo[]]> = [
      ['one', 'one instance on node 1', [1]],
      ['three', 'three instances, one on each node', [1, 2, 3]],
      ['threeOnOne', 'three instances, all writing through node 1', [1, 1, 1]],
    ];
    for (const [key, label, nodes] of parts) {
      process.stdout.write(`\n[cluster: ${label}] ${operations} operations, ${clients} clients …\n`);
      const r = await runPart(database, nodes, tokens, operations, clients, poolSize);
      report[key] = r;
      process.stdout.write(
        [
          `  create (POST /operations): ${r.creates.perSecond}/s  p50 ${r.creates.p50} ms  p99 ${r.creates.p99} ms  errors ${r.creates.errors}`,
          `  events (POST …/events):    ${r.events.perSecond}/s  p50 ${r.events.p50} ms  p99 ${r.events.p99} ms  errors ${r.events.errors}  (${r.events.count} events in ${r.events.seconds} s)`,
          `  answers by status:         ${JSON.stringify(r.statuses)}`,
          `  conflicts:                 Galera certification failures ${r.galeraConflicts.certFailures}, brute-force aborts ${r.galeraConflicts.bfAborts}; retried by the instances ${r.retried === null ? 'n/a (no /metrics)' : JSON.stringify(r.retried)}`,
          `  peak RSS per instance:     ${r.peakRssMiB.join(', ')} MiB`,
          ...(r.firstErrors.length ? [`  first errors: ${JSON.stringify(r.firstErrors)}`] : []),
        ].join('\n') + '\n',
      );
    }
  } finally {
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
    if (startedHere) await clusterDown();
  }
  process.stdout.write(`\nwritten to ${writeResult('engine-cluster', report)}\n`);
  return report;
}
