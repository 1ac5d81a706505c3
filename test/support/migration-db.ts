import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions, detectFlavor, parseDatabaseUrl } from '../../src/persistence/data-source';
import { createTestDatabase, type TestDatabase } from './db';

/**
 * A database of its own for a test of one migration, which runs the
 * migrations in steps (those before it, then all): on SQLite a file, so the
 * database outlives one connection. Call `setUp` in beforeAll and `drop` in afterAll.
 */
export function migrationDatabase(name: string) {
  const file = path.join(os.tmpdir(), `ld-${name}-${randomBytes(4).toString('hex')}.sqlite`);
  let database: TestDatabase;
  let options: DataSourceOptions;
  return {
    async setUp(): Promise<void> {
      database = await createTestDatabase({ sqliteFile: file });
      const target = parseDatabaseUrl(database.url);
      if (target.kind === 'mysql') target.flavor = await detectFlavor(target);
      options = dataSourceOptions(target);
    },
    async drop(): Promise<void> {
      await database?.drop();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    },
    /** A connection that knows these migrations, for `work`, then closed. */
    async withMigrations<T>(
      migrations: DataSourceOptions['migrations'],
      work: (ds: DataSource) => Promise<T>,
    ): Promise<T> {
      const ds = new DataSource({ ...options, migrations } as DataSourceOptions);
      await ds.initialize();
      try {
        return await work(ds);
      } finally {
        await ds.destroy();
      }
    },
  };
}
