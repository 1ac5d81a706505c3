import type { Pool, PoolConnection, PoolOptions } from 'mysql2';
import { CLOSING, OPENING } from './deferred-transaction';

/**
 * TypeORM asks a pooled connection for its promise wrapper on every statement (MysqlQueryRunner.query:
 * `connection.promise().query(…)`), and mysql2 makes a new one each time: a `require` of its module and an
 * EventEmitter with two listeners, about 3 % of the server's CPU under the engine bench (issue 14). The wrapper
 * holds nothing of a statement (each `query` makes its own promise, through the connection's `query` as it is
 * then), so each connection keeps the one it made first. A caller that names its own Promise gets a new one.
 */
function keepPromiseWrapper(conn: PoolConnection): void {
  const make = conn.promise.bind(conn);
  let kept: ReturnType<PoolConnection['promise']> | undefined;
  Object.assign(conn, {
    promise: (promiseImpl?: PromiseConstructor) => (promiseImpl ? make(promiseImpl) : (kept ??= make())),
  });
}

/** A server of the database: `host:port` (reached through `socketPath` when given: a server on this machine). */
export interface DatabaseHost {
  host: string;
  port: number;
  socketPath?: string;
}

/**
 * mysql2, loaded when a MySQL/MariaDB database is first opened: a start on SQLite (`npm start`) never loads
 * it, about 40 ms of a cold start (issue 14).
 */
export function mysql2(): typeof import('mysql2') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('mysql2') as typeof import('mysql2');
}

export const hostName = (h: DatabaseHost) => `${h.host}:${h.port}`;

/** How mysql2 reaches `h`: its Unix socket when it has one (mysql2 then ignores host and port), else TCP. */
function where(h: DatabaseHost): { host: string; port: number; socketPath?: string } {
  return { host: h.host, port: h.port, socketPath: h.socketPath };
}

/** Reads DATABASE_HOSTS (`h1:3306,h2:3306`); empty → none. */
export function parseHosts(list: string): DatabaseHost[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const at = s.lastIndexOf(':');
      return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
    });
}

/**
 * Errors that say the server (not the statement) is gone or unusable: the
 * connection was refused, lost or timed out, or a Galera node is not part of a
 * primary component (1047 "WSREP has not yet prepared node for application use").
 */
export function isServerGone(e: unknown): boolean {
  const err = (e as { driverError?: unknown })?.driverError ?? e;
  const { code, errno, fatal } = (err ?? {}) as { code?: string; errno?: number; fatal?: boolean };
  if (errno === 1047 || errno === 1053 /* server shutdown in progress */) return true;
  if (fatal) return true;
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENOTFOUND',
    'EPIPE',
    'PROTOCOL_CONNECTION_LOST',
    'PROTOCOL_SEQUENCE_TIMEOUT',
  ].includes(code ?? '');
}

/** What the failover pool tells its owner. */
export interface FailoverListener {
  failover(from: string, to: string): void;
}

/**
 * The pool TypeORM's MySQL driver is given: it looks like a mysql2 Pool (the driver
 * calls only `getConnection(cb)` and `end(cb)`; the connection's `release()` goes back
 * to the pool that made it), but holds a mysql2 pool on one server of a list — the
 * URL's first, then DATABASE_HOSTS in order. When a connection to the current server
 * cannot be made, or its owner reports the server gone (`serverGone`), that pool is
 * ended — every pooled connection to it dropped, never reused — and the next server
 * that answers (and, on Galera, is Synced) is used from then on. It does not move back
 * by itself: any Synced node of a cluster is as good as another.
 */
export class FailoverPool {
  private current: Pool;
  private index = 0;
  /** The first probe: no connection is made before it says whether the server is a Galera node. */
  private readonly ready: Promise<void>;
  private switching: Promise<void> | null = null;
  private closed = false;
  private galera = false;

  constructor(
    private readonly options: PoolOptions,
    private readonly hosts: DatabaseHost[],
    private readonly setup: (conn: PoolConnection, galera: boolean) => void,
    private readonly listener: FailoverListener,
  ) {
    this.current = this.poolOn(hosts[0]);
    this.ready = this.start();
  }

  get host(): string {
    return hostName(this.hosts[this.index]);
  }

  /** The mysql2 pool on the server in use now (its counters are the pool's use: metrics). */
  get currentPool(): Pool {
    return this.current;
  }

  /** Finds the first server of the list that answers (Synced, on Galera) and opens the pool there; else stays on the first. */
  private async start(): Promise<void> {
    for (let k = 0; k < this.hosts.length; k++) {
      if ((await this.probe(this.hosts[k])).ok) {
        if (k !== this.index) this.switchTo(k);
        return;
      }
    }
  }

  getConnection(cb: (err: NodeJS.ErrnoException | null, conn?: PoolConnection) => void): void {
    this.acquire().then(
      (conn) => cb(null, conn),
      (err: NodeJS.ErrnoException) => cb(err),
    );
  }

  end(cb?: (err: NodeJS.ErrnoException | null) => void): void {
    this.closed = true;
    this.current.end((err) => cb?.(err ?? null));
  }

  /** The owner saw `pool`'s server fail a statement (connection lost, node not ready): move on unless we already did. */
  serverGone(): Promise<void> {
    return this.moveOn(this.index);
  }

  private async acquire(): Promise<PoolConnection> {
    // Each server of the list at most once per acquisition, then the error.
    await this.ready;
    for (let tries = 0; ; tries++) {
      const from = this.index;
      if (this.switching) await this.switching;
      const pool = this.current;
      try {
        return await new Promise<PoolConnection>((resolve, reject) =>
          pool.getConnection((err, conn) => (err ? reject(err) : resolve(conn))),
        );
      } catch (e) {
        if (this.closed || tries >= this.hosts.length || this.hosts.length < 2) throw e;
        // The pool was ended under this acquisition (waiting in its queue, or connecting) by a move to another
        // server: mysql2 says "Pool is closed." — not this caller's failure; it asks the pool in use now.
        if (pool !== this.current) continue;
        if (!isServerGone(e)) throw e;
        await this.moveOn(from);
      }
    }
  }

  /** Leaves server `from` for the next one that answers (one move at a time; a caller late to see it fail waits for it). */
  private moveOn(from: number): Promise<void> {
    if (this.closed || this.hosts.length < 2 || from !== this.index) return this.switching ?? Promise.resolve();
    if (this.switching) return this.switching;
    this.switching = (async () => {
      for (let step = 1; step <= this.hosts.length; step++) {
        const k = (from + step) % this.hosts.length;
        if ((await this.probe(this.hosts[k])).ok) {
          this.switchTo(k);
          return;
        }
      }
      // None answers: stay (the next acquisition tries again).
    })().finally(() => {
      this.switching = null;
    });
    return this.switching;
  }

  private switchTo(k: number): void {
    const from = this.host;
    const old = this.current;
    this.index = k;
    this.current = this.poolOn(this.hosts[k]);
    // Ends every connection of the old pool, idle or in use: its server is gone, and none may be reused.
    old.end(() => undefined);
    if (from !== this.host) this.listener.failover(from, this.host);
  }

  private poolOn(h: DatabaseHost): Pool {
    const pool = mysql2().createPool({ ...this.options, ...where(h) });
    pool.on('connection', (conn) => {
      this.retryReads(conn);
      keepPromiseWrapper(conn);
      this.setup(conn, this.galera);
    });
    return pool;
  }

  /**
   * A read outside a transaction whose server went away (a node killed under it)
   * is run once more on a connection to the server the pool moves to: a read has no
   * effect to repeat. Reads and writes inside a transaction are Database.transaction's
   * to run again, whole; a write outside one is not repeated (its outcome is unknown).
   */
  private retryReads(conn: PoolConnection): void {
    type Callback = (err: unknown, rows?: unknown, fields?: unknown) => void;
    const raw = conn.query.bind(conn) as (sql: unknown, values: unknown, cb?: Callback) => unknown;
    let inTransaction = false;
    const patched = (sql: unknown, values: unknown, cb?: Callback): unknown => {
      const [params, done] = typeof values === 'function' ? [undefined, values as Callback] : [values, cb];
      const text = typeof sql === 'string' ? sql : String((sql as { sql?: string } | null)?.sql ?? '');
      // A deferred transaction (deferred-transaction.ts) opens in its first block and may commit in its last.
      if (/^\s*START TRANSACTION/i.test(text) || text.startsWith(OPENING)) inTransaction = true;
      else if (/^\s*(COMMIT|ROLLBACK)\s*$/i.test(text) || text.endsWith(CLOSING)) inTransaction = false;
      if (text.startsWith(OPENING) && done)
        // An opening block that fails has rolled itself back, and one that ends with COMMIT has committed.
        return raw(sql, params, (err, rows, fields) => {
          if (err || text.endsWith(CLOSING)) inTransaction = false;
          done(err, rows, fields);
        });
      if (!done || inTransaction || !/^\s*\(?\s*(SELECT|SHOW|WITH)\b/i.test(text)) return raw(sql, values, cb);
      return raw(sql, params, (err, rows, fields) => {
        if (!err || this.closed || !isServerGone(err)) return done(err, rows, fields);
        this.serverGone()
          .then(() => this.acquire())
          .then(
            (fresh) => {
              // No return: a mysql2 Query is a thenable that throws when awaited.
              (fresh as unknown as { rawQuery: typeof raw }).rawQuery(sql, params, (e2, r2, f2) => {
                fresh.release();
                done(e2, r2, f2);
              });
            },
            () => done(err),
          );
      });
    };
    Object.assign(conn, { query: patched, rawQuery: raw });
  }

  /** Whether `h` answers, and on Galera is Synced (a joining or non-primary node refuses statements). */
  private async probe(h: DatabaseHost): Promise<{ ok: boolean; error?: unknown }> {
    const conn = mysql2().createConnection({
      ...where(h),
      user: this.options.user,
      password: this.options.password,
      connectTimeout: 3000,
    });
    const ask = (q: string) =>
      new Promise<string | null>((resolve, reject) =>
        conn.query(q, (err, r) => (err ? reject(err) : resolve((r as Array<{ Value: string }>)[0]?.Value ?? null))),
      );
    try {
      // SHOW …: answers on MySQL and plain MariaDB too (no row there), where @@wsrep_on would be an error.
      const on = (await ask("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")) === 'ON';
      if (on) this.galera = true;
      const state = on ? await ask("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'") : null;
      if (on && state !== 'Synced') return { ok: false, error: new Error(`${hostName(h)} is ${state}`) };
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e };
    } finally {
      conn.destroy();
    }
  }
}
