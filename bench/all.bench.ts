/**
 * `npm run bench -- all [--quick]`
 *
 * Runs every bench one after the other (engine, jobs, pages, figures, files, start),
 * each printing what it prints alone and writing its own JSON; then prints one
 * line per figure (name, value, unit) and writes them all, with each bench's
 * report, as one JSON under bench-output/. `--quick` runs each at a small size
 * (the sizes below: the whole run in a few minutes on 2 cores, for a
 * before/after comparison, not for the figures at full size); without
 * it each bench runs at its own defaults (long). The benches on MariaDB
 * (TEST_MYSQL_URL, default root@127.0.0.1:3306) are skipped with a line when
 * it cannot be reached; the engine bench then runs on SQLite alone.
 */
import os from 'node:os';
import { writeResult } from './support';

const MYSQL_ADMIN = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';
/** The URL without its user and password, to print. */
const MYSQL_SHOWN = MYSQL_ADMIN.replace(/\/\/[^@]*@/, '//');

type Report = Record<string, unknown>;
interface Figure {
  name: string;
  value: number;
  unit: string;
}
interface Bench {
  name: string;
  needsMariadb: boolean;
  quick: string[];
  load: () => Promise<{ run: (args: string[]) => Promise<Report> }>;
  figures: (report: Report) => Figure[];
}

// Loose readers for the reports' shapes (each bench owns its own).
type Any = any;

const engineFigures = (r: Report): Figure[] =>
  ['sqlite', 'mariadb'].flatMap((db) => {
    const d = r[db] as Any;
    if (!d) return [];
    const p = `engine.${db}`;
    const f: Figure[] = [
      { name: `${p}.create.per_second`, value: d.creates.perSecond, unit: 'operations/s' },
      { name: `${p}.create.p99`, value: d.creates.p99, unit: 'ms' },
      { name: `${p}.events.per_second`, value: d.events.perSecond, unit: 'events/s' },
      { name: `${p}.events.p50`, value: d.events.p50, unit: 'ms' },
      { name: `${p}.events.p99`, value: d.events.p99, unit: 'ms' },
      { name: `${p}.events.errors`, value: d.events.errors, unit: 'errors' },
      { name: `${p}.server_peak_rss`, value: d.peakRssMiB, unit: 'MiB' },
      { name: `${p}.ceiling.per_second`, value: d.ceiling.perSecond, unit: 'events/s' },
      { name: `${p}.ceiling.p99`, value: d.ceiling.p99, unit: 'ms' },
      { name: `${p}.minimal.per_second`, value: d.minimal.perSecond, unit: 'events/s' },
      { name: `${p}.minimal.p50`, value: d.minimal.p50, unit: 'ms' },
      { name: `${p}.minimal.p99`, value: d.minimal.p99, unit: 'ms' },
      { name: `${p}.ratio_to_ceiling`, value: d.ratio, unit: '' },
      { name: `${p}.ratio_to_minimal`, value: d.ratioToMinimal, unit: '' },
    ];
    for (const [who, counts] of Object.entries((d.statementsPerEvent ?? {}) as Record<string, Record<string, number>>))
      for (const [kind, n] of Object.entries(counts))
        f.push({ name: `${p}.statements_per_event.${who}.${kind}`, value: n, unit: 'statements' });
    return f;
  });

const jobsFigures = (r: Report): Figure[] =>
  Object.entries(r)
    .filter(([k]) => k.endsWith(' groups'))
    .flatMap(([k, v]) =>
      ((v as Any).results as Array<{ label: string; ms: number; statements: number }>).flatMap((x) => {
        const p = `jobs.${k.replace(' ', '_')}.${x.label.replace(/, /g, '.').replace(/ /g, '_')}`;
        return [
          { name: `${p}.time`, value: x.ms, unit: 'ms' },
          { name: `${p}.statements`, value: x.statements, unit: 'statements' },
        ];
      }),
    );

const pagesFigures = (r: Report): Figure[] => [
  ...((r.results ?? []) as Array<{ page: string; user: string; mode: string; p50: number; p95: number }>).flatMap(
    (x) => [
      { name: `pages.${x.page}.${x.user}.${x.mode}.p50`, value: x.p50, unit: 'ms' },
      { name: `pages.${x.page}.${x.user}.${x.mode}.p95`, value: x.p95, unit: 'ms' },
    ],
  ),
  { name: 'pages.server_peak_rss', value: r.peakRssMiB as number, unit: 'MiB' },
];

const figuresFigures = (r: Report): Figure[] => [
  ...((r.results ?? []) as Array<{ page: string; cold: number; p50: number; p95: number }>).flatMap((x) => [
    { name: `figures.${x.page}.cold`, value: x.cold, unit: 'ms' },
    { name: `figures.${x.page}.p95`, value: x.p95, unit: 'ms' },
  ]),
  ...(
    (r.growth ?? []) as Array<{ months: number; operations: number; coldMs: number; usPerOperation: number }>
  ).flatMap((g) => [
    { name: `figures.growth.${g.months}_months.cold`, value: g.coldMs, unit: 'ms' },
    { name: `figures.growth.${g.months}_months.per_operation`, value: g.usPerOperation, unit: 'µs' },
  ]),
  { name: 'figures.server_peak_rss', value: r.peakRssMiB as number, unit: 'MiB' },
];

const filesFigures = (r: Report): Figure[] => {
  const d = r as Any;
  return [
    { name: 'files.upload.p50', value: d.oneAtATimeMs.upload.p50, unit: 'ms' },
    { name: 'files.upload.p95', value: d.oneAtATimeMs.upload.p95, unit: 'ms' },
    { name: 'files.thumbnail.p50', value: d.oneAtATimeMs.thumbnail.p50, unit: 'ms' },
    { name: 'files.thumbnail.p95', value: d.oneAtATimeMs.thumbnail.p95, unit: 'ms' },
    { name: 'files.concurrent.wall', value: d.concurrent.wallSeconds, unit: 's' },
    { name: 'files.concurrent.per_upload.p95', value: d.concurrent.perUploadMs.p95, unit: 'ms' },
    { name: 'files.concurrent.uploads_per_second', value: d.concurrent.uploadsPerSecond, unit: 'uploads/s' },
    { name: 'files.server_peak_rss', value: d.serverPeakRssMiB.afterConcurrent, unit: 'MiB' },
  ];
};

const startFigures = (r: Report): Figure[] => {
  const s = (r as Any).summary;
  return [
    { name: 'start.first_200.healthz.p50', value: s.healthzMs.p50, unit: 'ms' },
    { name: 'start.first_200.healthz.max', value: s.healthzMs.max, unit: 'ms' },
    { name: 'start.first_200.login.p50', value: s.loginMs.p50, unit: 'ms' },
    { name: 'start.first_200.login.max', value: s.loginMs.max, unit: 'ms' },
    ...Object.entries(s.phasesMs as Record<string, { p50: number }>).map(([phase, v]) => ({
      name: `start.phase.${phase}.p50`,
      value: v.p50,
      unit: 'ms',
    })),
    { name: 'start.server_cpu_to_listen.p50', value: s.serverCpuMs.p50, unit: 'ms' },
    { name: 'start.server_rss_after_start.p50', value: s.rssMiB.p50, unit: 'MiB' },
  ];
};

const BENCHES: Bench[] = [
  {
    name: 'engine',
    needsMariadb: false,
    quick: ['--operations', '1000', '--clients', '32'],
    load: () => import('./engine.bench'),
    figures: engineFigures,
  },
  {
    name: 'jobs',
    needsMariadb: true,
    quick: ['--groups', '100', '--operations', '3000'],
    load: () => import('./jobs.bench'),
    figures: jobsFigures,
  },
  {
    name: 'pages',
    needsMariadb: true,
    quick: ['--operations', '3000', '--requests', '20', '--warmup', '5', '--deep', '10', '--concurrency', '4'],
    load: () => import('./pages.bench'),
    figures: pagesFigures,
  },
  {
    name: 'figures',
    needsMariadb: true,
    quick: ['--operations', '5000', '--years', '2', '--requests', '5', '--warmup', '2', '--deep', '5'],
    load: () => import('./figures.bench'),
    figures: figuresFigures,
  },
  {
    name: 'files',
    needsMariadb: false,
    quick: ['--uploads', '6', '--concurrent', '4'],
    load: () => import('./files.bench'),
    figures: filesFigures,
  },
  {
    name: 'start',
    needsMariadb: false,
    quick: ['--runs', '2'],
    load: () => import('./start.bench'),
    figures: startFigures,
  },
];

async function mariadbReachable(): Promise<string | null> {
  try {
    const mysql = await import('mysql2/promise');
    const u = new URL(MYSQL_ADMIN);
    const conn = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      connectTimeout: 5000,
    });
    await conn.query('SELECT 1');
    await conn.end();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export async function run(args: string[]): Promise<Report> {
  const quick = args.includes('--quick');
  const mariadbDown = await mariadbReachable();
  const t0 = performance.now();
  const report: Report = {
    quick,
    cpus: os.cpus().length,
    node: process.version,
    at: new Date().toISOString(),
    mariadb: mariadbDown ? `unavailable: ${mariadbDown}` : MYSQL_SHOWN,
  };
  const benches: Record<string, unknown> = {};
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const b of BENCHES) {
    const benchArgs = quick ? [...b.quick] : [];
    if (mariadbDown && b.needsMariadb) {
      const line = `${b.name}: skipped — MariaDB at ${MYSQL_SHOWN} unavailable (${mariadbDown})`;
      notes.push(line);
      benches[b.name] = { skipped: line };
      process.stdout.write(`\n=== ${line}\n`);
      continue;
    }
    if (mariadbDown && b.name === 'engine') {
      benchArgs.push('--db', 'sqlite');
      notes.push(`engine: on SQLite only — MariaDB unavailable (${mariadbDown})`);
    }
    process.stdout.write(`\n=== bench ${b.name} ${benchArgs.join(' ')}\n`);
    const started = performance.now();
    try {
      const r = await (await b.load()).run(benchArgs);
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      benches[b.name] = { args: benchArgs, seconds, report: r };
      figures.push(...b.figures(r), { name: `${b.name}.bench_wall_time`, value: seconds, unit: 's' });
    } catch (e) {
      const line = `${b.name}: FAILED — ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
      notes.push(line);
      benches[b.name] = { args: benchArgs, failed: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      process.stdout.write(`\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }
  const total = Math.round((performance.now() - t0) / 100) / 10;
  figures.push({ name: 'all.wall_time', value: total, unit: 's' });
  Object.assign(report, { seconds: total, notes, figures, benches });

  const width = Math.max(...figures.map((f) => f.name.length));
  process.stdout.write(`\n=== all benches${quick ? ' (--quick)' : ''}: ${figures.length} figures in ${total} s\n`);
  for (const f of figures)
    process.stdout.write(`${f.name.padEnd(width)}  ${String(f.value ?? '—').padStart(10)}  ${f.unit}\n`);
  for (const n of notes) process.stdout.write(`${n}\n`);
  process.stdout.write(`\nwritten to ${writeResult('all', report)}\n`);
  if (notes.some((n) => n.includes('FAILED'))) process.exitCode = 1;
  return report;
}
