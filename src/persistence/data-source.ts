import 'reflect-metadata';
import path from 'node:path';
import fs from 'node:fs';
import mysql2, { type PoolOptions } from 'mysql2';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { Mutex } from './mutex';
import { type MigrationLockOptions, withMigrationLock } from './migration-lock';
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
  username?: string;
  password?: string;
  database?: string;
}

/** Reads `sqlite:<file>` or `mysql://user:pass@host:port/db` (mariadb:// too). */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file };
  }
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new Error(`unsupported database URL scheme ${u.protocol}`);
  return {
    kind: 'mysql',
    flavor: u.protocol === 'mariadb:' ? 'mariadb' : undefined,
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
  };
}

export function dataSourceOptions(
  target: DatabaseTarget,
  opts: { logging?: boolean; poolSize?: number } = {},
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
    driver: mysqlWithSessionSetup(),
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

const DEADLOCK_RETRIES = 4;

/** ER_LOCK_DEADLOCK (1213): the server rolled the whole transaction back. */
function isDeadlock(e: unknown): boolean {
  const err = e as { driverError?: { errno?: number }; errno?: number };
  return (err?.driverError?.errno ?? err?.errno) === 1213;
}

/**
 * mysql2, with every pooled connection set to READ COMMITTED as it opens:
 * no gap locks on index ranges, so concurrent commands on different records
 * do not deadlock, and no extra statement per transaction to say so. The
 * optimistic lock (a conditional UPDATE) keeps each record consistent.
 */
function mysqlWithSessionSetup() {
  const createPool = (options: PoolOptions) => {
    const pool = mysql2.createPool(options);
    pool.on('connection', (conn) => {
      conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    });
    return pool;
  };
  return { ...mysql2, createPool };
}

/**
 * The database as the rest of the code sees it: the DataSource and one way to
 * run a write transaction. On SQLite TypeORM shares one connection, so two
 * overlapping transactions would corrupt each other: every write transaction
 * goes through one in-process mutex there (shared/STACK.md).
 */
export class Database {
  private readonly writeLock: Mutex | null;

  constructor(
    readonly dataSource: DataSource,
    readonly kind: DatabaseKind,
  ) {
    this.writeLock = kind === 'sqlite' ? new Mutex() : null;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `work` in one transaction: all of it commits, or none of it. On
   * MySQL/MariaDB a transaction chosen as a deadlock victim is rolled back
   * whole by the server, so it is safely run again (a few times).
   */
  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.writeLock) return this.writeLock.run(() => this.dataSource.transaction(work));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (e) {
        if (attempt >= DEADLOCK_RETRIES || !isDeadlock(e)) throw e;
        await new Promise((r) => setTimeout(r, attempt * 5 + Math.random() * 10));
      }
    }
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

export async function openDatabase(
  config: Pick<Config, 'database'>,
  given = parseDatabaseUrl(config.database.url),
): Promise<Database> {
  const target = given.kind === 'mysql' && !given.flavor ? { ...given, flavor: await detectFlavor(given) } : given;
  const ds = new DataSource(
    dataSourceOptions(target, { logging: config.database.logging, poolSize: config.database.poolSize }),
  );
  await ds.initialize();
  return new Database(ds, target.kind);
}
