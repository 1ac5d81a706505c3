import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { boot, configOrExit } from './bootstrap';
import { AppError } from './errors';
import { seedDemoHistory } from './domain/org/demo-history';
import { describeFieldProblem } from './i18n';
import { anchorsCommand, formatVerification, verifyHistoryCommand } from './cli-history';
import { backupCommand, restoreCommand } from './cli-backup';
import { BackupFileError } from './persistence/backup/backup-format';
import { RestoreRefused } from './persistence/backup/backup-restore';
import { tokenCommand } from './cli-tokens';
import { Operation } from './persistence/entities';
import { inSources } from './stack-sources';

const HELP = `Liandong 联动 — command line

  npm run cli -- migrate                      apply database migrations
  npm run cli -- seed-demo [--history-months N]
                                              load the reference organisation and demo users (adds what is missing);
                                              with --history-months, also N months of past demo operations
                                              (only into a brigade that has no operations yet)
  npm run cli -- brigade create --code CODE --name "名称" [--name-en NAME] [--time-zone Asia/Shanghai]
                   [--since YYYY-MM]          create a brigade (another district): empty, its first administrator next
  npm run cli -- user create --username NAME --name "显示名" --roles squad_leader[,officer…]
                   [--squad CODE] [--password PW] [--brigade CODE]
                                              create a user (prints a generated password if none is given);
                                              --brigade is needed once there is more than one brigade
  npm run cli -- user create --roles admin --username NAME --name "显示名" --brigade CODE --brigade-name "大队名称"
                   [--brigade-name-en NAME]   the first administrator, with a brigade that does not exist yet
                                              (an empty database: nobody can sign in before this)
  npm run cli -- token USERNAME [--label TEXT] [--expires-days N]
                                              print a new API token for that user (refused after N days, if given)
  npm run cli -- token list [USERNAME]        API tokens (every user's, or one's): id, label, first characters, expiry, last use
  npm run cli -- token revoke ID|TOKEN        revoke one token, by its id (token list) or the token itself
  npm run cli -- token revoke --user USERNAME revoke every token of that user
  npm run cli -- job list                     the jobs, their schedules and latest runs
  npm run cli -- job run NAME [--period YYYY-MM] [--brigade CODE]
                                              run a job now, for every brigade or the one named (recorded in the job-run log)
  npm run cli -- verify-history [--brigade CODE] [--anchors FILE]
                                              check every record's history hash chain, and the latest anchor
                                              (and those in FILE, kept outside); exit 1 naming what does not verify
  npm run cli -- anchors [--brigade CODE]     print the daily anchors of the history, to keep outside the system
  npm run cli -- backup --out FILE [--brigade CODE]
                                              a consistent backup, while the server runs, of every table and the
                                              evidence files' bytes (gzip'd JSON lines); --brigade: that brigade only
  npm run cli -- restore FILE                 restore a backup into the empty database DATABASE_URL names (its schema
                                              made here), its files into the file store; then verify the history
  npm run cli -- help

Environment: DATABASE_URL (default sqlite:data/liandong.sqlite), see README.`;

type Services = Awaited<ReturnType<typeof boot>>;
type Config = ReturnType<typeof configOrExit>;
/** One command: its arguments after the command's name; the exit code. */
type Command = (services: Services, args: string[], config: Config) => Promise<number>;

const out = (text: string) => process.stdout.write(text);

async function migrate(services: Services): Promise<number> {
  out(services.migrated.length ? `Applied: ${services.migrated.join(', ')}\n` : 'The database is up to date.\n');
  return 0;
}

async function seedDemo(services: Services, args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({ args, options: { 'history-months': { type: 'string' } }, strict: true });
  const added = await services.org.seedDemo();
  out(
    `Reference organisation: brigade ${added.brigade ? 'added' : 'present'}, ${added.groups} group(s), ${added.squads} squad(s), ${added.users} user(s) added.\n`,
  );
  if (values['history-months'] === undefined) return 0;
  const months = Number(values['history-months']);
  if (!Number.isInteger(months) || months < 1 || months > 36)
    throw new UsageError('--history-months: a whole number of months, 1 to 36');
  if ((await services.db.manager.count(Operation)) > 0) {
    out('Demo history: not loaded, the database already has operations.\n');
    return 0;
  }
  const report = await seedDemoHistory(config, services.db, services.logger, { months, now: services.clock.now() });
  out(
    `Demo history: ${report.operations} operation(s), ${report.events} step(s) over ${months} month(s), in ${report.seconds} s; the brigade uses Liandong since ${report.since}.\n`,
  );
  return 0;
}

async function brigade(services: Services, rest: string[]): Promise<number> {
  const [sub, ...args] = rest;
  if (sub !== 'create')
    throw new UsageError(
      'Usage: brigade create --code CODE --name NAME [--name-en NAME] [--time-zone ZONE] [--since YYYY-MM]',
    );
  const { values } = parseArgs({
    args,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      'name-en': { type: 'string' },
      'time-zone': { type: 'string' },
      since: { type: 'string' },
    },
    strict: true,
  });
  const created = await services.org.createBrigade({
    code: values.code ?? '',
    name: values.name ?? '',
    nameEn: values['name-en'],
    timeZone: values['time-zone'],
    since: values.since,
  });
  out(
    `Created brigade ${created.code} (${created.name}, id ${created.id}), time zone ${created.timeZone}, using Liandong since ${created.since}.\n` +
      'Next: create its first administrator, who then makes its squads, linkage groups and users under /admin:\n' +
      `  npm run cli -- user create --brigade ${created.code} --username ${created.code}.admin --name "系统管理员" --roles admin\n`,
  );
  return 0;
}

async function user(services: Services, rest: string[]): Promise<number> {
  const [sub, ...args] = rest;
  if (sub !== 'create')
    throw new UsageError(
      'Usage: user create --username NAME --name NAME --roles ROLE[,ROLE] [--squad CODE] [--password PW] [--brigade CODE [--brigade-name NAME]]',
    );
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      squad: { type: 'string' },
      password: { type: 'string' },
      brigade: { type: 'string' },
      'brigade-name': { type: 'string' },
      'brigade-name-en': { type: 'string' },
    },
    strict: true,
  });
  const newBrigade =
    values['brigade-name'] !== undefined
      ? { name: values['brigade-name'], nameEn: values['brigade-name-en'] }
      : undefined;
  const generated = values.password ? null : randomBytes(9).toString('base64url');
  const password = values.password ?? generated;
  if (password === null) throw new Error('no password given or made');
  const created = await services.org.createUser({
    username: values.username ?? '',
    displayName: values.name ?? values.username ?? '',
    roles: (values.roles ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    squad: values.squad ?? null,
    password,
    brigade: values.brigade,
    newBrigade,
  });
  out(`Created user ${created.username} (id ${created.id}).${generated ? ` Password: ${generated}` : ''}\n`);
  if (newBrigade) out(`Created brigade ${values.brigade} (${newBrigade.name}); ${created.username} administers it.\n`);
  return 0;
}

async function job(services: Services, rest: string[], config: Config): Promise<number> {
  const [sub, ...args] = rest;
  if (sub === 'list') {
    const recent = await services.jobs.recent(200);
    for (const j of services.jobs.jobs) {
      const last = recent.find((r) => r.job === j.name);
      const schedule = config.jobs.schedules[j.name] ?? '(by hand only)';
      const lastText = last
        ? `last ${last.status} at ${last.startedAt.toISOString()} (found ${last.found}, did ${last.did})`
        : 'never run';
      out(`${j.name.padEnd(20)} ${schedule.padEnd(18)} ${j.description.padEnd(10)} ${lastText}\n`);
    }
    return 0;
  }
  if (sub === 'run') {
    const { values, positionals } = parseArgs({
      args,
      options: { period: { type: 'string' }, brigade: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('Usage: job run NAME [--period YYYY-MM] [--brigade CODE]');
    const run = await services.jobs.run(positionals[0], { via: 'cli', period: values.period, brigade: values.brigade });
    out(
      `${run.job} ${run.period ?? ''} ${run.status}: found ${run.found}, did ${run.did} (run #${run.id}, attempt ${run.attempt})\n${JSON.stringify(run.summary, null, 2)}\n${run.error ? `error: ${run.error}\n` : ''}`,
    );
    return run.status === 'ok' ? 0 : 1;
  }
  throw new UsageError('Usage: job list | job run NAME [--period YYYY-MM] [--brigade CODE]');
}

/** Every command, by the name it is called by (HELP above says what each does). */
const COMMANDS: Record<string, Command> = {
  migrate,
  'seed-demo': seedDemo,
  brigade,
  user,
  token: (services, args) => tokenCommand(services, args),
  job,
  'verify-history': (services, args) => verifyHistoryCommand(services, args, out),
  anchors: (services, args) => anchorsCommand(services, args, out),
  backup: (services, args, config) => backupCommand(services, args, config, out),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(`${HELP}\n`);
    return command ? 0 : 1;
  }
  const config = configOrExit();
  // Restore opens the database itself: it migrates an empty one to the backup's schema, not to this code's.
  if (command === 'restore')
    return restoreCommand(rest, config, out, async () => {
      const restored = await boot(config, { seed: false });
      try {
        const report = await restored.historyChain.verify();
        return { ok: report.ok, text: formatVerification(report) };
      } finally {
        await restored.db.close();
      }
    });
  const services = await boot(config, { seed: false });
  try {
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) throw new UsageError(`Unknown command: ${command}\n\n${HELP}`);
    return await run(services, rest, config);
  } finally {
    await services.db.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    if (e instanceof AppError) {
      const fields = Object.entries(e.fields).map(([k, v]) => `  ${k}: ${describeFieldProblem('en', v)}`);
      process.stderr.write(`${e.message}\n${fields.join('\n')}\n`);
    } else if (
      e instanceof UsageError ||
      e instanceof RestoreRefused ||
      e instanceof BackupFileError ||
      (e as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${(e as Error).message}\n`);
    } else {
      process.stderr.write(`${e instanceof Error ? (e.stack ? inSources(e.stack) : e.message) : String(e)}\n`);
    }
    process.exit(1);
  });
