import { operationIn, resultsBody, rowCounts } from '../support/factories';
import { statementsSent } from '../support/statements';
import { goodsBody, registerGoods, sendGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';

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

describe('registering detained goods (R13)', () => {
  it('a party’s goods are registered together, each item held by the host squad with its legal limit', async () => {
    const res = await t.as('waitan.leader').post('/api/v1/goods', goodsBody(op)).expect(201);
    expect(res.body.items).toHaveLength(2);
    const [cart, fruit] = res.body.items;
    expect(cart).toMatchObject({
      state: 'held',
      version: 1,
      custodianSquad: 'waitan',
      perishable: false,
      party: { name: '王某' },
      light: 'green',
    });
    const now = t.clock.now().getTime();
    expect(Date.parse(cart.dueAt) - now).toBe(30 * 86_400_000);
    // Perishables: a much shorter limit (config goods.perishableDays).
    expect(Date.parse(fruit.dueAt) - now).toBe(2 * 86_400_000);
    expect(cart.allowedEvents.sort()).toEqual(['CONFISCATE', 'MOVE', 'RETURN_TO_OWNER']);
    const { body: asDuty } = await t.as('duty').get(`/api/v1/goods/${cart.id}`).expect(200);
    expect(asDuty.allowedEvents.sort()).toEqual(['APPROVE_DISPOSAL', 'EXTEND']);
  });

  it('a bad item names its field, and nothing is written', async () => {
    const before = await rowCounts(t);
    const res = await t
      .as('waitan.leader')
      .post(
        '/api/v1/goods',
        goodsBody(op, { items: [{ description: '', quantity: 0, unit: '件', storagePlace: '仓库' }] }),
      )
      .expect(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['items.0.description', 'items.0.quantity']);
    const custodian = await t
      .as('waitan.leader')
      .post(
        '/api/v1/goods',
        goodsBody(op, {
          items: [{ description: '桌子', quantity: 1, unit: '张', storagePlace: '仓库', custodianSquad: 'yuyuan' }],
        }),
      )
      .expect(422);
    expect(custodian.body.error.fields).toHaveProperty(['items.0.custodianSquad']);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('only a squad leader of the operation registers, and only once it has started', async () => {
    await t.as('waitan.officer').post('/api/v1/goods', goodsBody(op)).expect(403);
    await t.as('yuyuan.leader').post('/api/v1/goods', goodsBody(op)).expect(403);
    const approved = (await operationIn(t, 'approved')).id;
    const res = await t.as('waitan.leader').post('/api/v1/goods', goodsBody(approved)).expect(422);
    expect(res.body.error.fields).toHaveProperty('operation');
  });
});

describe('the results’ goods are the ledger’s (R13)', () => {
  const complete = (id: number, results: unknown) =>
    t.as('waitan.leader').post(`/api/v1/operations/${id}/events`, { type: 'COMPLETE', expectedVersion: 4, results });
  const ledgerReads = (sent: string[]) => sent.filter((q) => /^SELECT p.squad_id AS squad_id, COUNT/.test(q)).length;

  it('a line that says how many goods its squad detained is checked against the ledger, then kept', async () => {
    const { id } = await operationIn(t, 'in_progress');
    await registerGoods(t, id);
    t.clock.advance(5 * 3_600_000);
    const [waitan, ...others] = resultsBody();
    const wrong = await complete(id, [{ ...waitan, goodsDetained: 1 }, ...others]);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.problems).toEqual([
      expect.objectContaining({
        code: 'goods_not_in_ledger',
        field: 'results.0.goodsDetained',
        rule: 'R13',
        params: { registered: 2, reported: 1 },
      }),
    ]);
    let res: Awaited<ReturnType<typeof complete>> | undefined;
    const sent = await statementsSent(t.services.db, async () => {
      res = await complete(id, [{ ...waitan, goodsDetained: 2 }, ...others]);
    });
    expect(res?.status).toBe(200);
    expect(ledgerReads(sent)).toBe(1);
    const { body } = await t.as('duty').get(`/api/v1/operations/${id}`).expect(200);
    expect(body.results.map((r: { goodsDetained: number }) => r.goodsDetained)).toEqual([2, 0, 0]);
  });

  it('lines that say nothing of goods take the ledger’s count, and the ledger is not read to check them', async () => {
    const { id } = await operationIn(t, 'in_progress');
    await registerGoods(t, id);
    t.clock.advance(5 * 3_600_000);
    let res: Awaited<ReturnType<typeof complete>> | undefined;
    const sent = await statementsSent(t.services.db, async () => {
      res = await complete(id, resultsBody());
    });
    expect(res?.status).toBe(200);
    expect(ledgerReads(sent)).toBe(0);
    const { body } = await t.as('duty').get(`/api/v1/operations/${id}`).expect(200);
    expect(body.results.map((r: { goodsDetained: number }) => r.goodsDetained)).toEqual([2, 0, 0]);
  });
});

describe('custody steps (R13)', () => {
  it('only the custodian squad returns goods; a stale version is refused with 409', async () => {
    const [cart] = await registerGoods(t, op);
    await t
      .as('nanjingdonglu.leader')
      .post(`/api/v1/goods/${cart}/events`, { type: 'RETURN_TO_OWNER', expectedVersion: 1, receivedBy: '王某' })
      .expect(403);
    await t
      .as('waitan.leader')
      .post(`/api/v1/goods/${cart}/events`, { type: 'RETURN_TO_OWNER', expectedVersion: 7, receivedBy: '王某' })
      .expect(409);
    const ok = await t
      .as('waitan.leader')
      .post(`/api/v1/goods/${cart}/events`, { type: 'RETURN_TO_OWNER', expectedVersion: 1, receivedBy: '王某' })
      .expect(200);
    expect(ok.body).toMatchObject({ state: 'returned', version: 2 });
    const again = await t
      .as('waitan.leader')
      .post(`/api/v1/goods/${cart}/events`, { type: 'RETURN_TO_OWNER', expectedVersion: 2, receivedBy: '王某' })
      .expect(409);
    expect(again.body.error.code).toBe('event_not_accepted');
  });

  it('goods cannot be disposed of without approval (422, the rule named); with a manager’s approval they can', async () => {
    const [, fruit] = await registerGoods(t, op);
    const refused = await t
      .as('waitan.leader')
      .post(`/api/v1/goods/${fruit}/events`, { type: 'DISPOSE', expectedVersion: 1, method: 'destroyed' })
      .expect(422);
    expect(refused.body.error.problems).toEqual([expect.objectContaining({ code: 'disposal_not_approved' })]);
    await sendGoods(t, fruit, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '水果已腐烂' });
    await sendGoods(t, fruit, 'waitan.leader', { type: 'DISPOSE', method: 'destroyed' });
    expect((await t.as('duty').get(`/api/v1/goods/${fruit}`)).body).toMatchObject({
      state: 'disposed',
      disposalApproval: { method: 'destroyed' },
    });
  });

  it('a second extension is refused', async () => {
    const [cart] = await registerGoods(t, op);
    const before = (await t.as('duty').get(`/api/v1/goods/${cart}`)).body.dueAt;
    await sendGoods(t, cart, 'commander', { type: 'EXTEND', reason: '当事人在外地' });
    const after = (await t.as('duty').get(`/api/v1/goods/${cart}`)).body;
    expect(Date.parse(after.dueAt) - Date.parse(before)).toBe(30 * 86_400_000);
    expect(after.allowedEvents).not.toContain('EXTEND');
    const res = await t
      .as('duty')
      .post(`/api/v1/goods/${cart}/events`, { type: 'EXTEND', expectedVersion: after.version, reason: '再延' })
      .expect(422);
    expect(JSON.stringify(res.body.error)).toContain('already_extended');
  });

  it('custody history answers who had it when', async () => {
    const [cart] = await registerGoods(t, op);
    t.clock.advance(3_600_000);
    await sendGoods(t, cart, 'waitan.leader', {
      type: 'MOVE',
      custodianSquad: 'nanjingdonglu',
      storagePlace: '南京东路中队仓库',
      reason: '外滩仓库已满',
    });
    t.clock.advance(3_600_000);
    await sendGoods(t, cart, 'nanjingdonglu.leader', {
      type: 'CONFISCATE',
      decisionRef: '黄城管罚决字〔2026〕第 118 号',
    });
    const { body } = await t.as('duty').get(`/api/v1/goods/${cart}/custody`).expect(200);
    expect(
      body.items.map((c: { custodianSquad: string; until: string | null }) => [c.custodianSquad, c.until !== null]),
    ).toEqual([
      ['waitan', true],
      ['nanjingdonglu', true],
    ]);
    expect(body.items[1]).toMatchObject({ storagePlace: '南京东路中队仓库', reason: '外滩仓库已满' });
    const history = await t.as('duty').get(`/api/v1/goods/${cart}/history`).expect(200);
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'MOVE', 'CONFISCATE']);
  });
});

describe('the ledger and the list', () => {
  it('the operation’s ledger balances per unit: registered = returned + confiscated + disposed + held', async () => {
    const { body } = await t.as('duty').get(`/api/v1/operations/${op}/goods`).expect(200);
    expect(body.balanced).toBe(true);
    const { registered, returned, confiscated, disposed, held } = body.totals;
    expect(registered).toBe(returned + confiscated + disposed + held);
    expect(registered).toBeGreaterThan(0);
    const kg = body.units.find((u: { unit: string }) => u.unit === '千克');
    expect(kg.registered.quantity).toBe(
      kg.held.quantity + kg.disposed.quantity + kg.returned.quantity + kg.confiscated.quantity,
    );
  });

  it('lists by state and squad, a page at a time', async () => {
    const first = await t.as('duty').get('/api/v1/goods?state=held&squad=waitan&limit=2').expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(
      first.body.items.every(
        (i: { state: string; custodianSquad: string }) => i.state === 'held' && i.custodianSquad === 'waitan',
      ),
    ).toBe(true);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await t
      .as('duty')
      .get(`/api/v1/goods?state=held&squad=waitan&limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(next.body.items[0].id).toBeLessThan(first.body.items[1].id);
    await t.as('duty').get('/api/v1/goods?state=lost').expect(400);
  });
});

describe('notifications (R13)', () => {
  it('the custodian squad’s leaders are told when a disposal is approved or the limit extended; others are not', async () => {
    const [cart, fruit] = await registerGoods(t, op);
    await sendGoods(t, fruit, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '已变质' });
    await sendGoods(t, cart, 'commander', { type: 'EXTEND', reason: '当事人外出' });
    await t.services.outbox.drain();
    const mine = (await t.as('waitan.leader').get('/api/v1/notifications').expect(200)).body.items as Array<{
      topic: string;
      text: string;
      link?: string;
    }>;
    const goods = mine.filter((n) => n.topic.startsWith('goods.'));
    expect(goods.map((n) => n.topic)).toEqual(expect.arrayContaining(['goods.disposal_approved', 'goods.extended']));
    expect(goods.find((n) => n.topic === 'goods.disposal_approved')!.text).toContain(`#${fruit}`);
    const others = (await t.as('nanjingdonglu.leader').get('/api/v1/notifications').expect(200)).body.items as Array<{
      topic: string;
    }>;
    expect(others.filter((n) => n.topic.startsWith('goods.'))).toEqual([]);
  });
});
