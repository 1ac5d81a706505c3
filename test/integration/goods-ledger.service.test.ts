import type { Principal } from '../../src/domain/org/org.service';
import type { EventInput, PlanInput } from '../../src/domain/operations/operation.inputs';
import { planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * R13's ledger asked of GoodsService directly (no HTTP): goods registered here
 * by two squads of one operation, some dealt with; every count and quantity
 * below is worked out by hand from them.
 */

let t: TestApp;
const HOUR = 3_600_000;
const start = new Date('2026-03-05T01:00:00.000Z');

async function as(username: string): Promise<Principal> {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

let operationId: number;
let version: number;
let waitan: Principal;
let nanjing: Principal;
/** Waitan's party: a tricycle (1 件, returned), two sunshades (2 件, held), 12.5 kg of fruit (confiscated). */
let waitanItems: number[];
/** East Nanjing Road's party: three shelves (3 件, held). */
let nanjingItems: number[];

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-04T00:00:00.000Z' });
  waitan = await as('waitan.leader');
  nanjing = await as('nanjingdonglu.leader');
  const plan = planBody(t.clock.now(), {
    group: 'north',
    leadSquad: 'waitan',
    hostSquad: 'waitan',
    squads: ['waitan', 'nanjingdonglu'],
    forces: [
      { squad: 'waitan', officers: 5, vehicles: 1 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
    ],
    plannedStart: start.toISOString(),
    plannedHours: 4,
  }) as unknown as PlanInput;
  operationId = await t.services.operations.create(waitan, plan);
  const ops = t.services.operations;
  version = (await ops.send(waitan, operationId, { type: 'FILE', expectedVersion: 1 })).version;
  version = (await ops.send(await as('duty'), operationId, { type: 'APPROVE', expectedVersion: version })).version;
  t.clock.set(new Date(start.getTime() + HOUR));
  version = (
    await ops.send(waitan, operationId, { type: 'START', expectedVersion: version, actualStart: start.toISOString() })
  ).version;
  // R13: registered on the spot, while the operation is under way.
  waitanItems = (
    await t.services.goods.register(waitan, {
      operationId,
      party: { name: '王某', stall: '南京东路流动摊' },
      items: [
        { description: '三轮车', quantity: 1, unit: '件', storagePlace: '中队暂扣物品仓库' },
        { description: '遮阳伞', quantity: 2, unit: '件', storagePlace: '中队暂扣物品仓库' },
        { description: '水果', quantity: 12.5, unit: '千克', perishable: true, storagePlace: '中队冷藏柜' },
      ],
    })
  ).itemIds;
  nanjingItems = (
    await t.services.goods.register(nanjing, {
      operationId,
      party: { name: '李某', stall: '九江路流动摊' },
      items: [{ description: '货架', quantity: 3, unit: '件', storagePlace: '中队暂扣物品仓库' }],
    })
  ).itemIds;
  t.clock.set(new Date(start.getTime() + 3 * HOUR));
  await t.services.goods.send(waitan, waitanItems[0], { type: 'RETURN_TO_OWNER', receivedBy: '当事人本人' });
  await t.services.goods.send(waitan, waitanItems[2], { type: 'CONFISCATE', decisionRef: '黄城管罚〔2026〕12号' });
});

afterAll(async () => {
  await t.close();
});

const zero = { count: 0, quantity: 0 };

describe('an operation’s goods ledger (R13), asked of the domain', () => {
  it('accounts per unit: registered = returned + confiscated + disposed + held, in count and quantity', async () => {
    const ledger = await t.services.goods.ledger(waitan, operationId);
    expect(ledger.lines).toEqual(
      [
        {
          unit: '件',
          registered: { count: 3, quantity: 6 },
          returned: { count: 1, quantity: 1 },
          confiscated: zero,
          disposed: zero,
          held: { count: 2, quantity: 5 },
        },
        {
          unit: '千克',
          registered: { count: 1, quantity: 12.5 },
          returned: zero,
          confiscated: { count: 1, quantity: 12.5 },
          disposed: zero,
          held: zero,
        },
      ].sort((a, b) => (a.unit < b.unit ? -1 : 1)),
    );
    expect(ledger.totals).toEqual({ registered: 4, returned: 1, confiscated: 1, disposed: 0, held: 2 });
    expect(ledger.unitsBalance).toBe(true);
  });

  it('gives each party its items and how many are still held, and each squad what it registered (no results yet: nothing to disagree)', async () => {
    const ledger = await t.services.goods.ledger(waitan, operationId);
    expect(ledger.parties.map((p) => [p.party.name, p.items, p.held])).toEqual([
      ['王某', 3, 1],
      ['李某', 1, 1],
    ]);
    expect(ledger.squads.map((s) => [s.code, s.registered, s.reported])).toEqual([
      ['waitan', 3, null],
      ['nanjingdonglu', 1, null],
    ]);
    expect([ledger.resultsAgree, ledger.balanced]).toEqual([true, true]);
  });

  it('keeps the results and the ledger one story: results say what was registered, and goods registered after them are counted in', async () => {
    t.clock.set(new Date(start.getTime() + 5 * HOUR));
    // The goods detained are left out: the results take them from the ledger.
    const results = [
      { squad: 'waitan', officers: 5, vehicles: 1, educated: 4, handled: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1, educated: 3, handled: 1 },
    ];
    const input = {
      type: 'COMPLETE',
      expectedVersion: version,
      actualEnd: new Date(start.getTime() + 4 * HOUR).toISOString(),
      results,
    };
    await t.services.operations.send(waitan, operationId, input as EventInput);
    let ledger = await t.services.goods.ledger(waitan, operationId);
    expect(ledger.squads.map((s) => [s.code, s.registered, s.reported])).toEqual([
      ['waitan', 3, 3],
      ['nanjingdonglu', 1, 1],
    ]);
    // In holding, a squad still registers what it detained; its results follow the ledger.
    await t.services.goods.register(nanjing, {
      operationId,
      party: { name: '李某', stall: '九江路流动摊' },
      items: [{ description: '音箱', quantity: 1, unit: '件', storagePlace: '中队暂扣物品仓库' }],
    });
    ledger = await t.services.goods.ledger(waitan, operationId);
    expect(ledger.squads.map((s) => [s.code, s.registered, s.reported])).toEqual([
      ['waitan', 3, 3],
      ['nanjingdonglu', 2, 2],
    ]);
    expect(ledger.totals).toEqual({ registered: 5, returned: 1, confiscated: 1, disposed: 0, held: 3 });
    expect([ledger.unitsBalance, ledger.resultsAgree, ledger.balanced]).toEqual([true, true, true]);
    expect(ledger.parties.map((p) => [p.party.name, p.items, p.held])).toEqual([
      ['王某', 3, 1],
      ['李某', 1, 1],
      ['李某', 1, 1],
    ]);
  });

  it('lists the items by custodian and state (newest first), the host squad keeping what every squad detained', async () => {
    const held = await t.services.goods.list(waitan, { operation: operationId, state: 'held' });
    expect(held.items.map((i) => i.id)).toEqual([...held.items.map((i) => i.id)].sort((a, b) => b - a));
    expect(held.items.map((i) => i.description)).toEqual(['音箱', '货架', '遮阳伞']);
    expect((await t.services.goods.list(waitan, { operation: operationId, squad: 'waitan' })).items).toHaveLength(5);
    expect(
      (await t.services.goods.list(waitan, { operation: operationId, squad: 'nanjingdonglu' })).items,
    ).toHaveLength(0);
    expect(held.items.map((i) => i.id)).toContain(nanjingItems[0]);
  });
});
