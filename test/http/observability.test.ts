import request from 'supertest';
import { buildApp } from '../../src/app';
import { createLogger, type Logger } from '../../src/logger';
import { TEST_DB } from '../support/db';
import { createOperation, planBody, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn, trySignIn } from '../support/web';

/** A logger writing into an array: the lines as the server would write them to stderr. */
function capturingLogger(): { logger: Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void raw.push(line) } });
  return {
    logger,
    text: () => raw.join(''),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789';

describe(`structured logs (${TEST_DB})`, () => {
  let t: TestApp;
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    log = capturingLogger();
    t = await startTestApp({ logger: log.logger });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one line per request with its id, route pattern, method, status, duration, brigade and user — never the token', async () => {
    const { id, version } = await createOperation(t);
    await send(t, id, version, 'FILE');
    const res = await t.as('waitan.leader').get(`/api/v1/operations/${id}`).set('X-Request-Id', 'trace-me-12345678');
    expect(res.status).toBe(200);
    const line = log.lines().find((l) => l.message === 'request' && l.requestId === 'trace-me-12345678');
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/api/v1/operations/:id',
      status: 200,
      brigade: expect.any(String),
      user: { id: expect.any(Number), username: 'waitan.leader' },
    });
    expect(line?.ms).toEqual(expect.any(Number));
    expect(typeof line?.time).toBe('string');
    const event = log.lines().find((l) => l.message === 'request' && l.method === 'POST' && l.status === 200);
    expect(event?.route).toBe('/api/v1/operations/:id/events');
    // A refusal thrown from the route (the error unwinds the routers) is still labelled by the route's pattern.
    await t.as('waitan.leader').post(`/api/v1/operations/${id}/events`, { type: 'FILE', expectedVersion: 1 });
    const refused = log.lines().filter((l) => l.message === 'request' && l.status === 409);
    expect(refused.at(-1)?.route).toBe('/api/v1/operations/:id/events');
    expect(log.text()).not.toContain(t.token('waitan.leader'));
  });

  it('never writes a password sent to sign in, nor the session cookie', async () => {
    const before = log.lines().length;
    expect(await trySignIn(t, 'waitan.leader', 'not-the-password-Zq9')).toBe(401);
    const client = await signIn(t, 'duty');
    await client.get('/');
    const text = log.text();
    expect(text).not.toContain('not-the-password-Zq9');
    expect(text).not.toContain('liandong-demo');
    const lines = log.lines().slice(before);
    expect(lines.filter((l) => l.message === 'request' && l.route === '/login').length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.username === 'duty' || (l.user as { username?: string })?.username === 'duty')).toBe(
      true,
    );
    expect(text).not.toMatch(/liandong\.sid=|connect\.sid=/);
  });

  it('redacts secrets in logged data and errors: headers, passwords, tokens, bodies and SQL parameters', () => {
    const token = t.token('duty');
    const err = Object.assign(new Error(`token refused: Bearer ${token}`), {
      body: '{"username":"duty","password":"hunter2-secret"}',
      parameters: ['duty', 'scrypt$hash-of-hunter2'],
      sql: "UPDATE users SET password_hash = 'scrypt$hash-of-hunter2'",
    });
    log.logger.error('unhandled error', {
      err,
      password: 'hunter2-secret',
      user: { username: 'duty', password: 'hunter2-secret', token },
      req: { headers: { authorization: `Bearer ${token}`, cookie: 'ld.sid=s%3Asecret-session' } },
    });
    const text = log.text();
    for (const secret of ['hunter2-secret', 'scrypt$hash-of-hunter2', token, 'secret-session'])
      expect(text).not.toContain(secret);
    const line = log.lines().at(-1);
    expect(line).toMatchObject({ level: 'error', message: 'unhandled error', password: '[Redacted]' });
    expect((line?.err as { stack?: string }).stack).toContain('Error: token refused: Bearer [Redacted]');
  });

  it('keeps the level: debug lines only when LOG_LEVEL says so', () => {
    const quiet: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => void quiet.push(l) } });
    logger.info('not written');
    logger.warn('written', { n: 1 });
    expect(quiet.map((l) => JSON.parse(l).message)).toEqual(['written']);
  });
});

describe(`metrics at /metrics (${TEST_DB})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { metrics: { token: METRICS_TOKEN } } });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  /** A sample's value in the exposition text (`name{labels} value`), or undefined. */
  const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const [, inner, value] = /^[^{]+\{(.*)\} (\S+)$/.exec(line) ?? [];
      if (Object.entries(labels).every(([k, v]) => inner?.includes(`${k}="${v}"`))) return Number(value);
    }
    return undefined;
  };

  it('is off without METRICS_TOKEN: 404, with a token or without', async () => {
    const off = await startTestApp();
    try {
      const metrics = await request(off.app).get('/metrics');
      expect(metrics.status).toBe(404);
      expect(metrics.text).not.toMatch(/liandong_/);
      const asked = await request(off.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
      expect(asked.status).toBe(404);
      expect(asked.text).not.toMatch(/liandong_/);
    } finally {
      await off.close();
    }
  });

  it('answers 401 without the token or with a wrong one (a token of the API included)', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`, `Bearer ${t.token('admin')}`]) {
      const req = request(t.app).get('/metrics');
      const res = await (auth ? req.set('Authorization', auth) : req);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.text).not.toContain('liandong_');
    }
  });

  it('counts requests by route pattern, workflow events by outcome, jobs, and reads the outbox backlog', async () => {
    const { id, version } = await createOperation(t);
    await send(t, id, version, 'FILE');
    // A stale version (conflict) and an event the state does not take (refused).
    await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${id}/events`, { type: 'FILE', expectedVersion: 1 })
      .expect(409);
    await t
      .as('duty')
      .post(`/api/v1/operations/${id}/events`, { type: 'START', expectedVersion: 2 })
      .expect((r) => expect([403, 409]).toContain(r.status));
    await t.services.jobs.run('sessions', { via: 'cli' });
    const text = await scrape();

    const route = '/api/v1/operations/:id/events';
    expect(sample(text, 'liandong_http_request_duration_seconds_count', { route, method: 'POST', status: '200' })).toBe(
      1,
    );
    expect(
      sample(text, 'liandong_http_request_duration_seconds_count', { route, method: 'POST', status: '409' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'liandong_http_request_duration_seconds_count', {
        route: '/api/v1/operations',
        method: 'POST',
        status: '201',
      }),
    ).toBe(1);
    // No raw ids as routes.
    expect(text).not.toContain(`/api/v1/operations/${id}`);
    const events = (event: string, outcome: string) =>
      sample(text, 'liandong_workflow_events_total', { workflow: 'operation', event, outcome });
    expect(events('CREATE', 'ok')).toBe(1);
    expect(events('FILE', 'ok')).toBe(1);
    expect(events('FILE', 'conflict')).toBe(1);
    expect(events('START', 'refused')).toBe(1);
    // FILE went through from the copy of the record the create left; the refused FILE forgot it (START read the row).
    const copies = (outcome: string) =>
      sample(text, 'liandong_record_copies_total', { workflow: 'operation', outcome });
    expect([copies('used'), copies('stale')]).toEqual([1, undefined]);
    expect(sample(text, 'liandong_job_runs_total', { job: 'sessions', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'liandong_job_run_duration_seconds_count', { job: 'sessions', outcome: 'ok' })).toBe(1);

    // The tests' apps drain by hand: the filed plan's notification waits in the outbox.
    const waiting = Number(/^liandong_outbox_backlog (\S+)$/m.exec(text)?.[1]);
    const [{ n }] = (await t.services.db.manager.query(
      'SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL',
    )) as Array<{ n: number }>;
    expect(waiting).toBe(Number(n));
    expect(waiting).toBeGreaterThan(0);
    expect(Number(/^liandong_outbox_oldest_age_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(0);
    await t.services.outbox.drain();
    const after = await scrape();
    expect(/^liandong_outbox_backlog (\S+)$/m.exec(after)?.[1]).toBe('0');
    expect(/^liandong_outbox_oldest_age_seconds (\S+)$/m.exec(after)?.[1]).toBe('0');

    if (TEST_DB === 'mysql') {
      expect(sample(text, 'liandong_db_pool_connections', { state: 'free' })).toBeGreaterThanOrEqual(0);
      expect(Number(/^liandong_db_pool_max_connections (\S+)$/m.exec(text)?.[1])).toBe(
        t.services.config.database.poolSize,
      );
    } else {
      expect(text).not.toMatch(/^liandong_db_pool_connections\{/m);
    }
  });

  it('counts the database’s retries and failovers from its events', async () => {
    // What Database.transaction and the failover pool emit (test/integration/database-hosts.test.ts makes them happen).
    const events = t.services.db.events;
    events.emit('retry', { reason: 'conflict' });
    events.emit('retry', { reason: 'conflict' });
    events.emit('failover', { from: '127.0.0.1:3307', to: '127.0.0.1:3308' });
    const text = await scrape();
    expect(sample(text, 'liandong_db_retries_total', { reason: 'conflict' })).toBe(2);
    expect(/^liandong_db_failovers_total (\S+)$/m.exec(text)?.[1]).toBe('1');
  });

  it('keeps one registry per app: two apps in one process count apart', async () => {
    const other = await startTestApp({ config: { metrics: { token: METRICS_TOKEN } } });
    try {
      await other.as('waitan.leader').post('/api/v1/operations', planBody(other.clock.now())).expect(201);
      const res = await request(other.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(sample(res.text, 'liandong_workflow_events_total', { event: 'CREATE', outcome: 'ok' })).toBe(1);
    } finally {
      await other.close();
    }
  });
});

describe(`readiness while stopping (${TEST_DB})`, () => {
  it('answers /healthz 503 while draining, and closes each connection after its answer', async () => {
    const t = await startTestApp();
    try {
      let draining = false;
      const app = buildApp(t.services, { sessionSecret: 'x'.repeat(32), draining: () => draining });
      await request(app).get('/healthz').expect(200);
      draining = true;
      const res = await request(app).get('/healthz').expect(503);
      expect(res.body).toEqual({ status: 'draining' });
      expect(res.headers.connection).toBe('close');
      // A request under way is still answered in full.
      await request(app)
        .get('/api/v1/me')
        .set('Authorization', `Bearer ${t.token('duty')}`)
        .expect(200);
    } finally {
      await t.close();
    }
  });
});
