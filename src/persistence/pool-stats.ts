import type { Database } from './data-source';
import { FailoverPool } from './failover-pool';

/** What the connection pool is doing now: connections in use and free, requests waiting for one, and its limit. */
export interface PoolStats {
  inUse: number;
  free: number;
  queued: number;
  limit: number;
}

interface Countable {
  length: number;
}

/** mysql2's pool, as far as we read it (its own counters; no public API gives them). */
interface Mysql2Pool {
  _allConnections?: Countable;
  _freeConnections?: Countable;
  _connectionQueue?: Countable;
  config?: { connectionLimit?: number };
}

/**
 * The MySQL/MariaDB pool's use, read from the driver TypeORM holds now (so a pool
 * the driver replaced is the one read; behind DATABASE_HOSTS, the pool on the server in use). SQLite has no pool (one connection, writes
 * serialized in-process): null, as for a driver that does not say.
 */
export function poolStats(db: Database): PoolStats | null {
  if (db.kind !== 'mysql') return null;
  const held = (db.dataSource.driver as unknown as { pool?: Mysql2Pool | FailoverPool }).pool;
  // The failover pool holds one mysql2 pool at a time, on the server in use.
  const pool = (held instanceof FailoverPool ? held.currentPool : held) as Mysql2Pool | undefined;
  if (!pool?._allConnections || !pool._freeConnections) return null;
  const all = pool._allConnections.length;
  const free = pool._freeConnections.length;
  return {
    inUse: all - free,
    free,
    queued: pool._connectionQueue?.length ?? 0,
    limit: pool.config?.connectionLimit ?? 0,
  };
}
