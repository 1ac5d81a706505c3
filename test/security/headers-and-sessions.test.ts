import request from 'supertest';
import { ConfigError, loadConfig } from '../../config';
import { operationIn } from '../support/factories';
import { registerGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/db';
import { csrfOf, signedIn } from '../support/web';

/**
 * Issue 11, finding 12: what a signed-in user sees is never kept by a browser
 * or proxy cache (`Cache-Control: no-store` on pages, print views and the
 * API); in production cookies are Secure and HSTS is on by default, with
 * TRUST_PROXY naming the TLS proxy in front; a session also ends after an
 * absolute lifetime (`auth.sessionMaxHours`, 12 h), however busy it is.
 */

const HOUR = 3_600_000;
const cookieNamed = (res: request.Response, name: string) =>
  ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`));

describe(`no-store (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signed-in pages, print views and the sign-in page say Cache-Control: no-store', async () => {
    const { id } = await operationIn(t, 'in_progress');
    await registerGoods(t, id);
    const [{ party }] = await t.services.db.dataSource.query(
      'SELECT MIN(id) AS party FROM goods_parties WHERE operation_id = ?',
      [id],
    );
    const leader = await signedIn(t, 'waitan.leader');
    for (const path of [
      '/',
      '/operations',
      `/operations/${id}`,
      `/goods/print/${id}/${party}`,
      '/figures/annual?year=2026',
      '/notifications',
    ]) {
      const res = await leader.get(path);
      expect({ path, status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        cacheControl: 'no-store',
      });
    }
    const login = await request(t.app).get('/login').expect(200);
    expect(login.headers['cache-control']).toBe('no-store');
  });

  it('every API answer says no-store, refusals included', async () => {
    for (const res of [
      await t.as('duty').get('/api/v1/me').expect(200),
      await t.as('duty').get('/api/v1/operations').expect(200),
      await request(t.app).get('/api/v1/me').expect(401),
      await t.as('duty').get('/api/v1/users').expect(403),
      await t.as('duty').get('/api/v1/nowhere').expect(404),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('static files stay cacheable', async () => {
    const res = await request(t.app).get('/static/app.css');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).not.toBe('no-store');
  });
});

describe(`in production (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { env: 'production' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('cookies are Secure and HSTS is on by default, behind a TLS proxy on this host (trusted: loopback)', async () => {
    // (A cookie jar would not send a Secure cookie to http://127.0.0.1: the cookie goes by hand, as the browser behind the proxy sends it.)
    const page = await request(t.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(page.text).not.toContain('data-testid="login-https"');
    const first = cookieNamed(page, 'liandong.sid');
    expect(first).toMatch(/;\s*Secure/i);
    const res = await request(t.app)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', first!.split(';')[0])
      .type('form')
      .send({ _csrf: csrfOf(page.text), username: 'duty', password: 'liandong-demo', next: '/' })
      .expect(303);
    const session = cookieNamed(res, 'liandong.sid');
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/HttpOnly/);
    await request(t.app).get('/').set('X-Forwarded-Proto', 'https').set('Cookie', session!.split(';')[0]).expect(200);
    const lang = await request(t.app).get('/lang/en').set('X-Forwarded-Proto', 'https').expect(303);
    expect(cookieNamed(lang, 'liandong.lang')).toMatch(/;\s*Secure/i);
  });

  it('over plain HTTP no session cookie is given, and the sign-in page says why', async () => {
    const page = await request(t.app).get('/login').expect(200);
    expect(cookieNamed(page, 'liandong.sid')).toBeUndefined();
    expect(page.text).toContain('HTTPS');
  });
});

describe('the settings', () => {
  it('production turns Secure cookies (and HSTS) on unless SECURE_COOKIES says otherwise; development leaves them off', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).web.secureCookies).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', SECURE_COOKIES: '0' }).web.secureCookies).toBe(false);
    expect(loadConfig({}).web.secureCookies).toBe(false);
    expect(loadConfig({ SECURE_COOKIES: '1' }).web.secureCookies).toBe(true);
  });

  it('TRUST_PROXY takes none, a number of proxies, or addresses and subnets; anything else stops start-up naming it', () => {
    expect(loadConfig({}).web.trustProxy).toBe('loopback');
    for (const ok of ['none', '1', '10.0.0.0/8', 'loopback, 192.168.1.10', '::1,fd00::/8', 'uniquelocal'])
      expect(loadConfig({ TRUST_PROXY: ok }).web.trustProxy).toBe(ok);
    for (const bad of ['everyone', 'true', '10.0.0.0/40', '300.1.1.1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/web\.trustProxy \(set by TRUST_PROXY\)/);
    }
  });
});

describe(`TRUST_PROXY (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { env: 'production', web: { trustProxy: 'none' } } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('trusting no proxy, forwarded headers are ignored: the connection is plain HTTP and the address is the socket’s', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(cookieNamed(page, 'liandong.sid')).toBeUndefined();
    // Failures "from" different forwarded addresses all count against the one real address.
    const plain = await startTestApp({ config: { web: { trustProxy: 'none' } } });
    try {
      const client = request.agent(plain.app);
      let form = await client.get('/login');
      for (let i = 0; i < 5; i++) {
        form = await client
          .post('/login')
          .set('X-Forwarded-For', `10.8.0.${i}`)
          .type('form')
          .send({ _csrf: csrfOf(form.text), username: `nobody${i}`, password: 'x', next: '/' });
        expect(form.status).toBe(401);
      }
      const blocked = await client
        .post('/login')
        .set('X-Forwarded-For', '10.8.1.1')
        .type('form')
        .send({ _csrf: csrfOf(form.text), username: 'legal', password: 'liandong-demo', next: '/' });
      expect(blocked.status).toBe(429);
    } finally {
      await plain.close();
    }
  });
});

describe(`a session’s absolute lifetime (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a session in use every 20 minutes still ends 12 hours after signing in', async () => {
    const agent = await signedIn(t, 'commander');
    const signedInAt = t.clock.now().getTime();
    while (t.clock.now().getTime() + 20 * 60_000 < signedInAt + 12 * HOUR) {
      t.clock.advance(20 * 60_000);
      const res = await agent.get('/');
      expect({ at: (t.clock.now().getTime() - signedInAt) / HOUR, status: res.status }).toEqual({
        at: (t.clock.now().getTime() - signedInAt) / HOUR,
        status: 200,
      });
    }
    t.clock.advance(signedInAt + 12 * HOUR - t.clock.now().getTime() + 1000);
    const res = await agent.get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2F');
    // Signing in again starts a new lifetime.
    const again = await signedIn(t, 'commander');
    await again.get('/').expect(200);
  });

  it('the lifetime is a setting (auth.sessionMaxHours)', async () => {
    const short = await startTestApp({ config: { auth: { scryptCost: 1024, sessionMaxHours: 1 } } });
    try {
      const agent = await signedIn(short, 'duty');
      short.clock.advance(25 * 60_000);
      await agent.get('/').expect(200);
      short.clock.advance(25 * 60_000);
      await agent.get('/').expect(200);
      short.clock.advance(11 * 60_000);
      expect((await agent.get('/')).status).toBe(302);
    } finally {
      await short.close();
    }
  });
});
