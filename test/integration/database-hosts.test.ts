import net from 'node:net';
import type { EntityManager } from 'typeorm';
import { openDatabase, type Database } from '../../src/persistence/data-source';
import { sql } from '../../src/persistence/sql';
import { WorkflowEngine } from '../../src/engine/engine';
import { CommitOutcomeUnknownError, DatabaseUnavailableError } from '../../src/errors';
import { createOperation } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildApp } from '../../src/app';
import { createServices } from '../../src/container';
import { createLogger } from '../../src/logger';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';

/**
 * DATABASE_HOSTS (issue 15): the URL's server first, then the others; an instance
 * moves on when its server dies, without a restart. Here the "dying server" is a
 * TCP relay in front of the real one, closed under the pool (the cluster project
 * kills a real Galera node); the next host is the real server itself.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/**
 * A relay to `port` on a port of its own; `kill()` closes it and every connection through it.
 * Once `armCut()` is called, the next COMMIT goes through to the server but its answer never
 * comes back: the client's connection is closed instead (a node lost with a COMMIT in flight).
 * `hang()` drops every connection and leaves each new one hanging before its handshake, until `kill()`.
 * `armDrop()`: the next COMMIT never reaches the server (the server sees its connection close and
 * rolls back); the client's connection is closed only when the test calls `release()`.
 */
async function relay(port: number): Promise<{
  port: number;
  kill: () => Promise<void>;
  armCut: () => void;
  cuts: () => number;
  hang: () => void;
  armDrop: () => { dropped: Promise<void>; release: () => void };
}> {
  const sockets = new Set<net.Socket>();
  let armed = false;
  let cuts = 0;
  let hanging = false;
  let drop: { seen: () => void; held: Promise<void> } | null = null;
  const server = net.createServer((client) => {
    if (hanging) {
      // A server that takes the connection and never says a word (its handshake hangs until it is killed).
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      return;
    }
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    let cutting = false;
    client.on('data', (chunk: Buffer) => {
      if (drop && chunk.includes('COMMIT')) {
        // The COMMIT never reaches the server: its connection closes there (the transaction is rolled back),
        // and the client hears nothing until the test releases it — then its connection closes too.
        const { seen, held } = drop;
        drop = null;
        upstream.destroy();
        seen();
        void held.then(() => client.destroy());
        return;
      }
      if (armed && chunk.includes('COMMIT')) {
        armed = false;
        cutting = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) return void client.write(chunk);
      // The server has answered the COMMIT (it is done): the client never hears it.
      cuts++;
      client.destroy();
      upstream.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    armCut: () => (armed = true),
    cuts: () => cuts,
    armDrop: () => {
      let seen = () => undefined as void;
      let release = () => undefined as void;
      const dropped = new Promise<void>((r) => (seen = r));
      drop = { seen: () => seen(), held: new Promise<void>((r) => (release = r)) };
      return { dropped, release: () => release() };
    },
    hang: () => {
      hanging = true;
      for (const x of sockets) x.destroy();
    },
    kill: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** A brigade row with code `code`: a write of no consequence, inside the transaction `m`. */
const addBrigade = (m: EntityManager, code: string) =>
  sql(
    m,
    "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES (?, '测试', 'Test', 'Asia/Shanghai', ?, '2026-01')",
    [code, new Date()],
  );

const count = async (db: Database) =>
  Number((await sql<{ n: number }>(db.manager, 'SELECT COUNT(*) AS n FROM brigades')).rows[0].n);

/** A test app, and a second database handle on its database through a relay (the real server next, in DATABASE_HOSTS). */
async function appBehindRelay(): Promise<{
  t: TestApp;
  front: Awaited<ReturnType<typeof relay>>;
  db: Database;
  close: () => Promise<void>;
}> {
  const t = await startTestApp();
  const real = new URL(t.database.url);
  const front = await relay(Number(real.port || 3306));
  const u = new URL(t.database.url);
  u.port = String(front.port);
  const db = await openDatabase(
    testConfig(u.toString(), { database: { url: u.toString(), hosts: `${real.hostname}:${real.port || 3306}` } }),
  );
  const close = async () => {
    await db.close();
    await front.kill();
    await t.close();
  };
  return { t, front, db, close };
}

/** Record `id`'s history as [seq, event] pairs. */
async function steps(t: TestApp, id: number): Promise<Array<[number, string]>> {
  const { rows } = await sql<{ seq: number; event: string }>(
    t.services.db.manager,
    'SELECT seq, event FROM workflow_history WHERE instance_id = ? ORDER BY seq',
    [id],
  );
  return rows.map((r) => [Number(r.seq), r.event]);
}

describe(`DATABASE_HOSTS (${TEST_DB})`, () => {
  if (TEST_DB === 'sqlite') {
    it('is of no concern to the embedded database', async () => {
      const db = await openDatabase(
        testConfig(database.url, { database: { url: database.url, hosts: '127.0.0.1:1' } }),
      );
      expect(db.server).toBeNull();
      await db.migrate();
      expect(await count(db)).toBe(0);
      await db.close();
    });
    return;
  }

  const real = () => new URL(database.url);
  const through = (port: number) => {
    const u = real();
    u.port = String(port);
    return u.toString();
  };
  const hostsOf = () => `${real().hostname}:${real().port || 3306}`;

  it('a pooled connection keeps the promise wrapper TypeORM asks it for on every statement (keepPromiseWrapper)', async () => {
    const db = await openDatabase(testConfig(database.url));
    const runner = db.manager.connection.createQueryRunner();
    try {
      type Wrapper = { query: (text: string) => Promise<[Array<Record<string, unknown>>, unknown]> };
      const conn = (await runner.connect()) as { promise: (impl?: PromiseConstructor) => Wrapper };
      const wrapper = conn.promise();
      expect(conn.promise()).toBe(wrapper);
      const [rows] = await wrapper.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      // TypeORM's statements go through the same wrapper, and it stays the connection's.
      expect(await runner.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
      expect(conn.promise()).toBe(wrapper);
      // A caller that names its own Promise gets a wrapper of its own.
      expect(conn.promise(Promise)).not.toBe(wrapper);
    } finally {
      await runner.release();
      await db.close();
    }
  });

  it('reaches a server on this machine through its Unix socket when the URL says ?socket=, and names a socket that is not there', async () => {
    /** Where the server sees this connection from: `localhost` through its socket, `127.0.0.1:<port>` over TCP. */
    const seenFrom = async (db: Database) =>
      (
        await sql<{ host: string; socket: string }>(
          db.manager,
          'SELECT HOST AS host, @@socket AS socket FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
        )
      ).rows[0];
    const tcp = await openDatabase(testConfig(database.url));
    const { host, socket } = await seenFrom(tcp);
    await tcp.close();
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/);
    const viaSocket = (path: string) => {
      const u = real();
      u.hostname = 'localhost';
      u.port = '';
      u.searchParams.set('socket', path);
      return u.toString();
    };
    const url = viaSocket(socket);
    const db = await openDatabase(testConfig(url, { database: { url } }));
    try {
      expect((await seenFrom(db)).host).toBe('localhost');
      await db.migrate();
      expect(await count(db)).toBe(0);
    } finally {
      await db.close();
    }
    const missing = viaSocket('/nonexistent/mysqld.sock');
    await expect(openDatabase(testConfig(missing, { database: { url: missing } }))).rejects.toThrow(
      /ENOENT \/nonexistent\/mysqld\.sock/,
    );
  });

  it('starts on the next host when the first does not answer', async () => {
    const url = through(1); // nothing listens on port 1
    const db = await openDatabase(testConfig(url, { database: { url, hosts: hostsOf() } }));
    try {
      expect(db.server).toBe(hostsOf());
      await db.migrate();
      expect(await count(db)).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('moves to the next host when its server dies under it, without a restart: reads and transactions go on', async () => {
    const front = await relay(Number(real().port || 3306));
    const url = through(front.port);
    const db = await openDatabase(testConfig(url, { database: { url, hosts: hostsOf(), poolSize: 4 } }));
    const failovers: Array<{ from: string; to: string }> = [];
    const retries: Array<{ reason: string }> = [];
    db.events.on('failover', (f) => failovers.push(f));
    db.events.on('retry', (r) => retries.push(r));
    try {
      expect(db.server).toBe(`127.0.0.1:${front.port}`);
      await db.migrate();
      // Connections in the pool, idle, to the server about to die.
      await Promise.all(Array.from({ length: 4 }, () => count(db)));
      await front.kill();

      // A read outside a transaction: run again on the next host.
      expect(await count(db)).toBe(0);
      // A transaction: run from the start there.
      await db.transaction((m) => addBrigade(m, 'hosts'));
      expect(await count(db)).toBe(1);
      expect(db.server).toBe(hostsOf());
      expect(failovers).toEqual([{ from: `127.0.0.1:${front.port}`, to: hostsOf() }]);
    } finally {
      await db.close();
    }
  });

  it('runs a transaction whose server died under it again from the start, once, on the next host', async () => {
    const front = await relay(Number(real().port || 3306));
    const url = through(front.port);
    const db = await openDatabase(testConfig(url, { database: { url, hosts: hostsOf(), poolSize: 2 } }));
    const retries: Array<{ reason: string }> = [];
    db.events.on('retry', (r) => retries.push(r));
    try {
      await db.migrate();
      const before = await count(db);
      let runs = 0;
      await db.transaction(async (m) => {
        runs++;
        await addBrigade(m, 'twice');
        if (runs === 1) {
          await front.kill();
          await sql(m, 'SELECT 1'); // the connection is gone: rolled back by the server, run again
        }
      });
      expect(runs).toBe(2);
      expect(retries).toEqual([{ reason: 'connection' }]);
      expect(await count(db)).toBe(before + 1);
      expect(db.server).toBe(hostsOf());
    } finally {
      await db.close();
    }
  });

  it('a command connecting when its server dies is run on the next host (the old pool closing under it is no error of its own)', async () => {
    const front = await relay(Number(real().port || 3306));
    const url = through(front.port);
    // One connection: the second command waits for it, then connects anew once it dies.
    const db = await openDatabase(testConfig(url, { database: { url, hosts: hostsOf(), poolSize: 1 } }));
    try {
      await db.migrate();
      let waiting: Promise<unknown> | null = null;
      let runs = 0;
      await db.transaction(async (m) => {
        runs++;
        await addBrigade(m, 'holder');
        if (runs > 1) return;
        waiting = db.transaction((m2) => addBrigade(m2, 'waiting'));
        await new Promise((r) => setTimeout(r, 100));
        // The first's connection dies; the second's new one hangs in its handshake while the pool moves on.
        front.hang();
        await sql(m, 'SELECT 1');
      });
      expect(db.server).toBe(hostsOf());
      // The old server's last words to the hanging connection: the pool it belonged to is closed by now.
      await front.kill();
      await waiting;
      const { rows } = await sql<{ code: string }>(
        db.manager,
        "SELECT code FROM brigades WHERE code IN ('holder', 'waiting') ORDER BY code",
      );
      expect(rows.map((r) => r.code)).toEqual(['holder', 'waiting']);
    } finally {
      await db.close();
    }
  });

  it('answers 503 database_unavailable, nothing written, when no server answers however often it is tried', async () => {
    const front = await relay(Number(real().port || 3306));
    const url = through(front.port);
    // The one server, no other host: it dies and stays dead.
    const db = await openDatabase(testConfig(url, { database: { url, hosts: '', poolSize: 2 } }));
    const retries: Array<{ reason: string }> = [];
    db.events.on('retry', (r) => retries.push(r));
    try {
      await db.migrate();
      await count(db);
      await front.kill();
      let runs = 0;
      const refused = await db
        .transaction(async (m) => {
          runs++;
          await addBrigade(m, 'never');
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(DatabaseUnavailableError);
      expect((refused as DatabaseUnavailableError).status).toBe(503);
      expect(retries.every((r) => r.reason === 'connection')).toBe(true);
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(runs).toBeLessThanOrEqual(retries.length + 1);
    } finally {
      await db.close();
    }
    // Nothing of it reached the server.
    const check = await openDatabase(
      testConfig(real().toString(), { database: { url: real().toString(), hosts: '' } }),
    );
    try {
      const { rows } = await sql<{ n: number }>(
        check.manager,
        "SELECT COUNT(*) AS n FROM brigades WHERE code = 'never'",
      );
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await check.close();
    }
  });

  it('a request whose database is gone is answered 503 database_unavailable with Retry-After, never a 500', async () => {
    const t = await startTestApp();
    const real = new URL(t.database.url);
    const front = await relay(Number(real.port || 3306));
    const u = new URL(t.database.url);
    u.port = String(front.port);
    const config = testConfig(u.toString(), { database: { url: u.toString(), hosts: '' } });
    const db = await openDatabase(config);
    const app = buildApp(createServices(config, db, t.clock, createLogger({ silent: true })), {
      sessionSecret: 'a'.repeat(32),
    });
    // A 503 is in no operation's contract: asked over a socket of our own, past supertest's contract check.
    const server = app.listen(0);
    const { port } = server.address() as net.AddressInfo;
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'Accept-Language': 'en', ...headers } });
    try {
      const token = t.token('duty');
      expect((await get('/api/v1/operations', { Authorization: `Bearer ${token}` })).status).toBe(200);
      await front.kill();
      const api = await get('/api/v1/operations', { Authorization: `Bearer ${token}` });
      expect(api.status).toBe(503);
      expect(api.headers.get('retry-after')).toBe('5');
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
      expect((await get('/healthz')).status).toBe(503);
    } finally {
      server.close();
      await db.close();
      await t.close();
    }
  });

  /**
   * A step's COMMIT goes in its last round trip when nothing follows its writes (deferred-transaction.ts), and on
   * its own when something does: here a step hook that acts on every step (and writes nothing).
   */
  const commits = [
    ['with its writes', (engine: WorkflowEngine) => engine],
    [
      'on its own',
      (engine: WorkflowEngine) => {
        engine.onStep(
          async () => undefined,
          () => true,
        );
        return engine;
      },
    ],
  ] as const;

  it.each(commits)(
    'an engine step whose COMMIT (%s) answer was lost with its server is found written (the id of its run at its seq) and answered as done, once',
    async (_how, engineOf) => {
      const { t, front: cut, db, close } = await appBehindRelay();
      try {
        const { id } = await createOperation(t);
        const engine = engineOf(new WorkflowEngine(db, t.clock));
        const actor = await t.services.org.authenticateToken(t.token('waitan.leader'));
        cut.armCut();
        const step = await engine.send(
          t.services.workflows.operation,
          id,
          actor,
          { type: 'FILE' },
          { expectedVersion: 1 },
        );
        expect(cut.cuts()).toBe(1);
        expect(step).toMatchObject({ state: 'filed', version: 2 });
        expect(await steps(t, id)).toEqual([
          [1, 'CREATE'],
          [2, 'FILE'],
        ]);
      } finally {
        await close();
      }
    },
  );

  it.each(commits)(
    'a step whose COMMIT (%s) was lost is not taken for the same step sent again by the same person in the same second: 409 commit_outcome_unknown',
    async (_how, engineOf) => {
      const { t, front, db, close } = await appBehindRelay();
      try {
        const { id } = await createOperation(t);
        const actor = await t.services.org.authenticateToken(t.token('waitan.leader'));
        const file = (engine: WorkflowEngine) =>
          engine.send(t.services.workflows.operation, id, actor, { type: 'FILE' }, { expectedVersion: 1 });
        // The first run's COMMIT is lost on its way; the server rolls it back.
        const { dropped, release } = front.armDrop();
        const lost = file(engineOf(new WorkflowEngine(db, t.clock))).then(
          () => null,
          (e: unknown) => e,
        );
        await dropped;
        // The same command, by the same person, in the same second (the clock stands still): it is written.
        const second = await file(new WorkflowEngine(t.services.db, t.clock));
        expect(second).toMatchObject({ state: 'filed', version: 2 });
        release();
        const refused = await lost;
        // Its row at seq 2 hashes as the lost run's would: only the run's id tells them apart.
        expect(refused).toBeInstanceOf(CommitOutcomeUnknownError);
        expect((refused as CommitOutcomeUnknownError).status).toBe(409);
        expect(await steps(t, id)).toEqual([
          [1, 'CREATE'],
          [2, 'FILE'],
        ]);
      } finally {
        await close();
      }
    },
  );
});
