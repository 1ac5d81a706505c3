import request from 'supertest';
import zlib from 'node:zlib';
import { createOperation, operationIn, planBody, planForm } from '../support/factories';
import { registerGoods } from '../support/goods';
import { draftGroupPlan } from '../support/plans-meetings';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { proposeTransfer, registerCase } from '../support/transfers';
import { csrfOf, signIn } from '../support/web';
import { writtenRows } from './counts';

/**
 * Issue 11, finding 7: inputs that answered 500 (nothing was written, but
 * each must be a clean 4xx). Text that cannot be stored or read back is in
 * texts.test.ts.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  // Nothing answered 500 (each test on its own: what one logged is not another's failure).
  expect(
    t.logged.splice(0).map((l) => `${l.message}: ${String((l.data?.err as Error | undefined)?.message ?? '')}`),
  ).toEqual([]);
});

const counts = () => writtenRows(t);
const bearer = (user: string) => `Bearer ${t.token(user)}`;

describe('a JSON body that says it is compressed', () => {
  const body = () => JSON.stringify(planBody(t.clock.now()));

  it.each(['gzip', 'deflate', 'br', 'x-unknown'])(
    'Content-Encoding: %s over a body that is not compressed: 415, nothing written',
    async (encoding) => {
      const before = await counts();
      const res = await request(t.app)
        .post('/api/v1/operations')
        .set('Authorization', bearer('waitan.leader'))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(body());
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({
        status: 415,
        code: 'unsupported_encoding',
      });
      expect(res.body.error.message).toMatch(/不得压缩/);
      expect(await counts()).toEqual(before);
    },
  );

  it('a body that really is gzip is refused the same way (the API takes plain JSON only)', async () => {
    const res = await request(t.app)
      .post('/api/v1/operations')
      .set('Authorization', bearer('waitan.leader'))
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(zlib.gzipSync(body()));
    expect(res.status).toBe(415);
  });

  it('a form that says it is compressed: 415, nothing written', async () => {
    const web = await signIn(t, 'waitan.leader');
    const page = await web.get('/operations/new').expect(200);
    const before = await counts();
    const res = await web.agent
      .post('/operations')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'deflate')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&title=x`);
    expect(res.status).toBe(415);
    expect(await counts()).toEqual(before);
  });
});

describe('a form with more than 2,000 fields', () => {
  it('is refused with 413 and a page, nothing written', async () => {
    const web = await signIn(t, 'waitan.leader');
    const fields: Record<string, string> = {};
    for (let i = 0; i < 2100; i++) fields[`f${i}`] = 'x';
    const before = await counts();
    const res = await web.post('/operations', fields, '/operations/new');
    expect(res.status).toBe(413);
    expect(res.text).toContain('表单字段过多');
    expect(await counts()).toEqual(before);
  });
});

describe('a form key that names a built-in property', () => {
  it.each([
    'title[toString]',
    'title[valueOf]',
    'title[constructor]',
    'squads[hasOwnProperty]',
    'forces[waitan][toString]',
  ])('%s: 400, nothing written', async (key) => {
    const web = await signIn(t, 'waitan.leader');
    const before = await counts();
    const res = await web.post('/operations', { ...planForm(t.clock.now()), [key]: 'x' }, '/operations/new');
    expect(res.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('on the sign-in form too', async () => {
    const anon = request.agent(t.app);
    const page = await anon.get('/login').expect(200);
    const res = await anon
      .post('/login')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&username[toString]=x&password=y`);
    expect(res.status).toBe(400);
  });
});

describe('a step path that names a built-in property (constructor, __proto__, toString, hasOwnProperty)', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  let paths: string[];
  beforeAll(async () => {
    const op = (await createOperation(t)).id;
    const running = (await operationIn(t, 'in_progress')).id;
    const [item] = await registerGoods(t, running);
    const problem = (await reportProblem(t)).id;
    const notice = (
      await t
        .as('waitan.officer')
        .post('/api/v1/border-notices', { location: '九江路口', what: '摊贩流窜', squads: ['waitan', 'nanjingdonglu'] })
        .expect(201)
    ).body.id;
    const meeting = (
      await t
        .as('waitan.leader')
        .post('/api/v1/meetings', {
          kind: 'group',
          group: 'north',
          plannedStart: '2026-11-20T14:00:00+08:00',
          agenda: '议题',
        })
        .expect(201)
    ).body.id;
    const plan = await draftGroupPlan(t, '2026-12');
    const transfer = await proposeTransfer(t, await registerCase(t));
    paths = [
      `/operations/${op}`,
      `/goods/${item}`,
      `/problems/${problem}`,
      `/border-notices/${notice}`,
      `/meetings/${meeting}`,
      `/group-plans/${plan}`,
      `/transfers/${transfer}`,
    ];
  });

  it.each(NAMES)('the web: /<record>/:id/events/%s is a 4xx, nothing written', async (name) => {
    const web = await signIn(t, 'waitan.leader');
    for (const page of paths) {
      const before = await counts();
      const res = await web.post(`${page}/events/${name}`, { expectedVersion: '1', reason: 'x' }, page);
      expect({ page, status: res.status }).toEqual({ page, status: 400 });
      expect(await counts()).toEqual(before);
    }
  });

  it.each(NAMES)('the API: an event of type %s is a 400 naming type', async (name) => {
    for (const record of [
      'operations',
      'problems',
      'meetings',
      'group-plans',
      'goods',
      'transfers',
      'border-notices',
    ]) {
      const res = await t.as('waitan.leader').post(`/api/v1/${record}/1/events`, { type: name, expectedVersion: 1 });
      expect({ record, status: res.status }).toEqual({ record, status: 400 });
      expect(Object.keys(res.body.error.fields)).toContain('type');
    }
  });

  it.each(NAMES)('other lookups by name: /figures/%s, /oversight job %s', async (name) => {
    const duty = await signIn(t, 'duty');
    expect((await duty.get(`/figures/${name}?period=2026`)).status).toBe(404);
    expect((await t.as('duty').get(`/api/v1/figures/${name}/records?period=2026`)).status).toBe(404);
    expect((await duty.post(`/jobs/${name}/run`, {}, '/jobs')).status).toBeLessThan(500);
  });
});

describe('a language cookie that is not one (%E0 answered 500 on every page, /login included)', () => {
  it.each(['%E0', '%', '%E0%A4%A', 'toString', '__proto__', 'en%00'])('liandong.lang=%s', async (value) => {
    const res = await request(t.app).get('/login').set('Cookie', `liandong.lang=${value}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="zh-CN"');
    const web = await signIn(t, 'waitan.leader');
    const page = await web.agent.get('/').set('Cookie', `liandong.lang=${value}`);
    expect(page.status).toBe(200);
  });

  it('the chosen language still works', async () => {
    const res = await request(t.app).get('/login').set('Cookie', 'liandong.lang=en');
    expect(res.text).toContain('<html lang="en"');
  });
});

describe('other malformed requests are a 4xx, never a 500', () => {
  it('a form nested deeper than the parser takes (33 levels) is a 400, nothing written', async () => {
    const web = await signIn(t, 'waitan.leader');
    const before = await counts();
    const res = await web.post(
      '/operations',
      { ...planForm(t.clock.now()), [`title${'[a]'.repeat(40)}`]: 'x' },
      '/operations/new',
    );
    expect(res.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('a JSON body nested 100,000 deep is a 400', async () => {
    const deep = `{"kind":"regular","leadSquad":"waitan","title":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await request(t.app)
      .post('/api/v1/operations')
      .set('Authorization', bearer('waitan.leader'))
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(res.status).toBe(400);
  });

  it('a path that does not decode (%E0) is a 4xx, on the web and the API', async () => {
    const web = await signIn(t, 'waitan.leader');
    expect((await web.get('/operations/%E0')).status).toBe(400);
    expect((await t.as('waitan.leader').get('/api/v1/operations/%E0')).status).toBe(400);
  });

  it.each([
    '/operations',
    '/problems',
    '/goods',
    '/cases',
    '/transfers',
    '/flags',
    '/figures',
    '/incidents',
    '/notifications',
    '/api/v1/operations',
    '/api/v1/problems',
    '/api/v1/figures',
  ])('query parameters named after built-ins on %s', async (path) => {
    const web = await signIn(t, 'duty');
    const query = '?toString=x&valueOf=y&constructor=z&hasOwnProperty=w&__proto__=v';
    const res = path.startsWith('/api/') ? await t.as('duty').get(`${path}${query}`) : await web.get(`${path}${query}`);
    expect(res.status).toBeLessThan(500);
  });
});
