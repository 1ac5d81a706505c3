import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import fs from 'node:fs';
import type { PoolConnection, PoolOptions } from 'mysql2';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { CommitOutcomeUnknownError, DatabaseUnavailableError, WriteConflictError } from '../errors';
import { CLOSING, DeferredTransaction } from './deferred-transaction';
import { runsCompoundStatements } from './dialect';
import { FailoverPool, isServerGone, mysql2, parseHosts, type DatabaseHost } from './failover-pool';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { Mutex } from './mutex';
import { holdingStartLock, type MigrationLockOptions, withMigrationLock } from './migration-lock';
import { SnakeNamingStrategy } from './naming.strategy';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** MySQL-family server: TypeORM reads MariaDB's schema differently, so it must know which. */
  flavor?: 'mysql' | 'mariadb';
  /** SQLite: file path (or :memory:). */
  file?: string;
  host?: string;
  port?: number;
  /** MySQL/MariaDB on this machine: its Unix socket (`?socket=` in the URL), in place of TCP to host:port. */
  socketPath?: string;
  username?: string;
  password?: string;
  database?: string;
}

/**
 * Reads `sqlite:<file>` or `mysql://user:pass@host:port/db` (mariadb:// too); `?socket=/path/to/mysqld.sock`
 * reaches a server on this machine through its Unix socket instead of TCP (less of both processes' CPU per
 * statement than the loopback's TCP: issue 14).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file };
  }
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new Error(`unsupported database URL scheme ${u.protocol}`);
  const socket = u.searchParams.get('socket');
  return {
    kind: 'mysql',
    flavor: u.protocol === 'mariadb:' ? 'mariadb' : undefined,
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    ...(socket ? { socketPath: socket } : {}),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
  };
}

/** Where the MySQL pool's failovers are told (the Database's events); set by `openDatabase`. */
export interface PoolHandle {
  pool?: FailoverPool;
  onFailover?: (from: string, to: string) => void;
}

export function dataSourceOptions(
  target: DatabaseTarget,
  opts: { logging?: boolean; poolSize?: number; hosts?: DatabaseHost[]; handle?: PoolHandle } = {},
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: opts.logging ?? false,
  };
  if (target.kind === 'sqlite') {
    const file = target.file ?? ':memory:';
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: file !== ':memory:',
      // Prepared statements kept (TypeORM's default is 100): the app sends several hundred distinct ones, and a
      // statement prepared again on every use cost a few per cent of a step under load.
      statementCacheSize: 2000,
      prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    ...common,
    type: target.flavor ?? 'mysql',
    driver: mysqlWithSessionSetup(
      [
        { host: target.host ?? '127.0.0.1', port: target.port ?? 3306, socketPath: target.socketPath },
        ...(opts.hosts ?? []),
      ],
      opts.handle ?? {},
    ),
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: opts.poolSize ?? 20,
    // trace: false — mysql2 would otherwise capture a stack trace for every query (5 % of the CPU under load).
    extra: { connectionLimit: opts.poolSize ?? 20, dateStrings: false, trace: false },
  };
}

/**
 * Runs of a command that keeps meeting concurrent writes. On one server a deadlock is rare;
 * on a Galera cluster every command of every node that takes the same hot row (a brigade's
 * record-number counter, on FILE) conflicts at commit — 4 runs left a few per cent of the
 * cluster bench's FILEs at 409 write_conflict, 8 with a growing, jittered pause none.
 */
const DEADLOCK_RETRIES = 8;
/** Runs of a command whose connection was lost before COMMIT (each after a move to a node that answers). */
const CONNECTION_RETRIES = 4;

/**
 * ER_LOCK_DEADLOCK (1213): the server rolled the whole transaction back. On a
 * Galera cluster it is also a certification failure at COMMIT (another node's
 * write set touched the same rows first): rolled back all the same.
 */
function isDeadlock(e: unknown): boolean {
  const err = e as { driverError?: { errno?: number }; errno?: number };
  return (err?.driverError?.errno ?? err?.errno) === 1213;
}

/**
 * What a failed transaction tells about running it again:
 *  - 'conflict': a deadlock or certification failure — rolled back, run again;
 *  - 'connection': the server went away (or a Galera node left the primary
 *    component: 1047) before COMMIT was sent — the server rolls back a
 *    transaction whose connection drops, so run again, on a node that answers;
 *  - 'unknown': the connection was lost while COMMIT was on its way — it may have
 *    committed (on Galera its write set may be on the other nodes already);
 *  - null: any other error (the caller's own, a constraint …): not ours to retry.
 */
function failureKind(e: unknown): 'conflict' | 'connection' | 'unknown' | null {
  if (isDeadlock(e)) return 'conflict';
  if (!isServerGone(e)) return null;
  const errno = (e as { driverError?: { errno?: number } })?.driverError?.errno;
  // 1047: the node refused the statement (even a COMMIT): nothing was written.
  if (errno === 1047) return 'connection';
  // A COMMIT on a connection mysql2 already knew closed was never sent: nothing was written.
  const message = String((e as { driverError?: { message?: string } })?.driverError?.message ?? '');
  if (/closed state/.test(message)) return 'connection';
  // Lost while a COMMIT was on its way: on its own, or as the tail of a deferred transaction's last block.
  const query = (e as { query?: string })?.query;
  return query === 'COMMIT' || (typeof query === 'string' && query.endsWith(CLOSING)) ? 'unknown' : 'connection';
}

/**
 * mysql2, with every pooled connection set to READ COMMITTED as it opens:
 * no gap locks on index ranges, so concurrent commands on different records
 * do not deadlock, and no extra statement per transaction to say so. The
 * optimistic lock (a conditional UPDATE) keeps each record consistent.
 *
 * On a Galera node, also `wsrep_sync_wait = 1`: a read waits until the node has
 * applied every write set the cluster had committed when the read began, so a
 * client that wrote through one instance (node 1) and reads through another
 * (node 2) sees its write (causal reads). Plain MariaDB/MySQL are left as they are.
 *
 * The pool is a FailoverPool over the URL's host and DATABASE_HOSTS: the first
 * that answers, and the next one when it dies.
 */
function mysqlWithSessionSetup(hosts: DatabaseHost[], handle: PoolHandle) {
  const setup = (conn: PoolConnection, galera: boolean) => {
    conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    if (galera) conn.query('SET SESSION wsrep_sync_wait = 1');
  };
  const createPool = (options: PoolOptions) => {
    const pool = new FailoverPool(options, dedupe(hosts), setup, {
      failover: (from, to) => handle.onFailover?.(from, to),
    });
    handle.pool = pool;
    return pool;
  };
  return { ...mysql2(), createPool };
}

function dedupe(hosts: DatabaseHost[]): DatabaseHost[] {
  const seen = new Set<string>();
  return hosts.filter((h) => {
    const key = `${h.host}:${h.port}:${h.socketPath ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The database as the rest of the code sees it: the DataSource and one way to
 * run a write transaction. On SQLite TypeORM shares one connection, so two
 * overlapping transactions would corrupt each other: every write transaction
 * goes through one in-process mutex there (shared/STACK.md).
 */
export class Database {
  private readonly writeLock: Mutex | null;
  /**
   * 'retry' ({ reason: 'conflict' | 'connection' }) each time a transaction is run
   * again; 'failover' ({ from, to }) when the pool moves to another server.
   */
  readonly events = new EventEmitter();

  constructor(
    readonly dataSource: DataSource,
    readonly kind: DatabaseKind,
    private readonly handle: PoolHandle = {},
  ) {
    this.writeLock = kind === 'sqlite' ? new Mutex() : null;
    handle.onFailover = (from, to) => this.events.emit('failover', { from, to });
  }

  /** The MySQL server in use (`host:port`); null on SQLite. */
  get server(): string | null {
    return this.handle.pool?.host ?? null;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one transaction: all of it commits, or none of it. On
   * MySQL/MariaDB a transaction the server rolled back whole — a deadlock victim,
   * a Galera certification conflict, a connection lost before COMMIT was sent —
   * is run again from the start (`work` reads and checks everything afresh, e.g.
   * an engine step its expectedVersion), a few times; then 409 write_conflict.
   * A connection lost while COMMIT was on its way leaves the outcome unknown:
   * not run again (a step sent twice would be two steps), 409 commit_outcome_unknown.
   * `work` must do nothing outside the transaction (after-commit work goes after this call).
   *
   * `deferred`: on MariaDB, the transaction opens with its first write and may commit
   * with its last compound statement (deferred-transaction.ts); `work`'s reads before
   * its first write are sent outside it. Elsewhere the same as without.
   */
  async transaction<T>(work: (tx: EntityManager) => Promise<T>, opts: { deferred?: boolean } = {}): Promise<T> {
    if (this.writeLock) return this.writeLock.run(() => this.dataSource.transaction(work));
    const once =
      opts.deferred && runsCompoundStatements(this.dataSource.manager)
        ? () => this.deferredTransaction(work)
        : () => this.dataSource.transaction(work);
    for (let conflicts = 0, lost = 0; ; ) {
      try {
        return await once();
      } catch (e) {
        const kind = failureKind(e);
        if (kind === null) throw e;
        if (kind !== 'conflict') await this.handle.pool?.serverGone();
        if (kind === 'unknown')
          throw new CommitOutcomeUnknownError(`The connection was lost during COMMIT: ${(e as Error).message}`);
        if (kind === 'conflict' && ++conflicts >= DEADLOCK_RETRIES)
          throw new WriteConflictError(`Still conflicting after ${conflicts} runs: ${(e as Error).message}`);
        if (kind === 'connection' && ++lost >= CONNECTION_RETRIES)
          throw new DatabaseUnavailableError(`No database server answered after ${lost} runs: ${(e as Error).message}`);
        this.events.emit('retry', { reason: kind });
        // Conflicts: 5, 10, 20 … ms (at most 320), each between half and one and a half times that, so the
        // same contenders do not meet again in step. A lost connection: the pool has moved on; a short pause.
        const pause =
          kind === 'conflict' ? Math.min(320, 5 * 2 ** (conflicts - 1)) * (0.5 + Math.random()) : lost * 200;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  /** One run of `work` in a transaction deferred to its first write (deferred-transaction.ts), on a connection of its own. */
  private async deferredTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const tx = new DeferredTransaction(runner);
    try {
      const result = await work(runner.manager);
      await tx.commit();
      return result;
    } catch (e) {
      await tx.rollback();
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` as the one instance doing start-up work (the demo into an empty database): migration-lock.ts. */
  async holdingStartLock<T>(work: () => Promise<T>, opts: Pick<MigrationLockOptions, 'onWait' | 'holder'> = {}) {
    return holdingStartLock(this.dataSource, work, opts);
  }

  /** Applies pending migrations, one instance at a time (migration-lock.ts); `onWait` is told when another is at it. */
  async migrate(opts: Pick<MigrationLockOptions, 'onWait' | 'holder'> = {}): Promise<string[]> {
    return withMigrationLock(
      this.dataSource,
      async () => (await this.dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name),
      opts,
    );
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Asks a MySQL-family server whether it is MariaDB. */
export async function detectFlavor(target: DatabaseTarget): Promise<'mysql' | 'mariadb'> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({
    host: target.host,
    port: target.port,
    socketPath: target.socketPath,
    user: target.username,
    password: target.password,
    connectTimeout: 5000,
  });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0].v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** The flavor, asked of the URL's server or else of the first of `hosts` that answers (a cluster's node may be down at start). */
async function flavorOfAny(target: DatabaseTarget, hosts: DatabaseHost[]): Promise<'mysql' | 'mariadb'> {
  let first: unknown = null;
  for (const h of [{ host: target.host, port: target.port, socketPath: target.socketPath }, ...hosts]) {
    try {
      return await detectFlavor({ ...target, ...h });
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

export async function openDatabase(
  config: Pick<Config, 'database'>,
  given = parseDatabaseUrl(config.database.url),
): Promise<Database> {
  const hosts = parseHosts(config.database.hosts ?? '');
  const target =
    given.kind === 'mysql' && !given.flavor ? { ...given, flavor: await flavorOfAny(given, hosts) } : given;
  const handle: PoolHandle = {};
  const ds = new DataSource(
    dataSourceOptions(target, {
      logging: config.database.logging,
      poolSize: config.database.poolSize,
      hosts,
      handle,
    }),
  );
  const db = new Database(ds, target.kind, handle);
  await ds.initialize();
  return db;
}
