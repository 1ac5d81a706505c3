/**
 * `npm run bench -- engine --cluster [--operations 1000] [--clients 24]` (issue 15), with the
 * Galera cluster up (`npm run cluster -- up`):
 *
 * the engine bench's events (FILE, APPROVE, START, LOG_INCIDENT, COMPLETE: each client
 * carries one operation through its five) through POST /api/v1/operations/:id/events,
 * in one run: first ONE instance on node 1, then THREE instances, one per node, the
 * clients spread over them, then three instances all writing through node 1 (the other
 * nodes only their failover) — on the same cluster, a third of the operations each. Prints
 * events/s, p50/p99 latency, the answers that were not 200, and the conflicts the
 * cluster saw (certification failures and brute-force aborts, from each node's
 * wsrep status: each one a transaction our Database.transaction ran again).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { CLUSTER_HOSTS, clusterIsUp, connectNode, NODES, nodeUrl, type NodeNo } from '../scripts/cluster';
import { arg, percentile, pool, startServer, writeResult } from './support';

const GROUPS = [
  { group: 'north', host: 'waitan', other: 'nanjingdonglu' },
  { group: 'oldcity', host: 'yuyuan', other: 'xiaodongmen' },
  { group: 'south', host: 'bansongyuanlu', other: 'wuliqiao' },
  { group: 'west', host: 'huaihaizhonglu', other: 'ruijinerlu' },
] as const;
const EVENTS = ['FILE', 'APPROVE', 'START', 'LOG_INCIDENT', 'COMPLETE'] as const;

function plan(g: (typeof GROUPS)[number]): Record<string, unknown> {
  return {
    kind: 'regular',
    group: g.group,
    leadSquad: g.host,
    hostSquad: g.host,
    squads: [g.host, g.other],
    title: '集群基准联动',
    problemSource: 'hotspot',
    location: '基准路',
    plannedStart: new Date(Date.now() + 30 * 24 * 3_600_000).toISOString(),
    plannedHours: 4,
    holdingDays: 7,
    situation: '情况',
    mission: '任务',
    execution: '实施',
    command: '指挥',
    contingency: '预案',
    goodsArrangements: '暂扣物品安排',
    holdingPlan: '固守方案',
    forces: [
      { squad: g.host, officers: 5, vehicles: 1 },
      { squad: g.other, officers: 4, vehicles: 1 },
    ],
  };
}

function eventBody(
  type: (typeof EVENTS)[number],
  g: (typeof GROUPS)[number],
): { user: string; body: Record<string, unknown> } {
  if (type === 'APPROVE') return { user: 'duty', body: {} };
  if (type === 'START') return { user: `${g.host}.leader`, body: { earlyReason: '基准测试' } };
  if (type === 'LOG_INCIDENT')
    return {
      user: `${g.other}.officer`,
      body: { incidentType: 'verbal_abuse', severity: 'minor', injuries: 0, description: '辱骂', response: '劝离' },
    };
  if (type === 'COMPLETE')
    return {
      user: `${g.host}.leader`,
      body: {
        shortReason: '基准测试',
        results: [g.host, g.other].map((squad) => ({ squad, officers: 4, vehicles: 1, educated: 5, handled: 1 })),
      },
    };
  return { user: `${g.host}.leader`, body: {} };
}

/** Certification failures and brute-force aborts so far, summed over the nodes. */
async function conflicts(): Promise<number> {
  let sum = 0;
  for (const i of NODES) {
    const c = await connectNode(i);
    const [rows] = await c.query(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')",
    );
    await c.end();
    for (const r of rows as Array<{ Value: string }>) sum += Number(r.Value);
  }
  return sum;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  if (!(await clusterIsUp())) throw new Error('the Galera cluster is not up: npm run cluster -- up');
  const operations = Number(arg(args, 'operations', '1000'));
  const clients = Number(arg(args, 'clients', '24'));
  const name = `bench_${randomBytes(3).toString('hex')}`;
  const admin = await connectNode(1);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const env = (node: NodeNo) => ({
    DATABASE_URL: nodeUrl(node, name),
    DATABASE_HOSTS: CLUSTER_HOSTS,
    SEED_DEMO: '0',
    SCRYPT_COST: '1024',
    JOBS: '0',
    DATABASE_POOL_SIZE: String(Math.max(clients, 20)),
  });
  const services = await boot(loadConfig({ ...process.env, ...env(1), SEED_DEMO: '1' }), {
    logger: createLogger({ silent: true }),
    seed: true,
  });
  const users = ['duty', ...GROUPS.flatMap((g) => [`${g.host}.leader`, `${g.other}.officer`])];
  const tokens = Object.fromEntries(
    await Promise.all(users.map(async (u) => [u, await services.org.issueToken(u, 'bench')] as const)),
  );
  await services.db.close();

  const call = async (base: string, user: string, method: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens[user]}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  const servers = await Promise.all(NODES.map((i) => startServer(env(i))));
  // Two more instances whose DATABASE_URL is node 1 too (the other nodes only their failover): one writer node.
  servers.push(...(await Promise.all([1, 1].map(() => startServer(env(1))))));
  const report: Record<string, unknown> = { operations, clients, at: new Date().toISOString() };
  try {
    // The operations, created through node 1's instance.
    const created: Array<{ id: number; g: (typeof GROUPS)[number] }> = [];
    await pool(
      Array.from({ length: operations }, (_, i) => GROUPS[i % GROUPS.length]),
      clients,
      async (g) => {
        const res = await call(servers[0].url, `${g.host}.leader`, 'POST', '/api/v1/operations', plan(g));
        if (res.status === 201) created.push({ id: res.json.id as number, g });
      },
    );
    const third = Math.floor(created.length / 3);
    const phases = [
      { label: 'one instance on node 1', bases: [servers[0].url], ops: created.slice(0, third) },
      {
        label: 'three instances, one per node',
        bases: servers.slice(0, 3).map((s) => s.url),
        ops: created.slice(third, 2 * third),
      },
      {
        label: 'three instances, all on node 1',
        bases: [servers[0], servers[3], servers[4]].map((s) => s.url),
        ops: created.slice(2 * third),
      },
    ];
    for (const phase of phases) {
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      const before = await conflicts();
      let next = 0;
      const t0 = performance.now();
      await pool(phase.ops, clients, async ({ id, g }) => {
        const base = phase.bases[next++ % phase.bases.length];
        let version = 1;
        for (const type of EVENTS) {
          const { user, body } = eventBody(type, g);
          const started = performance.now();
          const res = await call(base, user, 'POST', `/api/v1/operations/${id}/events`, {
            type,
            expectedVersion: version,
            ...body,
          });
          latencies.push(performance.now() - started);
          const code = (res.json.error as { code?: string } | undefined)?.code;
          const answer = code ? `${res.status} ${code}` : String(res.status);
          statuses[answer] = (statuses[answer] ?? 0) + 1;
          if (res.status !== 200) break;
          version = res.json.version as number;
        }
      });
      const seconds = (performance.now() - t0) / 1000;
      const result = {
        events: latencies.length,
        perSecond: Math.round(latencies.length / seconds),
        p50: Math.round(percentile(latencies, 50) * 10) / 10,
        p99: Math.round(percentile(latencies, 99) * 10) / 10,
        statuses,
        conflictsRetried: (await conflicts()) - before,
      };
      report[phase.label] = result;
      process.stdout.write(
        `  ${phase.label.padEnd(30)} ${result.perSecond} events/s  p50 ${result.p50} ms  p99 ${result.p99} ms  answers ${JSON.stringify(statuses)}  conflicts retried ${result.conflictsRetried}\n`,
      );
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    const c = await connectNode(1);
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  }
  process.stdout.write(`\nwritten to ${writeResult('engine-cluster', report)}\n`);
  return report;
}
