import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { loadConfig } from '../../config';
import { boot } from '../../src/bootstrap';
import { createLogger } from '../../src/logger';
import { CLUSTER_HOSTS, connectNode, NODES, nodeUrl, type NodeNo } from '../../scripts/cluster';
import { startScript } from '../support/spawn';
import { GROUPS, planBody } from '../../bench/engine-requests';

/** Per group: its first squad leads and hosts, its second takes part (the demo organisation): the engine bench's. */
export { GROUPS } from '../../bench/engine-requests';

/** A database of this test file's own on the cluster (created on node 1; DDL replicates), and the demo organisation in it. */
export async function clusterDatabase(): Promise<{
  name: string;
  tokens: Record<string, string>;
  drop: () => Promise<void>;
}> {
  const name = `cluster_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await connectNode(1);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  // Migrations and the demo organisation, on node 1 (the instances will not seed: it is there already).
  const config = loadConfig(
    {},
    {
      env: 'test',
      database: { url: nodeUrl(1, name), hosts: CLUSTER_HOSTS },
      auth: { scryptCost: 1024 },
      demo: { seedOnEmpty: true, historyMonths: 0 },
    },
  );
  const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
  const users = ['duty', 'duty2', ...GROUPS.flatMap((g) => [`${g.host}.leader`, `${g.other}.officer`])];
  const tokens = Object.fromEntries(
    await Promise.all(users.map(async (u) => [u, await services.org.issueToken(u, 'cluster test')] as const)),
  );
  await services.db.close();
  return {
    name,
    tokens,
    drop: async () => {
      const c = await connectNode(1);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface Instance {
  node: NodeNo;
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** A Liandong server (the built dist/server.js) whose DATABASE_URL is node `node`, with DATABASE_HOSTS listing all three. */
export async function startInstance(
  node: NodeNo,
  database: string,
  env: Record<string, string> = {},
): Promise<Instance> {
  const { child, match, output } = await startScript(
    'server',
    {
      NODE_ENV: 'test',
      PORT: '0',
      SECURE_COOKIES: '0',
      SEED_DEMO: '0',
      SCRYPT_COST: '1024',
      JOBS: '0',
      DATABASE_URL: nodeUrl(node, database),
      DATABASE_HOSTS: CLUSTER_HOSTS,
      DATABASE_POOL_SIZE: '10',
      INSTANCE_NAME: `node${node}-instance`,
      ...env,
    },
    /running: (http:\/\/\S+)/,
  );
  return {
    node,
    url: match[1],
    child,
    output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A JSON call with a bearer token; never throws on an HTTP status (a network error is status 0). */
export async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: res.status, json };
  } catch (e) {
    return { status: 0, json: { error: String(e) } };
  }
}

/** A plan fit to file, of group `g`, planned a month ahead (the engine bench's plan). */
export function planOf(g: (typeof GROUPS)[number]): Record<string, unknown> {
  return planBody(g, new Date(Date.now() + 30 * 24 * 3_600_000).toISOString());
}

/**
 * Rows of a query on node `i`, once the node has applied every write set the cluster
 * committed before it (a commit answered on one node may still be in another's apply queue).
 */
export async function queryNode<T>(i: NodeNo, database: string, q: string, params: unknown[] = []): Promise<T[]> {
  const c = await connectNode(i, database);
  try {
    await c.query('SET SESSION wsrep_sync_wait = 1');
    await c.query('SELECT 1');
    const [rows] = await c.query(q, params);
    return rows as T[];
  } finally {
    await c.end();
  }
}

/** A checksum of a table's rows on each node (CHECKSUM TABLE: the same rows give the same sum on every node). */
export async function checksums(database: string, table: string): Promise<string[]> {
  return Promise.all(
    NODES.map(async (i) => {
      const [row] = await queryNode<{ Checksum: string | number | null }>(i, database, `CHECKSUM TABLE \`${table}\``);
      return String(row.Checksum);
    }),
  );
}

export { NODES };
