import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { Config } from '../config';
import { boot, configOrExit } from './bootstrap';
import { parseDatabaseUrl } from './persistence/data-source';
import { sessionSecret } from './persistence/session-secret';
import { Scheduler } from './jobs/scheduler';
import { inSources } from './stack-sources';
import { logUncaught } from './logger';

/**
 * How to sign in, as start-up says it: the demo users (and their published
 * password) only where the demo is what this instance is for — loaded now, or
 * kept in development; with nobody to sign in yet, how to create the first
 * administrator; otherwise nothing of passwords.
 */
function signInLines(
  url: string,
  config: Readonly<Config>,
  services: { seeded: boolean; hasUsers: boolean },
): string[] {
  if (!services.hasUsers) {
    return [
      '  Nobody can sign in yet: the database has no users. Create the first administrator (with the brigade, in a new database):',
      '    npm run cli -- user create --roles admin --username admin --name "系统管理员" --brigade <code> --brigade-name "<大队名称>"',
      `  It prints the password; sign in with it at ${url} and add squads, linkage groups and users under 系统管理 (/admin).`,
    ];
  }
  const demo = services.seeded || (config.demo.seedOnEmpty && config.env !== 'production');
  if (!demo)
    return [`  Open ${url} and sign in.`, '  An API token: npm run cli -- token <username> [--expires-days N]'];
  return [
    ...(config.env === 'production'
      ? [
          '  These are DEMO users with the published password (SEED_DEMO=1), administrator included: for trying Liandong out, not for real work.',
        ]
      : []),
    `  Open ${url} and sign in, e.g. as waitan.leader, duty, commander, inspector or admin`,
    `  (demo password "${config.demo.password}"; every demo user is listed in the README).`,
    '  An API token: npm run cli -- token waitan.leader',
  ];
}

const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);

/** `npm start`: migrate, seed an empty database with the reference organisation (not in production, unless SEED_DEMO=1), serve. */
async function main(): Promise<void> {
  // Milliseconds since the process began (performance.timeOrigin): Node itself and loading the bundle.
  const loaded = performance.now();
  const loadedCpu = process.cpuUsage();
  const config = configOrExit();
  const configured = performance.now();
  const services = await boot(config);
  logUncaught(services.logger);
  const booted = performance.now();
  let stopping = false;
  const app = buildApp(services, {
    sessionSecret: await sessionSecret(services.db, config),
    draining: () => stopping,
  });
  services.metrics.collectDefaults();
  const scheduler = new Scheduler(services, services.jobs);
  if (config.jobs.enabled) scheduler.start();
  // Notifications go out right after the command that caused them commits; the outbox job catches what this misses.
  services.outbox.start();
  const server = app.listen(config.http.port, config.http.host);
  // Requests under way (a shutdown waits for them, and names them if it has to cut them).
  let inFlight = 0;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  // Where start-up's time went (`npm run bench -- start` reads this line): each phase in ms, and when it began listening.
  services.logger.info('started', {
    pid: process.pid,
    timeOrigin: Math.round(performance.timeOrigin),
    ms: {
      processToMain: Math.round(loaded),
      config: Math.round(configured - loaded),
      ...services.timings,
      bootOther: Math.round(booted - configured - Object.values(services.timings).reduce((a, b) => a + b, 0)),
      appAndListen: Math.round(performance.now() - booted),
      listening: Math.round(performance.now()),
    },
    // CPU time to here (user + system): on a busy machine the wall-clock phases wait for the CPU, this does not.
    cpuMs: { toMain: cpuMs(loadedCpu), total: cpuMs(process.cpuUsage()) },
  });
  const url =
    config.http.publicUrl ?? `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`;
  const target = parseDatabaseUrl(config.database.url);
  const where =
    target.kind === 'sqlite'
      ? `SQLite ${target.file}`
      : `${target.flavor ?? 'MySQL'} ${target.socketPath ? `${target.socketPath} (socket)` : `${target.host}:${target.port}`}/${target.database}`;
  const lines = [
    '',
    `  Liandong 联动 is running: ${url}`,
    `  Database: ${where}${services.migrated.length ? ` (applied ${services.migrated.length} migration(s))` : ''}`,
    services.seeded ? '  Loaded the reference organisation (Huangpu brigade, 17 squads, 4 groups) and demo users.' : '',
    services.history
      ? `  And ${config.demo.historyMonths} months of demo joint operations (${services.history.operations}, with their holding, audits and detained goods) for the figures; the brigade uses Liandong since ${services.history.since}.`
      : '',
    ...signInLines(url, config, services),
    `  API: ${url}/api/v1  ·  description: ${url}/api/openapi.json`,
    config.web.secureCookies && !url.startsWith('https:')
      ? `  Cookies are Secure and HSTS is on (SECURE_COOKIES${config.env === 'production' ? ', the production default' : ''}): sign-in works only over HTTPS — serve ${url} through a TLS proxy (TRUST_PROXY names it; now ${config.web.trustProxy}) and set PUBLIC_URL to its https:// address, or set SECURE_COOKIES=0 for plain HTTP.`
      : '',
    config.jobs.enabled
      ? `  Oversight jobs scheduled (${Object.keys(config.jobs.schedules).join(', ')}).`
      : '  Oversight jobs are off in this instance (JOBS=0).',
    '  Stop with Ctrl+C.',
    '',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n`);

  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  /**
   * Graceful shutdown (issue 15): /healthz answers 503 and the listener closes (a proxy sends the next
   * requests elsewhere); requests in flight finish, each answered with `Connection: close`, and idle
   * keep-alive connections are closed; the scheduler starts no new slot and the running job finishes;
   * the outbox is drained; the database closed; exit 0. Past `shutdown.graceSeconds`: the job runs
   * still under way are marked failed (their slots finished: nothing stays "running" or holds up
   * another instance), a line names what was cut, exit 1.
   */
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    const { logger, jobs, outbox, db } = services;
    const graceMs = config.shutdown.graceSeconds * 1000;
    logger.info('shutting down', { signal, graceSeconds: config.shutdown.graceSeconds, requestsInFlight: inFlight });
    let phase = 'requests';
    const deadline = setTimeout(() => {
      void (async () => {
        const cutJobs = jobs.running;
        try {
          await jobs.interrupt(`interrupted: the instance shut down (${signal}) before the run ended`);
        } catch (e) {
          logger.error('shutdown: the cut job runs could not be marked', { err: e });
        }
        logger.error('shutdown deadline passed: exiting with work cut', {
          graceSeconds: config.shutdown.graceSeconds,
          phase,
          cut: { requestsInFlight: inFlight, jobs: cutJobs },
        });
        process.exit(1);
      })();
    }, graceMs);
    deadline.unref();
    // Node's server.close() also closes every connection without a request under way — and so one
    // just accepted whose request is not read yet: its client would see a reset of a request nobody
    // answered. The listener closes now; connections left idle are closed a moment later (and again
    // each second), when whatever reached this instance before it stopped listening has been read.
    const closeIdle = server.closeIdleConnections.bind(server);
    server.closeIdleConnections = () => undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections = closeIdle;
    const sweep = setInterval(closeIdle, 1000);
    const jobsDone = scheduler.stop().then(() => jobs.stop());
    await closed;
    clearInterval(sweep);
    phase = 'jobs';
    await jobsDone;
    // What the last commands wrote to the outbox goes out now, not when another instance's job gets to it.
    phase = 'outbox';
    await outbox.stop();
    try {
      await outbox.drain();
    } catch (e) {
      logger.warn('shutdown: the last outbox drain failed (another instance or the next start delivers it)', {
        err: e,
      });
    }
    phase = 'database';
    await db.close();
    clearTimeout(deadline);
    logger.info('stopped', { signal });
    process.exit(0);
  }
}

main().catch((e) => {
  process.stderr.write(
    `Liandong could not start: ${e instanceof Error ? (e.stack ? inSources(e.stack) : e.message) : String(e)}\n`,
  );
  process.exit(1);
});
