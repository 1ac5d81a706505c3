import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { csrfOf, signedIn } from '../support/web';
import { createOperation, rowCounts } from '../support/factories';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const sessionCookie = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[] | undefined)
    ?.find((c) => c.startsWith('liandong.sid='))
    ?.split(';')[0];

describe('signing in and out', () => {
  it('a visitor is sent to sign in, and comes back to the page they asked for', async () => {
    const agent = request.agent(t.app);
    const res = await agent.get('/operations?state=filed').expect(302);
    expect(res.headers.location).toBe('/login?next=%2Foperations%3Fstate%3Dfiled');
    const page = await agent.get(res.headers.location).expect(200);
    // (Handlebars escapes "=" as &#x3D; in attribute values.)
    expect(page.text).toContain('name="next" value="/operations?state&#x3D;filed"');
    const signIn = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(page.text), username: 'duty', password: 'liandong-demo', next: '/operations?state=filed' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/operations?state=filed');
  });

  it('a wrong password is refused with the username kept, and says nothing of which was wrong', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(page.text), username: 'waitan.leader', password: 'nope-nope', next: '/' })
      .expect(401);
    expect(res.text).toContain('用户名或密码错误');
    expect(res.text).toContain('value="waitan.leader"');
    const unknown = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(res.text), username: 'nobody.at.all', password: 'x', next: '/' })
      .expect(401);
    expect(unknown.text).toContain('用户名或密码错误');
  });

  it('the session id is renewed at sign-in (a fixed session is worth nothing)', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const before = sessionCookie(page);
    expect(before).toBeDefined();
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(page.text), username: 'duty', password: 'liandong-demo', next: '/' })
      .expect(303);
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // The old id no longer signs anyone in.
    await request(t.app).get('/').set('Cookie', before!).expect(302);
    await request(t.app).get('/').set('Cookie', after!).expect(200);
  });

  it('signing out ends the session', async () => {
    const agent = await signedIn(t, 'duty');
    const home = await agent.get('/').expect(200);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfOf(home.text) })
      .expect(303);
    await agent.get('/').expect(302);
  });

  it('a session ends after the idle time (30 minutes) and not before', async () => {
    const agent = await signedIn(t, 'duty');
    t.clock.advance(29 * 60_000);
    await agent.get('/').expect(200);
    // Each request slides the expiry (written at most once a minute).
    t.clock.advance(29 * 60_000);
    await agent.get('/').expect(200);
    t.clock.advance(31 * 60_000);
    await agent.get('/').expect(302);
  });

  it('a disabled user’s session ends at once', async () => {
    const agent = await signedIn(t, 'duty2');
    await agent.get('/').expect(200);
    const user = await t.services.org.userByUsername(1, 'duty2');
    await t.services.db.transaction((m) => m.update('users', { id: user!.user.id }, { active: false }));
    await agent.get('/').expect(302);
    await t.services.db.transaction((m) => m.update('users', { id: user!.user.id }, { active: true }));
  });
});

describe('guessing passwords is slowed down', () => {
  it('after 5 failures for one account, even the right password waits, then works again', async () => {
    const agent = request.agent(t.app);
    let page = await agent.get('/login');
    for (let i = 0; i < 5; i++) {
      page = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfOf(page.text), username: 'inspector2', password: `guess-${i}`, next: '/' });
      expect(page.status).toBe(401);
    }
    const blocked = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(page.text), username: 'inspector2', password: 'liandong-demo', next: '/' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('30');
    expect(blocked.text).toContain('30 秒后再试');
    t.clock.advance(31_000);
    const ok = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(blocked.text), username: 'inspector2', password: 'liandong-demo', next: '/' });
    expect(ok.status).toBe(303);
  });

  it('failures from one address across many accounts slow that address down', async () => {
    t.clock.advance(60 * 60_000);
    const agent = request.agent(t.app);
    let page = await agent.get('/login');
    for (let i = 0; i < 5; i++) {
      page = await agent
        .post('/login')
        .type('form')
        .set('X-Forwarded-For', '10.9.9.9')
        .send({ _csrf: csrfOf(page.text), username: `someone${i}`, password: 'x', next: '/' });
    }
    // (The test app trusts loopback proxies, so the forwarded address is the client's.)
    const blocked = await agent
      .post('/login')
      .type('form')
      .set('X-Forwarded-For', '10.9.9.9')
      .send({ _csrf: csrfOf(page.text), username: 'legal', password: 'liandong-demo', next: '/' });
    expect(blocked.status).toBe(429);
    const elsewhere = await agent
      .post('/login')
      .type('form')
      .set('X-Forwarded-For', '10.9.9.10')
      .send({ _csrf: csrfOf(page.text), username: 'legal', password: 'liandong-demo', next: '/' });
    expect(elsewhere.status).toBe(303);
  });
});

describe('cross-site request forgery', () => {
  it('a sign-in without the form’s token is refused', async () => {
    const res = await request(t.app)
      .post('/login')
      .type('form')
      .send({ username: 'duty', password: 'liandong-demo' })
      .expect(403);
    expect(res.text).toContain('表单已过期');
  });

  it('a form post to an operation without the token changes nothing', async () => {
    const { id } = await createOperation(t);
    const agent = await signedIn(t, 'waitan.leader');
    const before = await rowCounts(t);
    await agent.post(`/operations/${id}/events/FILE`).type('form').send({ expectedVersion: '1' }).expect(403);
    await agent
      .post(`/operations/${id}/events/FILE`)
      .type('form')
      .send({ expectedVersion: '1', _csrf: 'forged' })
      .expect(403);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('the API takes no cookies: a signed-in browser session does not authenticate /api/v1', async () => {
    const agent = await signedIn(t, 'duty');
    await agent.get('/api/v1/operations').expect(401);
  });
});

describe('security headers', () => {
  it('every page carries a Content-Security-Policy that allows no inline script, and has none', async () => {
    const agent = await signedIn(t, 'waitan.leader');
    const anonymous = request.agent(t.app);
    for (const [who, path] of [
      [anonymous, '/login'],
      [agent, '/'],
      [agent, '/operations'],
      [agent, '/operations/new'],
    ] as const) {
      const res = await who.get(path).expect(200);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(res.text).not.toMatch(/\son[a-z]+="/);
    }
  });

  it('the session cookie is HttpOnly and SameSite', async () => {
    const res = await request(t.app).get('/login');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('liandong.sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});
