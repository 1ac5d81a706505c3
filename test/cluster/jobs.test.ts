import { loadConfig } from '../../config';
import { boot } from '../../src/bootstrap';
import type { Services } from '../../src/container';
import { DatabaseRunCoordinator } from '../../src/jobs/db-coordinator';
import { createLogger } from '../../src/logger';
import { clusterIsUp, CLUSTER_HOSTS, nodeUrl } from '../../scripts/cluster';
import { clusterDatabase, queryNode } from './support';

/**
 * Issue 15: the scheduled jobs of three instances, each on its own node, for a
 * simulated day. Each slot is offered to all three at once, as their clocks would
 * (the database coordinator: the first to insert `<job>:<slot>` runs it; on Galera
 * the losers' inserts conflict at commit, run again, and see the key taken); the
 * winner runs the job. Every slot must have exactly one run, in the job-run table.
 */
jest.setTimeout(600_000);

type Running = Services & { close?: () => Promise<void> };
let db: Awaited<ReturnType<typeof clusterDatabase>>;
const instances: Array<{ name: string; services: Running; coordinator: DatabaseRunCoordinator }> = [];

beforeAll(async () => {
  if (!(await clusterIsUp())) throw new Error('the cluster is not up (all 3 Synced): npm run cluster -- up');
  db = await clusterDatabase();
  for (const node of [1, 2, 3] as const) {
    const name = `node${node}`;
    const config = loadConfig(
      {},
      {
        env: 'test',
        database: { url: nodeUrl(node, db.name), hosts: CLUSTER_HOSTS, poolSize: 5 },
        auth: { scryptCost: 1024 },
        jobs: { instanceName: name, attempts: 1 },
      },
    );
    const services = await boot(config, { logger: createLogger({ silent: true }), seed: false });
    instances.push({ name, services, coordinator: new DatabaseRunCoordinator(services.db, name, () => new Date()) });
  }
});

afterAll(async () => {
  for (const i of instances) await i.services.db.close();
  await db?.drop();
});

/** Whether a 6-field cron expression (second minute hour day month weekday: numbers, lists, `*`, `*\/n`) fires at `t` (UTC). */
function fires(expression: string, t: Date): boolean {
  const values = [
    t.getUTCSeconds(),
    t.getUTCMinutes(),
    t.getUTCHours(),
    t.getUTCDate(),
    t.getUTCMonth() + 1,
    t.getUTCDay(),
  ];
  return expression
    .trim()
    .split(/\s+/)
    .every((field, k) =>
      field.split(',').some((part) => {
        if (part === '*') return true;
        const step = /^\*\/(\d+)$/.exec(part);
        if (step) return values[k] % Number(step[1]) === 0;
        return Number(part) === values[k];
      }),
    );
}

/** Every slot of the day beginning at `day` for each scheduled job: `<job>:<ISO time>`, as the scheduler names them. */
function slotsOfDay(schedules: Record<string, string>, day: Date, only?: (job: string) => number): string[] {
  const keys: string[] = [];
  for (const [job, expression] of Object.entries(schedules)) {
    const seconds = only?.(job) ?? 86_400;
    for (let s = 0; s < seconds; s++) {
      const t = new Date(day.getTime() + s * 1000);
      if (fires(expression, t)) keys.push(`${job}:${t.toISOString()}`);
    }
  }
  return keys;
}

describe('scheduled jobs across three instances on three Galera nodes', () => {
  it('for a simulated day, every slot of every job runs exactly once, on the instance that claimed it', async () => {
    const schedules = instances[0].services.config.jobs.schedules as Record<string, string>;
    // The first of next month, so the monthly jobs have their slot too — and ahead of now: the outbox job
    // prunes its own slots older than a while, which would free a past day's slots to be claimed again.
    // The outbox drain fires every 5 s (17 280 slots a day, claimed the same way): its first hour stands for the rest.
    const now = new Date();
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const slots = slotsOfDay(schedules, day, (job) => (job === 'outbox' ? 3600 : 86_400));
    expect(slots.length).toBeGreaterThan(200);

    const won = new Map<string, string[]>();
    let next = 0;
    // Four slots at a time, each offered to the three instances at once.
    const worker = async () => {
      while (next < slots.length) {
        const key = slots[next++];
        const job = key.slice(0, key.indexOf(':'));
        await Promise.all(
          instances.map(async ({ name, services, coordinator }) => {
            if (!(await coordinator.shouldRun(key))) return;
            won.set(key, [...(won.get(key) ?? []), name]);
            await services.jobs.run(job, { via: 'schedule', slotKey: key });
            await coordinator.onComplete(key);
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));

    // Each slot was given to exactly one instance …
    expect([...won.entries()].filter(([, names]) => names.length !== 1)).toEqual([]);
    expect(won.size).toBe(slots.length);
    // … and the job-run table, read on another node than most wrote to, has exactly one run per slot, by its winner.
    const runs = await queryNode<{ slot_key: string; instance: string; n: number }>(
      3,
      db.name,
      "SELECT slot_key, MIN(instance) AS instance, COUNT(*) AS n FROM job_runs WHERE via = 'schedule' GROUP BY slot_key",
    );
    expect(runs.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(runs.length).toBe(slots.length);
    for (const r of runs) expect(r.instance).toBe(won.get(r.slot_key)![0]);
    // The work was shared: more than one instance won slots.
    expect(new Set([...won.values()].map((n) => n[0])).size).toBeGreaterThan(1);
    const slotRows = await queryNode<{ n: number }>(
      1,
      db.name,
      'SELECT COUNT(*) AS n FROM job_slots WHERE finished_at IS NOT NULL',
    );
    expect(Number(slotRows[0].n)).toBe(slots.length);
  });
});
