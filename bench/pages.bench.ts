/**
 * `npm run bench -- pages [--operations 100000] [--requests 200] [--concurrency 4]
 *                         [--warmup 20] [--deep 200] [--users waitan.leader,duty,inspector]
 *                         [--database ld_bench_…] [--keep] [--explain]`
 *
 * Issue 3: with N operations and their history in MariaDB, how fast are the
 * pages a signed-in user opens? Seeds a fresh database (bench/pages.seed.ts:
 * rows the engine wrote, moved in time and bulk-inserted), starts the real
 * built server (`dist/server.js`, NODE_ENV=production as deployed: templates
 * cached) in its own process, signs in through the login form, and times the
 * inbox, the operations list (first page, a page `--deep` pages in by
 * following the cursor, a filtered list), the page of an operation with a
 * long history and the page of one the user acts on — `--requests`
 * sequentially and again with `--concurrency` clients — per user. Prints
 * p50/p95/p99, the server's peak RSS and the SQL statements each page sends
 * (from a second, logging server; `--explain` prints their EXPLAIN), and
 * writes JSON under bench-output/.
 *
 * `--keep` keeps the database (its name is printed); `--database <name>`
 * measures an existing one again without seeding (the server still applies any
 * new migration to it first).
 */
import os from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { arg, peakRssMiB, startServer, writeResult } from './support';
import { type Timing, databaseUrl, get, measure, mysqlConnection, round, signIn, summarise, walkPages } from './web';
import { type SeedReport, seedOperations } from './pages.seed';

interface Page {
  key: string;
  label: string;
  /** The path for this user (null: the page does not apply to them). */
  path: (user: string) => string | null;
}

/** Operations the pages are measured on: the longest history the user can open, and one waiting for each user's own step. */
async function pickTargets(conn: Awaited<ReturnType<typeof mysqlConnection>>) {
  const one = async (sql: string, params: unknown[] = []) => {
    const [rows] = await conn.query(sql, params);
    return (rows as Array<{ id: number }>)[0]?.id ?? null;
  };
  const waitan = await one("SELECT id FROM squads WHERE code = 'waitan'");
  const longest = await one(
    'SELECT w.id FROM workflow_instances w JOIN operations o ON o.id = w.id WHERE o.host_squad_id = ? ORDER BY w.version DESC, w.id DESC LIMIT 1',
    [waitan],
  );
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM workflow_history WHERE instance_id = ?', [
    longest,
  ])) as unknown as [[{ n: number }]];
  const acting: Record<string, number | null> = {
    'waitan.leader': await one(
      "SELECT id FROM operations WHERE state = 'holding' AND host_squad_id = ? ORDER BY id DESC LIMIT 1",
      [waitan],
    ),
    duty: await one("SELECT id FROM operations WHERE state = 'filed' ORDER BY filed_at ASC, id ASC LIMIT 1"),
    inspector: await one(
      "SELECT id FROM operations WHERE state = 'awaiting_audit' ORDER BY holding_deadline ASC, id ASC LIMIT 1",
    ),
  };
  return { longest: longest!, longestHistory: Number(n), acting };
}

/** The statements one request of each page sends, from a server run with DATABASE_LOGGING=1. */
async function statementsPerPage(
  url: string,
  pages: Page[],
  users: string[],
  explain: boolean,
  conn: Awaited<ReturnType<typeof mysqlConnection>>,
) {
  const server = await startServer({
    DATABASE_URL: url,
    NODE_ENV: 'production',
    SEED_DEMO: '0',
    DATABASE_LOGGING: '1',
  });
  const out: Record<string, Record<string, number>> = {};
  const explained = new Set<string>();
  try {
    for (const user of users) {
      const cookie = await signIn(server.url, user);
      for (const page of pages) {
        const path = page.path(user);
        if (!path) continue;
        await get(server.url, cookie, path); // fills what is remembered between requests
        const before = server.log().length;
        await get(server.url, cookie, path);
        // Let the log catch up with the response.
        await new Promise((r) => setTimeout(r, 50));
        const lines = server
          .log()
          .slice(before)
          .split('\n')
          .map(stripVTControlCharacters)
          .filter((l) => l.startsWith('query:'));
        (out[page.key] ??= {})[user] = lines.length;
        if (!explain) continue;
        process.stdout.write(`\n  ${page.label} as ${user} (${path}): ${lines.length} statements\n`);
        for (const line of lines) {
          const m = /^query: (.*?)(?: -- PARAMETERS: (.*))?$/.exec(line);
          if (!m) continue;
          const sql = m[1];
          // TypeORM names every column; the FROM … WHERE … ORDER BY is what matters here.
          process.stdout.write(
            `    ${sql.replace(/^SELECT (?:`\w+`\.`\w+` AS `\w+`(?:, )?)+ FROM/, 'SELECT … FROM')} ${m[2] ?? ''}\n`,
          );
          if (!/^\s*SELECT/i.test(sql) || explained.has(sql + m[2])) continue;
          explained.add(sql + m[2]);
          const { format } = await import('mysql2');
          const params = m[2] ? (JSON.parse(m[2]) as Array<string | number | null>) : [];
          const [plan] = await conn.query(`EXPLAIN ${format(sql, params)}`);
          for (const row of plan as Array<Record<string, unknown>>) {
            process.stdout.write(
              `      → ${row.table} type=${row.type} key=${row.key} rows=${row.rows} ${row.Extra ?? ''}\n`,
            );
          }
        }
      }
    }
  } finally {
    await server.stop();
  }
  return out;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const operations = Number(arg(args, 'operations', '100000'));
  const requests = Number(arg(args, 'requests', '200'));
  const clients = Number(arg(args, 'concurrency', '4'));
  const warmup = Number(arg(args, 'warmup', '20'));
  const deep = Number(arg(args, 'deep', '200'));
  const users = arg(args, 'users', 'waitan.leader,duty,inspector').split(',');
  const reuse = arg(args, 'database', '');
  const keep = args.includes('--keep') || Boolean(reuse);
  const explain = args.includes('--explain');

  const admin = await mysqlConnection();
  const name = reuse || `ld_bench_pages_${randomBytes(3).toString('hex')}`;
  if (!reuse) await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = databaseUrl(name);
  const report: Record<string, unknown> = {
    operations,
    requests,
    concurrency: clients,
    warmup,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
    database: name,
    loadBefore: os.loadavg().map(round),
  };
  const conn = await mysqlConnection(name);
  try {
    // Migrations, the reference organisation and demo users, then the operations.
    const config = loadConfig({ ...process.env, DATABASE_URL: url, SEED_DEMO: '1', SCRYPT_COST: '1024' });
    const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
    let seed: SeedReport | null = null;
    if (!reuse) {
      process.stdout.write(`\n[pages] seeding ${operations} operations into ${name} …\n`);
      seed = await seedOperations(services, conn, operations, { log: (s) => process.stdout.write(`${s}\n`) });
      // Every template's clone restores through the real engine (createActor on the stored snapshot).
      const brigade = await services.org.brigadeByCode('huangpu');
      const duty = await services.org.principalFor((await services.org.userByUsername(brigade.id, 'duty'))!.user.id);
      for (const id of seed.samples) await services.operations.get(duty, id);
      process.stdout.write(
        `  seeded in ${seed.seconds.total} s (templates ${seed.seconds.templates} s, inserts ${seed.seconds.insert} s, ANALYZE ${seed.seconds.analyze} s); ` +
          `${seed.samples.length} sampled clones restored through the engine\n` +
          `  ${Object.entries(seed.rows)
            .map(([t, k]) => `${t} ${k}`)
            .join(', ')}\n` +
          `  by state: ${Object.entries(seed.byState)
            .map(([s, k]) => `${s} ${k}`)
            .join(', ')}; ${seed.periodFrom} … ${seed.periodTo}\n`,
      );
      report.seed = seed;
    }
    await services.db.close();

    const targets = await pickTargets(conn);
    report.targets = targets;
    const pages: Page[] = [
      { key: 'inbox', label: 'inbox /', path: () => '/' },
      { key: 'list', label: 'list /operations', path: () => '/operations' },
      { key: 'list_deep', label: `list, page ${deep}`, path: () => '' },
      {
        key: 'list_filtered',
        label: 'list ?state=closed&group=north',
        path: () => '/operations?state=closed&group=north',
      },
      {
        key: 'operation_long',
        label: `operation (${targets.longestHistory} history rows)`,
        path: () => `/operations/${targets.longest}`,
      },
      {
        key: 'operation_acting',
        label: 'operation with forms',
        path: (u) => (targets.acting[u] ? `/operations/${targets.acting[u]}` : null),
      },
    ];

    const server = await startServer({ DATABASE_URL: url, NODE_ENV: 'production', SEED_DEMO: '0' });
    const results: Timing[] = [];
    try {
      const cookies = Object.fromEntries(
        await Promise.all(users.map(async (u) => [u, await signIn(server.url, u)] as const)),
      );
      const walk = await walkPages(server.url, cookies[users[0]], deep);
      pages[2].label = `list, page ${walk.reached}`;
      pages[2].path = () => walk.path;
      report.deepPage = { reached: walk.reached, path: walk.path, meanMsWhileWalking: round(walk.ms) };
      process.stdout.write(
        `\n[pages] server up (NODE_ENV=production); walked ${walk.reached} list pages (mean ${round(walk.ms)} ms a page)\n`,
      );
      process.stdout.write(
        `  ${requests} requests per page and user after ${warmup} to warm up: sequential (1 client), then ${clients} concurrent clients\n\n`,
      );
      process.stdout.write(
        `  ${'page'.padEnd(36)}${'user'.padEnd(15)}${'mode'.padEnd(14)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}  ms\n`,
      );
      for (const page of pages) {
        for (const user of users) {
          const path = page.path(user);
          if (!path) continue;
          const cookie = cookies[user];
          await measure(server.url, cookie, path, warmup, 1);
          for (const [mode, c] of [
            ['sequential', 1],
            ['concurrent', clients],
          ] as const) {
            const { latencies, errors } = await measure(server.url, cookie, path, requests, c);
            const t = summarise(page.key, user, mode, c, latencies, errors);
            results.push(t);
            process.stdout.write(
              `  ${page.label.padEnd(36)}${user.padEnd(15)}${(mode === 'sequential' ? 'sequential' : `${c} clients`).padEnd(14)}` +
                `${String(t.p50).padStart(8)}${String(t.p95).padStart(8)}${String(t.p99).padStart(8)}${String(t.max).padStart(8)}${errors ? `  errors ${errors}` : ''}\n`,
            );
          }
        }
      }
      report.peakRssMiB = peakRssMiB(server.child.pid!);
    } finally {
      await server.stop();
    }
    report.results = results;
    report.loadAfter = os.loadavg().map(round);
    const worst = results.filter((r) => r.mode === 'sequential').reduce((a, b) => (b.p95 > a.p95 ? b : a));
    process.stdout.write(
      `\n  server peak RSS: ${report.peakRssMiB} MiB; load average before ${(report.loadBefore as number[]).join(' ')}, after ${(report.loadAfter as number[]).join(' ')} (2 shared cores: expect noise)\n`,
    );
    process.stdout.write(`  worst sequential p95: ${worst.p95} ms (${worst.page} as ${worst.user}); target ≤ 50 ms\n`);

    const statements = await statementsPerPage(url, pages, users, explain, conn);
    report.statementsPerPage = statements;
    process.stdout.write(
      `\n  SQL statements per request: ${Object.entries(statements)
        .map(
          ([p, byUser]) =>
            `${p} ${Object.entries(byUser)
              .map(([u, k]) => `${u}=${k}`)
              .join('/')}`,
        )
        .join('; ')}\n`,
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
  process.stdout.write(`\nwritten to ${writeResult('pages', report)}\n`);
  return report;
}
