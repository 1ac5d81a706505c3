import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import type { Config } from '../config';
import { boot, configOrExit } from './bootstrap';
import { parseDatabaseUrl } from './persistence/data-source';
import { sessionSecret } from './persistence/session-secret';
import { Scheduler } from './jobs/scheduler';

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
  const booted = performance.now();
  const app = buildApp(services, { sessionSecret: await sessionSecret(services.db, config) });
  const scheduler = new Scheduler(services, services.jobs);
  if (config.jobs.enabled) scheduler.start();
  // Notifications go out right after the command that caused them commits; the outbox job catches what this misses.
  services.outbox.start();
  const server = app.listen(config.http.port, config.http.host);
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
      : `${target.flavor ?? 'MySQL'} ${target.host}:${target.port}/${target.database}`;
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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.logger.info('shutting down', { signal });
    void scheduler.stop();
    // A drain under way finishes before the database closes (what it leaves, another instance or the next start takes up).
    const drained = services.outbox.stop();
    server.close(() => {
      void drained.finally(() => services.db.close()).finally(() => process.exit(0));
    });
    server.closeAllConnections?.();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`Liandong could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
