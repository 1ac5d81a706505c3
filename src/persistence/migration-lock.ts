import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from './dialect';

/**
 * One instance at a time applies migrations. Several instances started together
 * after an upgrade (systemd on two hosts, three instances on a Galera cluster)
 * would otherwise run the same DDL at once: one fails half-way with "table
 * already exists" and the schema is left between two versions.
 *
 * The lock is a row, not `GET_LOCK` (a connection's lock, which Galera does not
 * replicate) nor `LOCK TABLES` (refused by Galera): the instance that inserts
 * row 1 of `migrations_lock` migrates; the others wait for the row to go and
 * then find nothing left to apply. The table is made here, outside the
 * migrations, because it must exist before the first of them. A holder that
 * died leaves its row: it is taken over once it has not been refreshed for
 * `staleMs` (the holder refreshes it while a long migration runs).
 */
export const MIGRATIONS_LOCK_TABLE = 'migrations_lock';

export interface MigrationLockOptions {
  /** Who holds it, for the row and the messages (default host:pid). */
  holder?: string;
  /** A row not refreshed for this long belongs to an instance that died (default 2 minutes). */
  staleMs?: number;
  /** How often the holder refreshes its row (default 15 s). */
  refreshMs?: number;
  /** How long to wait for another instance's migrations before giving up (default 15 minutes). */
  waitMs?: number;
  /** Between two looks at a lock held by another (default 500 ms). */
  pollMs?: number;
  /** Told once when this instance starts waiting for another. */
  onWait?: (holder: string) => void;
}

/** Galera's certification failure: two nodes inserted the row at once, and this one lost. */
const isCertificationConflict = (e: unknown) =>
  ((e as { driverError?: { errno?: number }; errno?: number })?.driverError?.errno ??
    (e as { errno?: number })?.errno) === 1213;

/**
 * Whether any migration of this code is not recorded yet. Read by hand: TypeORM's own check creates its
 * `migrations` table when missing, and two instances doing that at once fail ("already exists").
 */
async function anyPending(ds: DataSource): Promise<boolean> {
  let recorded: Array<{ name: string }>;
  try {
    recorded = await ds.query('SELECT name FROM migrations');
  } catch {
    return true; // no migrations table yet: a new database
  }
  const names = new Set(recorded.map((r) => r.name));
  return ds.migrations.some((m) => !names.has(m.name ?? m.constructor.name));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `migrate` holding the migrations lock, when there is anything to apply.
 * With nothing pending it returns [] at the cost of one read (the usual start).
 */
export async function withMigrationLock(
  ds: DataSource,
  migrate: () => Promise<string[]>,
  opts: MigrationLockOptions = {},
): Promise<string[]> {
  if (!(await anyPending(ds))) return [];
  // Whatever the instance before us applied is not applied again (TypeORM reads the migrations table afresh).
  return holdingStartLock(ds, migrate, opts);
}

/**
 * Runs `work` holding the lock (waiting for whoever holds it): what one instance
 * at a time must do at start — the migrations, and loading the demo into an empty
 * database (two instances would both find it empty and both load it).
 */
export async function holdingStartLock<T>(
  ds: DataSource,
  work: () => Promise<T>,
  opts: MigrationLockOptions = {},
): Promise<T> {
  const holder = (opts.holder ?? `${hostname()}:${process.pid}`).slice(0, 200);
  const staleMs = opts.staleMs ?? 120_000;
  const refreshMs = opts.refreshMs ?? 15_000;
  const pollMs = opts.pollMs ?? 500;
  const giveUpAt = Date.now() + (opts.waitMs ?? 15 * 60_000);
  await ds.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_LOCK_TABLE} (id INT NOT NULL PRIMARY KEY, holder VARCHAR(200) NOT NULL, taken_at BIGINT NOT NULL)`,
  );
  let told = false;
  for (;;) {
    try {
      await ds.query(`INSERT INTO ${MIGRATIONS_LOCK_TABLE} (id, holder, taken_at) VALUES (1, ?, ?)`, [
        holder,
        Date.now(),
      ]);
      break;
    } catch (e) {
      if (!isUniqueViolation(e) && !isCertificationConflict(e)) throw e;
    }
    const rows: Array<{ holder: string; taken_at: number | string }> = await ds.query(
      `SELECT holder, taken_at FROM ${MIGRATIONS_LOCK_TABLE} WHERE id = 1`,
    );
    const held = rows[0];
    if (!held) continue; // released between our insert and our look: try again now
    if (Date.now() - Number(held.taken_at) > staleMs) {
      // Its holder stopped refreshing it: gone. Only that very row is removed (another may have taken over).
      await ds.query(`DELETE FROM ${MIGRATIONS_LOCK_TABLE} WHERE id = 1 AND holder = ? AND taken_at = ?`, [
        held.holder,
        held.taken_at,
      ]);
      continue;
    }
    if (Date.now() > giveUpAt)
      throw new Error(
        `Migrations: ${held.holder} has held the migrations lock (table ${MIGRATIONS_LOCK_TABLE}) for too long; if that instance is gone, delete the row and start again`,
      );
    if (!told) opts.onWait?.(held.holder);
    told = true;
    await sleep(pollMs);
  }
  const refresh = setInterval(() => {
    ds.query(`UPDATE ${MIGRATIONS_LOCK_TABLE} SET taken_at = ? WHERE id = 1 AND holder = ?`, [
      Date.now(),
      holder,
    ]).catch(() => undefined);
  }, refreshMs);
  refresh.unref();
  try {
    return await work();
  } finally {
    clearInterval(refresh);
    await ds.query(`DELETE FROM ${MIGRATIONS_LOCK_TABLE} WHERE id = 1 AND holder = ?`, [holder]);
  }
}
