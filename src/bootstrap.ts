import { type Config, ConfigError, loadConfig } from '../config';
import { type Clock, systemClock } from './clock';
import { createServices, type Services } from './container';
import { createLogger, type Logger } from './logger';
import { openDatabase } from './persistence/data-source';
import { bulkLoad } from './persistence/dialect';
import { type DemoHistoryReport, seedDemoHistory } from './domain/org/demo-history';
import { unnamedCodes } from './i18n';

/**
 * What config names that the dictionaries must have words for: a user is
 * never shown a raw code (a missing transfer material is named by its name).
 */
export function checkConfigWords(config: Readonly<Config>): void {
  const unnamed = unnamedCodes('material.', config.transfers.requiredMaterials);
  if (unnamed.length)
    throw new ConfigError(
      `transfers.requiredMaterials: no words for ${unnamed.join(', ')} (add material.<code> to every dictionary in src/i18n)`,
    );
}

/** Loads config or exits with a message naming the bad key. */
export function configOrExit(): Readonly<Config> {
  try {
    const config = loadConfig();
    checkConfigWords(config);
    return config;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Milliseconds each phase of `boot` took (a phase that did not run is absent): start-up's own account of itself. */
export interface BootTimings {
  openDatabase?: number;
  migrations?: number;
  referenceOrganisation?: number;
  demoHistory?: number;
}

/**
 * Opens the database, applies migrations and (when it is empty and the config
 * says so: by default, but in production only with SEED_DEMO=1) loads the
 * reference organisation and demo users, with a past of demo operations
 * (`demo.historyMonths`). `hasUsers`: whether anyone can sign in yet.
 */
export async function boot(
  config: Readonly<Config>,
  opts: { clock?: Clock; logger?: Logger; seed?: boolean } = {},
): Promise<
  Services & {
    migrated: string[];
    seeded: boolean;
    history: DemoHistoryReport | null;
    hasUsers: boolean;
    timings: BootTimings;
  }
> {
  const logger = opts.logger ?? createLogger({ level: config.log.level, tokenPrefix: config.auth.tokenPrefix });
  const timings: BootTimings = {};
  let lap = performance.now();
  const took = (phase: keyof BootTimings) => {
    const t = performance.now();
    timings[phase] = Math.round(t - lap);
    lap = t;
  };
  const db = await openDatabase(config);
  // A cluster's node died (or left the primary component): this instance now uses another (DATABASE_HOSTS).
  db.events.on('failover', ({ from, to }: { from: string; to: string }) =>
    logger.warn('database failover', { from, to }),
  );
  took('openDatabase');
  const migrated = await db.migrate({
    onWait: (holder) => logger.info('waiting for another instance to apply the migrations', { holder }),
  });
  took('migrations');
  const services = createServices(config, db, opts.clock ?? systemClock, logger);
  let seeded = false;
  let history: DemoHistoryReport | null = null;
  if ((opts.seed ?? config.demo.seedOnEmpty) && (await services.org.isEmpty())) {
    // One instance loads it (several started together on a new database would all find it empty); the others wait
    // and find it loaded. A database nobody uses yet: loaded without syncing the disk meanwhile, and on it before
    // we serve (bulkLoad).
    await db.holdingStartLock(
      async () => {
        if (!(await services.org.isEmpty())) return;
        await bulkLoad(db, async () => {
          await services.org.seedDemo();
          took('referenceOrganisation');
          seeded = true;
          if (config.demo.historyMonths > 0) {
            history = await seedDemoHistory(config, db, logger, {
              months: config.demo.historyMonths,
              now: services.clock.now(),
            });
            took('demoHistory');
          }
        });
      },
      { onWait: (holder) => logger.info('waiting for another instance to load the demo', { holder }) },
    );
  }
  return { ...services, migrated, seeded, history, hasUsers: await services.org.hasUsers(), timings };
}
