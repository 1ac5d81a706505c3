/**
 * `npm run bench -- figures [--operations 1000000] [--years 5] [--requests 10]
 *                           [--warmup 3] [--deep 50] [--database ld_bench_…] [--keep] [--warm-only] [--after-job]`
 *
 * Issue 6: with N operations (a province over several years) and their whole
 * history in MariaDB, how fast are the figures? Seeds a fresh database the way
 * `npm run bench -- pages` does (bench/pages.seed.ts: rows the engine wrote,
 * moved in time, bulk-inserted), starts the real built server
 * (`dist/server.js`, NODE_ENV=production) and times, sequentially after a
 * warm-up, the last full year's view for the brigade, a group and a squad
 * (JSON API and the HTML page with its three charts), a drill-down page (the
 * first, and one `--deep` cursors in), the annual assessment and the annual
 * report; then the brigade's view over ranges of 1 to 48 months, against the
 * operations in the range, to show how the cost grows with the rows of the
 * period. Prints p50/p95/max and writes JSON under bench-output/.
 *
 * `--keep` keeps the database (its name is printed); `--database <name>`
 * measures an existing one again without seeding. `--after-job`: every kept
 * month is emptied and the `figures` job run from the CLI (as its hourly
 * schedule would), timed; then each target's first request is what a manager
 * meets after it (months kept by the CLI's bundle, read by the server's), and
 * no growth table.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { arg, peakRssMiB, ROOT, startServer, writeResult } from './support';
import { seedOperations } from './pages.seed';
import { type Timing, databaseUrl, get, measure, mysqlConnection, round, signIn, summarise } from './web';

const ZONE_OFFSET = '+08:00';

interface Target {
  key: string;
  label: string;
  path: string;
  /** A session cookie (pages) or the API token. */
  auth: 'page' | 'api';
  target?: number;
}

/** Months from `first` (YYYY-MM), `count` of them: the last one. */
function monthPlus(first: string, count: number): string {
  const [y, m] = first.split('-').map(Number);
  const k = y * 12 + (m - 1) + count;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const operations = Number(arg(args, 'operations', '1000000'));
  const years = Number(arg(args, 'years', '5'));
  const requests = Number(arg(args, 'requests', '10'));
  const warmup = Number(arg(args, 'warmup', '3'));
  const deep = Number(arg(args, 'deep', '50'));
  const reuse = arg(args, 'database', '');
  const keep = args.includes('--keep') || Boolean(reuse);
  // --warm-only: keep what months are kept and time only warm requests (no cold one, no growth table).
  const afterJob = args.includes('--after-job');
  const warmOnly = args.includes('--warm-only') || afterJob;

  const admin = await mysqlConnection();
  const name = reuse || `ld_bench_figures_${randomBytes(3).toString('hex')}`;
  if (!reuse) await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = databaseUrl(name);
  const year = new Date().getUTCFullYear() - 1;
  const report: Record<string, unknown> = {
    operations,
    years,
    requests,
    warmup,
    year,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
    database: name,
    loadBefore: os.loadavg().map(round),
  };
  const conn = await mysqlConnection(name);
  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: '1', SCRYPT_COST: '1024' });
    const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
    let token: string;
    try {
      if (!reuse) {
        process.stdout.write(`\n[figures] seeding ${operations} operations over ${years} years into ${name} …\n`);
        const seed = await seedOperations(services, conn, operations, {
          years,
          log: (s) => process.stdout.write(`${s}\n`),
        });
        process.stdout.write(
          `  seeded in ${seed.seconds.total} s; ${Object.entries(seed.rows)
            .map(([t, k]) => `${t} ${k}`)
            .join(', ')}\n`,
        );
        report.seed = seed;
      }
      token = await services.org.issueToken('duty', 'bench');
    } finally {
      await services.db.close();
    }

    // What a period holds: operations that began in it (the rows the figures read), per year.
    const [perYear] = (await conn.query(
      `SELECT YEAR(CONVERT_TZ(actual_start, '+00:00', '${ZONE_OFFSET}')) AS y, COUNT(*) AS n FROM operations WHERE actual_start IS NOT NULL GROUP BY y ORDER BY y`,
    )) as unknown as [Array<{ y: number; n: number }>];
    report.operationsPerYear = Object.fromEntries(perYear.map((r) => [r.y, Number(r.n)]));
    process.stdout.write(`\n  operations begun per year: ${perYear.map((r) => `${r.y} ${r.n}`).join(', ')}\n`);
    const [[{ histories }]] = (await conn.query('SELECT COUNT(*) AS histories FROM workflow_history')) as unknown as [
      [{ histories: number }],
    ];
    report.historyRows = Number(histories);
    // The figures read months of operations and their history: with a buffer pool smaller than the data, every statement reads the disk.
    const [[{ pool, data }]] = (await conn.query(
      'SELECT @@innodb_buffer_pool_size AS pool, (SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = DATABASE()) AS data',
    )) as unknown as [[{ pool: number; data: number }]];
    report.bufferPoolMiB = Math.round(Number(pool) / 2 ** 20);
    report.dataMiB = Math.round(Number(data) / 2 ** 20);
    process.stdout.write(
      `  MariaDB buffer pool ${report.bufferPoolMiB} MiB, this database ${report.dataMiB} MiB${Number(pool) < Number(data) ? ' — smaller than the data: cold figures read from disk (SET GLOBAL innodb_buffer_pool_size to measure a server sized for it)' : ''}\n`,
    );

    if (afterJob) {
      await conn.query('DELETE FROM figure_month_facts');
      process.stdout.write(`\n[figures] kept months emptied; the figures job, run from the CLI …\n`);
      const started = Date.now();
      const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'job', 'run', 'figures'], {
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'production' },
        encoding: 'utf8',
      });
      const [, found, did] = /found (\d+), did (\d+)/.exec(out) ?? [];
      const job = { seconds: round((Date.now() - started) / 1000), found: Number(found), did: Number(did) };
      report.job = job;
      process.stdout.write(`  ${found} months looked at, ${did} computed and kept in ${job.seconds} s\n`);
    }

    const server = await startServer({ DATABASE_URL: url, NODE_ENV: 'production', SEED_DEMO: '0' });
    const results: Array<Timing & { label: string; target?: number; cold: number }> = [];
    try {
      const cookie = await signIn(server.url, 'duty');
      const bearer = `Bearer ${token}`;
      const auth = (t: Target) => (t.auth === 'api' ? bearer : cookie);

      // The drill-down page `deep` cursors in.
      let deepPath = `/api/v1/figures/operations/records?period=${year}`;
      let reached = 1;
      for (; reached <= deep; reached++) {
        const r = await get(server.url, bearer, deepPath);
        if (r.status !== 200) throw new Error(`GET ${deepPath}: ${r.status} ${r.body.slice(0, 300)}`);
        const next = (JSON.parse(r.body) as { nextCursor: string | null }).nextCursor;
        if (!next) break;
        deepPath = `/api/v1/figures/operations/records?period=${year}&cursor=${encodeURIComponent(next)}`;
      }

      const thisYear = year + 1;
      const targets: Target[] = [
        {
          key: 'api_this_year_brigade',
          label: `API year ${thisYear} (to date), brigade`,
          path: `/api/v1/figures?period=${thisYear}`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'api_year_brigade',
          label: `API year ${year}, brigade`,
          path: `/api/v1/figures?period=${year}`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'api_year_group',
          label: `API year ${year}, group north`,
          path: `/api/v1/figures?period=${year}&group=north`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'api_year_squad',
          label: `API year ${year}, squad waitan`,
          path: `/api/v1/figures?period=${year}&squad=waitan`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'api_quarter_brigade',
          label: `API ${year}-Q4, brigade`,
          path: `/api/v1/figures?period=${year}-Q4`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'page_year_brigade',
          label: `page /figures ${year} (3 charts)`,
          path: `/figures?period=${year}`,
          auth: 'page',
          target: 1000,
        },
        {
          key: 'page_year_group',
          label: `page /figures ${year}, north`,
          path: `/figures?period=${year}&group=north`,
          auth: 'page',
          target: 1000,
        },
        {
          key: 'api_drill_first',
          label: 'API drill-down, first page',
          path: `/api/v1/figures/operations/records?period=${year}`,
          auth: 'api',
          target: 200,
        },
        { key: 'api_drill_deep', label: `API drill-down, page ${reached}`, path: deepPath, auth: 'api', target: 200 },
        {
          key: 'page_drill',
          label: 'page drill-down person-times',
          path: `/figures/person_times?period=${year}`,
          auth: 'page',
          target: 200,
        },
        {
          key: 'page_drill_group',
          label: 'page drill-down audits, north',
          path: `/figures/audit_pass_rate?period=${year}&group=north`,
          auth: 'page',
          target: 200,
        },
        {
          key: 'page_assessment',
          label: `page assessment ${year}`,
          path: `/figures/assessment?year=${year}`,
          auth: 'page',
        },
        { key: 'page_annual', label: `page annual report ${year}`, path: `/figures/annual?year=${year}`, auth: 'page' },
        // R6: the compliance grid reads the same kept months as the groups chart (the month under way always afresh).
        {
          key: 'page_compliance',
          label: `page /compliance ${year}`,
          path: `/compliance?year=${year}`,
          auth: 'page',
          target: 1000,
        },
        {
          key: 'api_compliance_this_year',
          label: `API compliance ${thisYear} (to date)`,
          path: `/api/v1/compliance?year=${thisYear}`,
          auth: 'api',
          target: 1000,
        },
        {
          key: 'page_annual_this_year',
          label: `page annual report ${thisYear} (to date)`,
          path: `/figures/annual?year=${thisYear}`,
          auth: 'page',
        },
      ];
      process.stdout.write(
        `\n[figures] server up (NODE_ENV=production). "cold": the first request ${afterJob ? 'after the figures job (the months it kept)' : warmOnly ? 'with the months kept as they are' : 'with no month kept (figure_month_facts emptied)'}; ` +
          `then ${requests} sequential requests after ${warmup} to warm up (past months kept, the current month live)\n\n`,
      );
      process.stdout.write(
        `  ${'what'.padEnd(42)}${'cold'.padStart(8)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}  ms   target (p95)\n`,
      );
      for (const t of targets) {
        if (!warmOnly) await conn.query('DELETE FROM figure_month_facts');
        const cold = await get(server.url, auth(t), t.path);
        if (cold.status !== 200) throw new Error(`GET ${t.path}: ${cold.status} ${cold.body.slice(0, 300)}`);
        await measure(server.url, auth(t), t.path, warmup, 1);
        const { latencies, errors } = await measure(server.url, auth(t), t.path, requests, 1);
        const s = {
          ...summarise(t.key, 'duty', 'sequential', 1, latencies, errors),
          label: t.label,
          target: t.target,
          cold: round(cold.ms),
        };
        results.push(s);
        process.stdout.write(
          `  ${t.label.padEnd(42)}${String(s.cold).padStart(8)}${String(s.p50).padStart(8)}${String(s.p95).padStart(8)}${String(s.max).padStart(8)}      ${t.target ? `< ${t.target}${s.p95 < t.target ? ' ok' : ' MISSED'}` : ''}${errors ? `  errors ${errors}` : ''}\n`,
        );
      }
      report.results = results;

      // Growth: the brigade's view over longer and longer ranges ending with December of `year`.
      if (!warmOnly) {
        process.stdout.write(
          `\n  growth: brigade view over a range of months ending ${year}-12, cold (computed from the rows: the range, the range before and a year before) and warm\n`,
        );
        process.stdout.write(
          `  ${'months'.padStart(8)}${'operations'.padStart(12)}${'cold ms'.padStart(10)}${'µs/op'.padStart(8)}${'warm p50'.padStart(10)}\n`,
        );
      }
      const growth: Array<{
        months: number;
        operations: number;
        coldMs: number;
        usPerOperation: number;
        warmP50: number;
      }> = [];
      for (const months of warmOnly ? [] : [1, 3, 6, 12, 24, 48]) {
        const from = monthPlus(`${year}-12`, -(months - 1));
        const [[{ n }]] = (await conn.query(
          `SELECT COUNT(*) AS n FROM operations WHERE actual_start >= ? AND actual_start < ?`,
          [new Date(`${from}-01T00:00:00${ZONE_OFFSET}`), new Date(`${year + 1}-01-01T00:00:00${ZONE_OFFSET}`)],
        )) as unknown as [[{ n: number }]];
        const path = `/api/v1/figures?from=${from}&to=${year}-12`;
        await conn.query('DELETE FROM figure_month_facts');
        const cold = round((await get(server.url, bearer, path)).ms);
        const { latencies } = await measure(server.url, bearer, path, Math.max(3, Math.ceil(requests / 2)), 1);
        const warmP50 = round(latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]);
        const g = {
          months,
          operations: Number(n),
          coldMs: cold,
          usPerOperation: Number(n) ? round((cold * 1000) / Number(n)) : 0,
          warmP50,
        };
        growth.push(g);
        process.stdout.write(
          `  ${String(months).padStart(8)}${String(g.operations).padStart(12)}${String(g.coldMs).padStart(10)}${String(g.usPerOperation).padStart(8)}${String(g.warmP50).padStart(10)}\n`,
        );
      }
      report.growth = growth;
      report.peakRssMiB = peakRssMiB(server.child.pid!);
    } finally {
      await server.stop();
    }
    report.loadAfter = os.loadavg().map(round);
    process.stdout.write(
      `\n  server peak RSS: ${report.peakRssMiB} MiB; load average before ${(report.loadBefore as number[]).join(' ')}, after ${(report.loadAfter as number[]).join(' ')} (2 shared cores: expect noise)\n`,
    );
  } finally {
    await conn.end();
    if (keep) process.stdout.write(`\n  kept database ${name} (drop it with: DROP DATABASE ${name})\n`);
    else {
      const c = await mysqlConnection();
      await c.query(`DROP DATABASE ${name}`);
      await c.end();
    }
  }
  process.stdout.write(`\nwritten to ${writeResult('figures', report)}\n`);
  return report;
}
