import type { Database } from './data-source';

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
 * the driver replaced is the one read). SQLite has no pool (one connection, writes
 * serialized in-process): null, as for a driver that does not say.
 */
export function poolStats(db: Database): PoolStats | null {
  if (db.kind !== 'mysql') return null;
  const pool = (db.dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
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
