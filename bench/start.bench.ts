/**
 * `npm run bench -- start [--runs 5]`
 *
 * Issue 14: `npm start` to the first 200 on a fresh SQLite file, demo past
 * included. Each run starts the real `npm start` (the build, then the bundled
 * server) in its own process group on a new temporary SQLite file (PORT=0: the
 * server prints the address it listens on), and times from the spawn the first
 * 200 of /healthz and then of /login (the first real page); then /login once
 * more (warm, for comparison), the server's RSS, and stops the whole process
 * tree. The phases come from the server's own `started` log line: npm and the
 * build (spawn to the server process's time origin), Node to the bundle's main,
 * config, opening the database, migrations, the reference organisation, the
 * demo past, the rest of boot, the app and listen; and the server's CPU time to
 * listening (user + system, less disturbed by other work than the wall-clock
 * figures). Prints p50/max over the runs
 * and the load average (other work on the machine disturbs the figures), and
 * writes them as JSON under bench-output/.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, arg, percentile, writeResult } from './support';

const round = (x: number) => Math.round(x);

interface Run {
  /** Milliseconds from the spawn of `npm start`. */
  healthzMs: number;
  loginMs: number;
  loginWarmMs: number;
  /** Milliseconds per phase (see the header). */
  phases: Record<string, number>;
  rssMiB: number;
  /** The server's CPU time (user + system) to listening: less disturbed than wall time by other work on the machine. */
  serverCpuMs: number;
  demoHistory: { operations: number; events: number } | null;
}

/** The server's RSS now (VmRSS), in MiB. */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024);
}

/** The first 200 of `url`: asks again (every 10 ms) on a refused connection or another status. */
async function first200(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not answering yet
    }
    if (performance.now() > deadline) throw new Error(`no 200 from ${url}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Stops the process group (npm, its shell, the server): SIGTERM, then SIGKILL if it lingers. */
async function stopGroup(pgid: number, closed: Promise<unknown>): Promise<void> {
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timeout = new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000).unref());
  if ((await Promise.race([closed, timeout])) === 'late') {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

async function oneRun(i: number, timeoutMs: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-bench-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'x.sqlite')}`, PORT: '0' };
  // As a user's `npm start`: the defaults of development, whatever this shell has set.
  for (const k of ['NODE_ENV', 'SEED_DEMO', 'DEMO_HISTORY_MONTHS', 'SCRYPT_COST', 'JOBS', 'HOST']) delete env[k];
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise((r) => child.once('close', r));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server not ready:\n${out}${err}`)), timeoutMs);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /running: (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      void closed.then(() => reject(new Error(`npm start exited:\n${out}${err}`)));
    });
    const deadline = t0 + timeoutMs;
    await first200(`${url}/healthz`, deadline);
    const healthzMs = performance.now() - t0;
    await first200(`${url}/login`, deadline);
    const loginMs = performance.now() - t0;
    const warm = performance.now();
    await first200(`${url}/login`, deadline);
    const loginWarmMs = performance.now() - warm;

    const lines = err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l.message === 'started') as
      | { pid: number; timeOrigin: number; ms: Record<string, number>; cpuMs: { total: number } }
      | undefined;
    if (!started) throw new Error(`no 'started' line from the server:\n${err}`);
    const history = lines.find((l) => l.message === 'demo history loaded') as
      | { operations: number; events: number }
      | undefined;
    const { listening, ...serverPhases } = started.ms;
    const npmAndBuild = started.timeOrigin - spawnedAt;
    const phases = {
      npmAndBuild,
      ...serverPhases,
      listening: npmAndBuild + listening,
      firstHealthz: healthzMs - npmAndBuild - listening,
      firstLogin: loginMs - healthzMs,
    };
    const run: Run = {
      healthzMs: round(healthzMs),
      loginMs: round(loginMs),
      loginWarmMs: round(loginWarmMs),
      phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(v)])),
      rssMiB: rssMiB(started.pid),
      serverCpuMs: started.cpuMs.total,
      demoHistory: history ? { operations: history.operations, events: history.events } : null,
    };
    process.stdout.write(
      `start: run ${i + 1}: /healthz ${run.healthzMs} ms, /login ${run.loginMs} ms (warm ${run.loginWarmMs} ms), RSS ${run.rssMiB} MiB, server CPU ${run.serverCpuMs} ms · ${Object.entries(
        run.phases,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
    return run;
  } finally {
    await stopGroup(child.pid!, closed);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const stats = (xs: number[]) => ({ p50: round(percentile(xs, 50)), max: round(Math.max(...xs)) });

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const runs = Number(arg(args, 'runs', '5'));
  const timeoutMs = Number(arg(args, 'timeout', '120')) * 1000;
  const loadBefore = os.loadavg().map((x) => Math.round(x * 100) / 100);
  process.stdout.write(
    `start: ${runs} × npm start on a fresh SQLite file (load average ${loadBefore.join(' ')} on ${os.cpus().length} cores)\n`,
  );
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(await oneRun(i, timeoutMs));
  const phaseNames = [...new Set(results.flatMap((r) => Object.keys(r.phases)))];
  const summary = {
    healthzMs: stats(results.map((r) => r.healthzMs)),
    loginMs: stats(results.map((r) => r.loginMs)),
    loginWarmMs: stats(results.map((r) => r.loginWarmMs)),
    rssMiB: stats(results.map((r) => r.rssMiB)),
    serverCpuMs: stats(results.map((r) => r.serverCpuMs)),
    phasesMs: Object.fromEntries(
      phaseNames.map((p) => [p, stats(results.map((r) => r.phases[p]).filter((x) => x !== undefined))]),
    ),
  };
  const loadAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const line = (name: string, s: { p50: number; max: number }, unit = 'ms') =>
    `  ${name.padEnd(24)} p50 ${String(s.p50).padStart(6)}  max ${String(s.max).padStart(6)} ${unit}\n`;
  process.stdout.write(`start: over ${runs} runs (load average after ${loadAfter.join(' ')})\n`);
  process.stdout.write(line('first 200 /healthz', summary.healthzMs));
  process.stdout.write(line('first 200 /login', summary.loginMs));
  process.stdout.write(line('/login again (warm)', summary.loginWarmMs));
  process.stdout.write(line('server RSS after', summary.rssMiB, 'MiB'));
  process.stdout.write(line('server CPU to listen', summary.serverCpuMs));
  for (const [p, s] of Object.entries(summary.phasesMs)) process.stdout.write(line(`  ${p}`, s));
  const report = {
    runs,
    cpus: os.cpus().length,
    node: process.version,
    loadAverage: { before: loadBefore, after: loadAfter },
    demoHistory: results[0]?.demoHistory ?? null,
    summary,
    results,
  };
  process.stdout.write(`written to ${writeResult('start', report)}\n`);
  return report;
}
