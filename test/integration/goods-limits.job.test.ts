import { goodsLimitsJob } from '../../src/jobs/goods-limits.job';
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
  (await t.services.db.manager.find(Flag, { where: { rule: 'R13', status: 'open' }, order: { id: 'ASC' } }))
    .map((f) => `${f.kind} ${f.recordId}`)
    .sort();
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
    // The flags list filters by the goods kinds too, on the API and on the page.
    const listed = await t.as('duty').get('/api/v1/flags?kind=goods_past_limit&status=open').expect(200);
    expect(listed.body.items.map((f: { kind: string; record: { id: number } }) => `${f.kind} ${f.record.id}`)).toEqual([
      `goods_past_limit ${fruit}`,
    ]);
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

describe('the job reads the held items in the transaction that syncs their flags', () => {
  const principal = (username: string) => t.services.org.authenticateToken(t.token(username));
  const flagged = async (id: number) => (await open()).filter((f) => f.endsWith(` ${id}`));

  /**
   * Returns the item to its owner in a transaction of its own that is still
   * open when the job starts; then commits it, or not. The job is run as
   * itself (not through the runner, whose own log write would wait its turn
   * and so hide when the job reads).
   */
  async function returnedWhileTheJobStarts(id: number, outcome: 'commit' | 'rollback', runId: number) {
    const leader = await principal('waitan.leader');
    const brigade = await t.services.org.brigadeByCode('huangpu');
    let job!: ReturnType<typeof goodsLimitsJob.runFor>;
    const step = t.services.db.transaction(async (m) => {
      await t.services.engine.send(
        t.services.goodsWorkflow,
        id,
        leader,
        { type: 'RETURN_TO_OWNER', receivedBy: '王某' },
        { tx: m },
      );
      job = goodsLimitsJob.runFor({ services: t.services, now: t.clock.now(), runId }, brigade);
      // Long enough for the job to reach its read of the held items.
      await new Promise((r) => setTimeout(r, 300));
      if (outcome === 'rollback') throw new Error('the return is not completed');
    });
    await (outcome === 'rollback' ? expect(step).rejects.toThrow('not completed') : step);
    return job;
  }

  it('an item returned while the job starts is seen as returned once that commits: no flag for goods dealt with', async () => {
    const [item] = await registerGoods(t, (await operationIn(t, 'in_progress')).id);
    // A run while it is well within its limit: nothing of it flagged yet (its log row is the one the job below reports to).
    const { id: runId } = await run();
    expect(await flagged(item)).toEqual([]);
    t.clock.advance(31 * DAY);
    const job = await returnedWhileTheJobStarts(item, 'commit', runId);
    await job;
    expect((await t.as('duty').get(`/api/v1/goods/${item}`)).body.state).toBe('returned');
    expect(await flagged(item)).toEqual([]);
  });

  it('a return that does not complete leaves the item held past its limit, and the job flags it', async () => {
    const [item] = await registerGoods(t, (await operationIn(t, 'in_progress')).id);
    // A run while it is well within its limit: nothing of it flagged yet (its log row is the one the job below reports to).
    const { id: runId } = await run();
    expect(await flagged(item)).toEqual([]);
    t.clock.advance(31 * DAY);
    const job = await returnedWhileTheJobStarts(item, 'rollback', runId);
    await job;
    expect((await t.as('duty').get(`/api/v1/goods/${item}`)).body.state).toBe('held');
    expect(await flagged(item)).toEqual([`goods_past_limit ${item}`]);
  });
});
