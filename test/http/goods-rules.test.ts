import { operationIn, rowCounts } from '../support/factories';
import { goodsBody, registerGoods } from '../support/goods';
import { registerCase } from '../support/transfers';
import { startTestApp, type TestApp } from '../support/test-app';
import { fieldValue, signIn } from '../support/web';

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
const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

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
    const zh = await t
      .as('duty')
      .post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: item.version, reason: '当事人在外地' })
      .expect(422);
    expect(zh.body.error.problems).toEqual([
      expect.objectContaining({ code: 'limit_passed', field: 'dueAt', rule: 'R13' }),
    ]);
    expect(zh.body.error.fields).toEqual({ dueAt: '暂扣期限已过，不能再延长，请依法及时处理' });
    const en = await t
      .as('duty')
      .post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: item.version, reason: 'owner away' })
      .set('Accept-Language', 'en')
      .expect(422);
    expect(en.body.error.fields.dueAt).toMatch(/^The detention limit has passed/);
    expect(await rowCounts(t)).toEqual(before);
    expect((await t.as('duty').get(`/api/v1/goods/${cart}`)).body).toMatchObject({
      version: item.version,
      dueAt: item.dueAt,
      extension: null,
    });

    // The web: the late form is refused with the rule's words; the page no longer offers it (a month on: a new session).
    const later = await signIn(t, 'duty');
    const refused = await later.post(
      `/goods/${cart}/events/EXTEND`,
      { expectedVersion: String(item.version), reason: '当事人在外地' },
      `/goods/${cart}`,
    );
    expect(refused.status).toBe(422);
    expect(decode(refused.text)).toMatch(/data-testid="form-banner"[^>]*>[^<]*暂扣期限已过，不能再延长/);
    expect(decode(refused.text)).toContain('当事人在外地');
    expect((await later.get(`/goods/${cart}`).expect(200)).text).not.toContain('data-event="EXTEND"');
  });

  it('is taken up to the last moment of the limit', async () => {
    const [cart] = await registerGoods(t, op);
    const item = (await t.as('duty').get(`/api/v1/goods/${cart}`).expect(200)).body;
    t.clock.set(new Date(Date.parse(item.dueAt)).toISOString());
    const res = await t
      .as('duty')
      .post(`/api/v1/goods/${cart}/events`, {
        type: 'EXTEND',
        expectedVersion: item.version,
        reason: '当事人在外地，今日来电',
      })
      .expect(200);
    expect(res.body.state).toBe('held');
    expect(Date.parse((await t.as('duty').get(`/api/v1/goods/${cart}`)).body.dueAt) - Date.parse(item.dueAt)).toBe(
      30 * DAY,
    );
  });
});

describe('an item’s case number (§3.3)', () => {
  it('when given, names a case registered in the brigade: an unknown one is refused naming the item’s field, in the caller’s language, and nothing is written', async () => {
    const reference = '黄浦城管罚字〔2026〕0777号';
    await registerCase(t, 'waitan.leader', { reference, operation: op });
    const items = [
      {
        description: '三轮车（红色）',
        quantity: 1,
        unit: '辆',
        storagePlace: '外滩中队暂扣物品仓库',
        caseRef: reference,
      },
      {
        description: '遮阳伞',
        quantity: 2,
        unit: '把',
        storagePlace: '外滩中队暂扣物品仓库',
        caseRef: '黄浦城管罚字〔2026〕9999号',
      },
      { description: '折叠桌', quantity: 1, unit: '张', storagePlace: '外滩中队暂扣物品仓库' },
    ];
    const before = await rowCounts(t);
    const zh = await t.as('waitan.leader').post('/api/v1/goods', goodsBody(op, { items })).expect(422);
    expect(zh.body.error.problems).toEqual([
      expect.objectContaining({ code: 'unknown_case', field: 'items.1.caseRef', rule: '§3.3' }),
    ]);
    expect(zh.body.error.fields).toEqual({
      'items.1.caseRef': '本大队没有登记编号为“黄浦城管罚字〔2026〕9999号”的案件，请先登记案件或核对编号',
    });
    const en = await t
      .as('waitan.leader')
      .post('/api/v1/goods', goodsBody(op, { items }))
      .set('Accept-Language', 'en')
      .expect(422);
    expect(en.body.error.fields['items.1.caseRef']).toBe(
      'No case numbered “黄浦城管罚字〔2026〕9999号” is registered in the brigade: register the case first, or check the number',
    );
    expect(await rowCounts(t)).toEqual(before);

    // A registered one (spaces around it aside) is taken, and no case number at all is fine.
    const ok = await t
      .as('waitan.leader')
      .post('/api/v1/goods', goodsBody(op, { items: [{ ...items[0], caseRef: ` ${reference} ` }, items[2]] }))
      .expect(201);
    expect(ok.body.items.map((i: { caseRef: string | null }) => i.caseRef)).toEqual([reference, null]);
  });

  it('the register form marks the unknown case number beside its item and keeps what was typed; it offers the operation’s cases', async () => {
    const leader = await signIn(t, 'waitan.leader');
    const from = `/goods/new?operation=${op}`;
    expect((await leader.get(from).expect(200)).text).toMatch(
      /<datalist id="operation-cases">[\s\S]*黄浦城管罚字〔2026〕0777号[\s\S]*<\/datalist>/,
    );
    const res = await leader.post(
      '/goods',
      {
        operation: String(op),
        'party[name]': '赵某',
        'party[stall]': '九江路口',
        'items[0][description]': '遮阳伞',
        'items[0][quantity]': '2',
        'items[0][unit]': '把',
        'items[0][storagePlace]': '外滩中队仓库',
        'items[0][caseRef]': '无此编号',
      },
      from,
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-error-for="items.0.caseRef"');
    expect(decode(res.text)).toContain('本大队没有登记编号为“无此编号”的案件');
    expect(fieldValue(res.text, 'items[0][caseRef]')).toBe('无此编号');
    expect(fieldValue(res.text, 'items[0][description]')).toBe('遮阳伞');
  });
});
