import { operationIn, rowCounts } from '../support/factories';
import { registerGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

/** R13: rules of detained goods that come with time and with the case register. */

let t: TestApp;
let op: number;

beforeAll(async () => {
  t = await startTestApp();
  op = (await operationIn(t, 'in_progress')).id;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const DAY = 86_400_000;
const decode = (s: string) => s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');

describe('an extension of the detention limit (R13)', () => {
  it('is refused once the limit has passed: 422 naming the rule and the field, in the caller’s language, and nothing written', async () => {
    const [cart] = await registerGoods(t, op);
    const item = (await t.as('duty').get(`/api/v1/goods/${cart}`).expect(200)).body;
    expect(item.allowedEvents).toContain('EXTEND');
    // The page was opened before the limit ran out; the form is sent after it.
    const web = await signIn(t, 'duty');
    const page = (await web.get(`/goods/${cart}`).expect(200)).text;
    expect(page).toContain('data-event="EXTEND"');

    t.clock.set(new Date(Date.parse(item.dueAt) + 60_000).toISOString());
    const now = (await t.as('duty').get(`/api/v1/goods/${cart}`).expect(200)).body;
    expect(now).toMatchObject({ state: 'held', light: 'red', version: item.version });
    expect(now.allowedEvents).not.toContain('EXTEND');
    expect(now.allowedEvents).toContain('APPROVE_DISPOSAL');

    const before = await rowCounts(t);
    const zh = await t.as('duty').post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: item.version, reason: '当事人在外地' }).expect(422);
    expect(zh.body.error.problems).toEqual([expect.objectContaining({ code: 'limit_passed', field: 'dueAt', rule: 'R13' })]);
    expect(zh.body.error.fields).toEqual({ dueAt: '暂扣期限已过，不能再延长，请依法及时处理' });
    const en = await t.as('duty').post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: item.version, reason: 'owner away' }).set('Accept-Language', 'en').expect(422);
    expect(en.body.error.fields.dueAt).toMatch(/^The detention limit has passed/);
    expect(await rowCounts(t)).toEqual(before);
    expect((await t.as('duty').get(`/api/v1/goods/${cart}`)).body).toMatchObject({ version: item.version, dueAt: item.dueAt, extension: null });

    // The web: the late form is refused with the rule's words; the page no longer offers it (a month on: a new session).
    const later = await signIn(t, 'duty');
    const refused = await later.post(`/goods/${cart}/events/EXTEND`, { expectedVersion: String(item.version), reason: '当事人在外地' }, `/goods/${cart}`);
    expect(refused.status).toBe(422);
    expect(decode(refused.text)).toMatch(/data-testid="form-banner"[^>]*>[^<]*暂扣期限已过，不能再延长/);
    expect(decode(refused.text)).toContain('当事人在外地');
    expect((await later.get(`/goods/${cart}`).expect(200)).text).not.toContain('data-event="EXTEND"');
  });

  it('is taken up to the last moment of the limit', async () => {
    const [cart] = await registerGoods(t, op);
    const item = (await t.as('duty').get(`/api/v1/goods/${cart}`).expect(200)).body;
    t.clock.set(new Date(Date.parse(item.dueAt)).toISOString());
    const res = await t.as('duty').post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: item.version, reason: '当事人在外地，今日来电' }).expect(200);
    expect(res.body.state).toBe('held');
    expect(Date.parse((await t.as('duty').get(`/api/v1/goods/${cart}`)).body.dueAt) - Date.parse(item.dueAt)).toBe(30 * DAY);
  });
});
