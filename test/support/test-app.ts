import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../src/app';
import { sessionSecret } from '../../src/persistence/session-secret';
import { ManualClock } from '../../src/clock';
import { createServices, type Services } from '../../src/container';
import { createLogger, type Logger } from '../../src/logger';
import { openDatabase } from '../../src/persistence/data-source';
import { demoUsers } from '../../src/domain/org/reference-organisation';
import { createMigratedTestDatabase, testConfig, type TestDatabase } from './db';

export interface TestApp {
  services: Services;
  app: Express;
  clock: ManualClock;
  database: TestDatabase;
  /** The API token of a demo user (issued at start). */
  token(username: string): string;
  /** supertest with that user's bearer token. */
  as(username: string): AuthedRequest;
  /** Errors the app logged (a 500 in a test shows up here). */
  logged: Array<{ message: string; data?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface AuthedRequest {
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
  patch(path: string, body?: unknown): request.Test;
}

/** Now, for tests: a fixed instant (Shanghai 2026-11-02 09:00) unless told otherwise. */
export const TEST_NOW = '2026-11-02T01:00:00.000Z';

/** A migrated, seeded database of its own and the app on it, in-process. */
export async function startTestApp(
  opts: { now?: string; config?: Record<string, unknown>; logger?: Logger } = {},
): Promise<TestApp> {
  const database = await createMigratedTestDatabase();
  const config = testConfig(database.url, opts.config);
  const db = await openDatabase(config);
  await db.migrate();
  const clock = new ManualClock(opts.now ?? TEST_NOW);
  const logged: TestApp['logged'] = [];
  // A logger of the test's own (issue 15: a test reads the lines), else silent; errors are kept in `logged` either way.
  const base = opts.logger ?? createLogger({ silent: true });
  const logger: Logger = {
    ...base,
    error: (message, data) => {
      logged.push({ message, data });
      if (opts.logger) base.error(message, data);
    },
  };
  const services = createServices(config, db, clock, logger);
  await services.org.seedDemo();
  const app = buildApp(services, { sessionSecret: await sessionSecret(db, config) });
  const tokens = new Map<string, string>();
  for (const u of demoUsers()) tokens.set(u.username, await services.org.issueToken(u.username, 'test'));
  const token = (username: string) => {
    const found = tokens.get(username);
    if (!found) throw new Error(`no demo user ${username}`);
    return found;
  };
  return {
    services,
    app,
    clock,
    database,
    logged,
    token,
    as(username: string) {
      const auth = `Bearer ${token(username)}`;
      return {
        get: (path) => request(app).get(path).set('Authorization', auth),
        post: (path, body) =>
          request(app)
            .post(path)
            .set('Authorization', auth)
            .send(body as object),
        patch: (path, body) =>
          request(app)
            .patch(path)
            .set('Authorization', auth)
            .send(body as object),
      };
    },
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
