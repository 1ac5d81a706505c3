import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/clock';
import { createServices } from '../../src/container';
import { createLogger } from '../../src/logger';
import { openDatabase } from '../../src/persistence/data-source';
import { createTestDatabase, testConfig, TEST_DB, type TestDatabase } from '../support/db';
import { eventBody, planBody } from '../support/factories';
import { removeBuild, scriptEnv, startScript } from '../support/spawn';

/**
 * Issue 15: a rolling restart under load loses nothing. Real server processes (the built
 * dist/server.js, as `npm start` runs it) on one database; clients send commands through them and,
 * as a proxy would, try the other instance when a connection is refused. On MariaDB/MySQL two
 * instances are restarted one after the other; on SQLite (one instance per database file: the
 * embedded default) the one instance is restarted twice while clients wait for it.
 */

interface Answer {
  status: number;
  body: { id?: number; version?: number; error?: { code?: string }; items?: Array<{ seq: number; event: string }> };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** One request on a connection of its own (no keep-alive: a reset is then a request cut, never an idle socket closed). */
function call(
  base: string,
  method: string,
  route: string,
  token: string,
  body?: unknown,
  key?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { Authorization: `Bearer ${token}` };
    if (data !== undefined)
      Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
    if (key) headers['Idempotency-Key'] = key;
    const req = http.request(`${base}${route}`, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Answer['body']) : {} }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  name: string;
  port: number;
  child: ChildProcess | null;
  exits: Array<number | null>;
}

describe(`a rolling restart under load (${TEST_DB})`, () => {
  let database: TestDatabase;
  let dir: string;
  const instances: Instance[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-rolling-'));
    database = await createTestDatabase({ sqliteFile: path.join(dir, 'rolling.sqlite') });
  });
  afterAll(async () => {
    for (const i of instances) if (i.child && i.child.exitCode === null) i.child.kill('SIGKILL');
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
    removeBuild();
  });

  const env = (i: Instance) =>
    scriptEnv(database.url, {
      HOST: '127.0.0.1',
      PORT: String(i.port),
      SECURE_COOKIES: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_SECONDS: '20',
      INSTANCE_NAME: i.name,
      FILES_DIR: path.join(dir, 'files'),
    });

  async function start(i: Instance): Promise<void> {
    const { child } = await startScript('server', env(i), /running: (http:\/\/\S+)/);
    i.child = child;
  }

  /** SIGTERM, and the exit code once it has exited. */
  async function stop(i: Instance): Promise<number | null> {
    const child = i.child;
    if (!child) throw new Error(`${i.name} is not running`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await exited;
    i.exits.push(code);
    i.child = null;
    return code;
  }

  it('answers every command 2xx with its effect kept, none 5xx, and each instance exits 0', async () => {
    const count = TEST_DB === 'mysql' ? 2 : 1;
    for (let n = 0; n < count; n++)
      instances.push({ name: `rolling-${'ab'[n]}`, port: await freePort(), child: null, exits: [] });
    // The first start seeds the database; the second finds it seeded.
    for (const i of instances) await start(i);

    const config = testConfig(database.url);
    const db = await openDatabase(config);
    const services = createServices(config, db, systemClock, createLogger({ silent: true }));
    const leader = await services.org.issueToken('waitan.leader', 'rolling');
    await db.close();

    const bases = instances.map((i) => `http://127.0.0.1:${i.port}`);
    const seen = { refused: 0, reset: 0, statuses: new Map<number, number>() };
    const created: number[] = [];
    const filed: number[] = [];
    let loading = true;

    /** A command sent as a proxy would: to one instance, and on a refused (or reset) connection to the next; the same Idempotency-Key throughout. */
    async function send(client: number, route: string, body: unknown, key: string): Promise<Answer> {
      const giveUp = Date.now() + 40_000;
      for (let k = client; ; k++) {
        try {
          const answer = await call(bases[k % bases.length], 'POST', route, leader, body, key);
          // Its first try is still running on an instance that is stopping: ask again shortly.
          if (answer.status === 409 && answer.body.error?.code === 'idempotency_key_in_use') {
            await sleep(200);
            continue;
          }
          seen.statuses.set(answer.status, (seen.statuses.get(answer.status) ?? 0) + 1);
          return answer;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED') seen.refused++;
          else if (code === 'ECONNRESET' || (e as Error).message === 'socket hang up') seen.reset++;
          else throw e;
          if (Date.now() > giveUp) throw new Error(`no instance answered ${route} for 40 s`, { cause: e });
          await sleep(50);
        }
      }
    }

    const clients = Array.from({ length: 4 }, async (_x, client) => {
      for (let n = 0; loading; n++) {
        const made = await send(
          client,
          '/api/v1/operations',
          planBody(new Date(), { title: `滚动重启 ${client}-${n}` }),
          `rolling-${client}-${n}-create`,
        );
        if (made.status !== 201) continue;
        created.push(made.body.id as number);
        const file = await send(
          client,
          `/api/v1/operations/${made.body.id}/events`,
          { type: 'FILE', expectedVersion: 1, ...eventBody('FILE', new Date()) },
          `rolling-${client}-${n}-file`,
        );
        if (file.status === 200) filed.push(made.body.id as number);
      }
    });

    // Each instance in turn: stopped under load, started again.
    for (const i of [...instances, ...(count === 1 ? instances : [])]) {
      await sleep(1500);
      expect(await stop(i)).toBe(0);
      await start(i);
    }
    await sleep(1000);
    loading = false;
    await Promise.all(clients);

    // Every answer was a success; no 5xx, no refusal.
    expect(Object.fromEntries(seen.statuses)).toEqual({ 201: created.length, 200: filed.length });
    expect(created.length).toBeGreaterThan(8);
    expect(filed.length).toBe(created.length);
    // Each success has its effect: the record's history holds its steps, once.
    for (const id of created) {
      const history = await call(bases[0], 'GET', `/api/v1/operations/${id}/history`, leader);
      expect(history.status).toBe(200);
      const steps = (history.body.items ?? []).map((h) => `${h.seq}:${h.event}`);
      expect({ id, steps }).toEqual({ id, steps: ['1:CREATE', '2:FILE'] });
    }
    for (const i of instances) expect(await stop(i)).toBe(0);
    for (const i of instances) expect(i.exits.every((c) => c === 0)).toBe(true);

    // Nothing was made twice by a retry: as many records as successes.
    const after = await openDatabase(config);
    try {
      const [{ n }] = (await after.manager.query(
        "SELECT COUNT(*) AS n FROM operations WHERE title LIKE '滚动重启%'",
      )) as Array<{
        n: number;
      }>;
      expect(Number(n)).toBe(created.length);
    } finally {
      await after.close();
    }
    // What a restart cost the clients (retried onto the other instance, or until the one came back).
    process.stdout.write(
      `rolling restart (${TEST_DB}): ${created.length} operations created and filed; ${seen.refused} connections refused, ${seen.reset} reset (retried with the same Idempotency-Key)\n`,
    );
  }, 90_000);
});
