import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../src/app';
import { ManualClock } from '../../src/clock';
import { createServices, type Services } from '../../src/container';
import { createLogger, type Logger } from '../../src/logger';
import { sessionSecret } from '../../src/persistence/session-secret';
import { openDatabase } from '../../src/persistence/data-source';
import { createMigratedTestDatabase, testConfig, type TestDatabase } from '../support/db';
import { TEST_NOW } from '../support/test-app';

/** One application instance (its own services, caches and connection pool) on a database shared with others. */
export interface Instance {
  services: Services;
  app: Express;
  /** Errors the instance logged (a 500 shows up here). */
  logged: Array<{ message: string; data?: Record<string, unknown> }>;
  /** supertest with a bearer token. */
  bearer(token: string): {
    get(p: string): request.Test;
    post(p: string, body?: object): request.Test;
    patch(p: string, body?: object): request.Test;
    delete(p: string): request.Test;
  };
  close(): Promise<void>;
}

/**
 * A database that several instances can open at once: a SQLite file (an
 * in-memory database belongs to one connection) or a MariaDB/MySQL database,
 * migrated already there (a copy of the template: createMigratedTestDatabase).
 */
export async function sharedDatabase(): Promise<TestDatabase & { dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-security-'));
  const database = await createMigratedTestDatabase({ sqliteFile: path.join(dir, 'shared.sqlite') });
  return {
    ...database,
    dir,
    drop: async () => {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts an instance on `url`. The first one (`seed`) migrates and loads the
 * reference organisation; the others only open the database, as a second
 * server process would.
 */
export async function startInstance(
  url: string,
  opts: { clock: ManualClock; seed?: boolean; config?: Record<string, unknown> },
): Promise<Instance> {
  const config = testConfig(url, opts.config);
  const db = await openDatabase(config);
  if (opts.seed) await db.migrate();
  const logged: Instance['logged'] = [];
  const base = createLogger({ silent: true });
  const logger: Logger = { ...base, error: (message, data) => logged.push({ message, data }) };
  const services = createServices(config, db, opts.clock, logger);
  if (opts.seed) await services.org.seedDemo();
  const app = buildApp(services, { sessionSecret: await sessionSecret(db, config) });
  return {
    services,
    app,
    logged,
    bearer(token: string) {
      const auth = `Bearer ${token}`;
      return {
        get: (p) => request(app).get(p).set('Authorization', auth),
        post: (p, body) => request(app).post(p).set('Authorization', auth).send(body),
        patch: (p, body) => request(app).patch(p).set('Authorization', auth).send(body),
        delete: (p) => request(app).delete(p).set('Authorization', auth),
      };
    },
    close: () => db.close(),
  };
}

export const testClock = (now = TEST_NOW) => new ManualClock(now);

/** Listens on a free port of 127.0.0.1 (for many requests at once, without supertest's server per request). */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
