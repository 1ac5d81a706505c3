import { Flag } from '../../src/persistence/entities';
import { operationIn } from '../support/factories';
import { registerGoods, sendGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let cart: number;
let fruit: number;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  t = await startTestApp();
  const op = (await operationIn(t, 'in_progress')).id;
  [cart, fruit] = await registerGoods(t, op);
});
afterAll(async () => {
  await t.close();
});

const run = () => t.services.jobs.run('goods-limits', { via: 'cli' });
const open = async () =>
  (await t.services.db.manager.find(Flag, { where: { rule: 'R13', status: 'open' }, order: { id: 'ASC' } })).map((f) => `${f.kind} ${f.recordId}`).sort();
const lightOf = async (id: number) => (await t.as('duty').get(`/api/v1/goods/${id}`)).body.light;

describe('the goods-limits job (R13), with the clock moved', () => {
  it('is registered, and finds nothing while every item is well within its limit', async () => {
    const r = await run();
    expect(r.status).toBe('ok');
    expect(await open()).toEqual([]);
  });

  it('a perishable is flagged once 80 % of its short limit is gone (about ten hours before it), while ordinary goods are still green', async () => {
    t.clock.advance(2 * DAY - 6 * HOUR);
    await run();
    expect(await open()).toEqual([`goods_near_limit ${fruit}`]);
    expect([await lightOf(fruit), await lightOf(cart)]).toEqual(['amber', 'green']);
  });

  it('past the perishable’s limit the flag says so; running again changes nothing (idempotent)', async () => {
    t.clock.advance(7 * HOUR);
    const first = await run();
    expect(await open()).toEqual([`goods_past_limit ${fruit}`]);
    expect(first.did).toBeGreaterThan(0);
    const again = await run();
    expect(again.did).toBe(0);
    expect(await t.services.db.manager.count(Flag, { where: { rule: 'R13' } })).toBe(2);
    expect(await lightOf(fruit)).toBe('red');
  });

  it('disposing of the perishable resolves its flag by data', async () => {
    await sendGoods(t, fruit, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '已腐烂' });
    await sendGoods(t, fruit, 'waitan.leader', { type: 'DISPOSE', method: 'destroyed' });
    await run();
    expect(await open()).toEqual([]);
  });

  it('ordinary goods: amber from day 24 of 30 (80 %); an extension before the limit moves it and clears the flag; the extended limit is watched like the first', async () => {
    // Registered 2 days and an hour ago: 23 days in, still green; a day later (past 24 of 30), amber and flagged.
    t.clock.advance(21 * DAY);
    await run();
    expect([await lightOf(cart), await open()]).toEqual(['green', []]);
    t.clock.advance(DAY);
    await run();
    expect([await lightOf(cart), await open()]).toEqual(['amber', [`goods_near_limit ${cart}`]]);
    t.clock.advance(4 * DAY);
    await run();
    expect(await open()).toEqual([`goods_near_limit ${cart}`]);
    // R13: extended while the limit still runs (never after it).
    await sendGoods(t, cart, 'commander', { type: 'EXTEND', reason: '当事人住院，暂不能领回' });
    expect(await lightOf(cart)).toBe('green');
    await run();
    expect(await open()).toEqual([]);
    // The extended limit (60 days) is watched like the first: near it from day 48 (here day 55), past it after day 60.
    t.clock.advance(27 * DAY);
    await run();
    expect(await open()).toEqual([`goods_near_limit ${cart}`]);
    t.clock.advance(5 * DAY);
    await run();
    expect([await lightOf(cart), await open()]).toEqual(['red', [`goods_past_limit ${cart}`]]);
  });
});
