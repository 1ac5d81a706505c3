import { operationIn } from '../support/factories';
import { registerGoods, sendGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';
import { fieldValue, signIn } from '../support/web';

let t: TestApp;
let op: number;
let items: number[];

beforeAll(async () => {
  t = await startTestApp();
  op = (await operationIn(t, 'in_progress')).id;
  items = await registerGoods(t, op);
  await sendGoods(t, items[1], 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '已变质' });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** A page is whole: no untranslated key, no template left over. */
function expectWhole(html: string) {
  expect(html).not.toMatch(/⟦[^⟧]+⟧/);
  expect(html).not.toContain('{{');
  expect(html).not.toMatch(/\b(goods|state|event|role|field|reason|problem|light)\.[a-z_A-Z]+\b(?![^<]*>)/);
}

describe('the detained-goods pages render for the roles that use them, in both languages', () => {
  const pages = () => [
    '/goods',
    '/goods?state=held&squad=waitan&light=green',
    `/goods/${items[0]}`,
    `/goods/${items[1]}`,
    `/goods/ledger/${op}`,
    `/goods/print/${op}/1`,
    `/operations/${op}`,
    '/',
  ];
  it.each(['waitan.leader', 'duty', 'waitan.officer'])('%s', async (user) => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const web = await signIn(t, user, 'liandong-demo', locale);
      for (const path of pages()) {
        const res = await web.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expectWhole(res.text);
      }
    }
  });

  it('the operation page shows its goods section with the ledger balanced, and the register link for its squad leader', async () => {
    const leader = await signIn(t, 'waitan.leader');
    const page = await leader.get(`/operations/${op}`).expect(200);
    expect(page.text).toContain('data-testid="goods-section"');
    expect(page.text).toContain('data-balanced="true"');
    expect(page.text).toContain(`href="/goods/new?operation=${op}"`);
    const officer = await signIn(t, 'waitan.officer');
    expect((await officer.get(`/operations/${op}`)).text).not.toContain('data-testid="register-goods"');
  });

  it('the printed list has two copies: the party’s and the stub', async () => {
    const leader = await signIn(t, 'waitan.leader');
    const page = await leader.get(`/goods/print/${op}/1`).expect(200);
    expect(page.text).toContain('当事人联');
    expect(page.text).toContain('存根联');
    expect(page.text.match(/class="detention-copy"/g)).toHaveLength(2);
    expect(page.text.match(/三轮车（蓝色）/g)).toHaveLength(2);
  });

  it('the item page offers the custodian’s steps to its leader, dispose only once approved', async () => {
    const leader = await signIn(t, 'waitan.leader');
    const cart = await leader.get(`/goods/${items[0]}`).expect(200);
    expect(cart.text).toContain('data-event="RETURN_TO_OWNER"');
    expect(cart.text).not.toContain('data-event="DISPOSE"');
    const fruit = await leader.get(`/goods/${items[1]}`).expect(200);
    expect(fruit.text).toContain('data-event="DISPOSE"');
    expect(fruit.text).toContain('data-testid="custody"');
  });
});

describe('forms keep the user’s input on error, the bad fields named', () => {
  it('the register form', async () => {
    const leader = await signIn(t, 'waitan.leader');
    const from = `/goods/new?operation=${op}`;
    const res = await leader.post(
      '/goods',
      {
        operation: String(op),
        'party[name]': '李某',
        'party[stall]': '',
        'items[0][description]': '西瓜',
        'items[0][quantity]': '0',
        'items[0][unit]': '个',
        'items[0][perishable]': 'on',
        'items[0][storagePlace]': '冷藏柜',
      },
      from,
    );
    expect(res.status).toBe(400);
    expect(fieldValue(res.text, 'party[name]')).toBe('李某');
    expect(fieldValue(res.text, 'items[0][description]')).toBe('西瓜');
    expect(fieldValue(res.text, 'items[0][storagePlace]')).toBe('冷藏柜');
    expect(res.text).toContain('data-error-for="party.stall"');
    expect(res.text).toContain('data-error-for="items.0.quantity"');
    expect(res.text).toMatch(/name="items\[0\]\[perishable\]" checked/);
  });

  it('the register form, then the list, when all is well', async () => {
    const leader = await signIn(t, 'waitan.leader');
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
      },
      `/goods/new?operation=${op}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/goods/ledger/${op}\\?done=registered`));
  });

  it('a step refused keeps what was typed', async () => {
    const duty = await signIn(t, 'duty');
    const page = await duty.get(`/goods/${items[0]}`).expect(200);
    const version = /name="expectedVersion" value="(\d+)"/.exec(page.text)![1];
    const res = await duty.post(
      `/goods/${items[0]}/events/EXTEND`,
      { expectedVersion: version, reason: '' },
      `/goods/${items[0]}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-error-for="reason"');
    const stale = await duty.post(
      `/goods/${items[0]}/events/EXTEND`,
      { expectedVersion: '99', reason: '当事人外出务工' },
      `/goods/${items[0]}`,
    );
    expect(stale.status).toBe(409);
    const extendForm = /<details[^>]*id="event-EXTEND"[\s\S]*?<\/details>/.exec(stale.text)![0];
    expect(extendForm).toContain(' open');
    expect(fieldValue(extendForm, 'reason')).toBe('当事人外出务工');
  });
});

describe('the inbox (R13): items near their limit wait for the custodian’s leader; approvals for the managers', () => {
  it('28 days on, the Waitan leader sees the tricycle and the fruit; the duty officer the tricycle (nothing approved or extended yet)', async () => {
    t.clock.advance(28 * 24 * 3_600_000);
    const leader = await signIn(t, 'waitan.leader');
    const mine = await leader.get('/').expect(200);
    expectWhole(mine.text);
    const cards = (html: string) =>
      [...html.matchAll(/<li class="card[^"]*" data-goods="(\d+)"/g)].map((m) => Number(m[1]));
    expect(cards(mine.text)).toEqual(expect.arrayContaining([items[0], items[1]]));
    const duty = await signIn(t, 'duty');
    const theirs = await duty.get('/').expect(200);
    expect(cards(theirs.text)).toContain(items[0]);
    // The fruit's disposal is approved: nothing waits for a manager there.
    expect(cards(theirs.text)).not.toContain(items[1]);
    const officer = await signIn(t, 'nanjingdonglu.leader');
    expect(cards((await officer.get('/').expect(200)).text)).toEqual([]);
  });
});
