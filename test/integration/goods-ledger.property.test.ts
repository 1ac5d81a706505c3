import type { Principal } from '../../src/domain/org/org.service';
import { AppError } from '../../src/errors';
import { operationIn } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * R13, 防止"糊涂账": whatever happens to an operation's goods, in whatever
 * order, by whoever tries, its ledger balances and says exactly what a
 * hand-kept account says. Random sequences of custody steps (a seeded PRNG,
 * so a failure is replayed by its seed) go through the real service, engine
 * and database; refused steps are part of the mix and must change nothing.
 */

let t: TestApp;
const SEEDS = [1, 7, 42, 2026];
const STEPS = 45;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** mulberry32: small, seeded, good enough to choose steps. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

interface ModelItem {
  id: number;
  unit: string;
  quantity: number;
  state: 'held' | 'returned' | 'confiscated' | 'disposed';
  custodian: 'waitan' | 'nanjingdonglu';
  approved: boolean;
  extended: boolean;
}

const UNITS = ['件', '辆', '千克'];
const round = (n: number) => Math.round(n * 1000) / 1000;

describe('the ledger of an operation always balances (R13)', () => {
  it.each(SEEDS)('seed %i', async (seed) => {
    const r = prng(seed);
    const op = (await operationIn(t, 'in_progress')).id;
    const who = async (u: string): Promise<Principal> => t.services.org.authenticateToken(t.token(u));
    const goods = t.services.goods;
    const model: ModelItem[] = [];
    let refused = 0;

    for (let step = 0; step < STEPS; step++) {
      const held = model.filter((i) => i.state === 'held');
      const kind =
        held.length === 0 || r.next() < 0.2
          ? 'register'
          : r.pick(['return', 'confiscate', 'approve', 'dispose', 'extend', 'move', 'stranger'] as const);
      const item = held.length ? r.pick(held) : undefined;
      const leaderOf = (i: ModelItem) => `${i.custodian}.leader`;
      try {
        switch (kind) {
          case 'register': {
            const n = r.int(1, 3);
            const items = Array.from({ length: n }, () => ({
              description: `物品${step}`,
              quantity: r.pick([1, 2, 3, 0.5, 12.25]),
              unit: r.pick(UNITS),
              perishable: r.next() < 0.3,
              custodianSquad: r.pick(['waitan', 'nanjingdonglu'] as const),
              storagePlace: '仓库',
            }));
            const { itemIds } = await goods.register(await who(r.pick(['waitan.leader', 'nanjingdonglu.leader'])), {
              operationId: op,
              party: { name: `当事人${step}`, stall: `摊位${step}` },
              items,
            });
            itemIds.forEach((id, k) =>
              model.push({
                id,
                unit: items[k].unit,
                quantity: items[k].quantity,
                state: 'held',
                custodian: items[k].custodianSquad,
                approved: false,
                extended: false,
              }),
            );
            break;
          }
          case 'return':
            await goods.send(await who(leaderOf(item!)), item!.id, { type: 'RETURN_TO_OWNER', receivedBy: '本人' });
            item!.state = 'returned';
            break;
          case 'confiscate':
            await goods.send(await who(leaderOf(item!)), item!.id, { type: 'CONFISCATE', decisionRef: `决字${step}` });
            item!.state = 'confiscated';
            break;
          case 'approve':
            await goods.send(await who(r.pick(['duty', 'commander'])), item!.id, {
              type: 'APPROVE_DISPOSAL',
              method: 'destroyed',
              reason: '已变质',
            });
            if (item!.approved) throw new Error('a second approval was accepted');
            item!.approved = true;
            break;
          case 'dispose':
            // Without approval this must be refused (and change nothing).
            await goods.send(await who(leaderOf(item!)), item!.id, { type: 'DISPOSE', method: 'destroyed' });
            if (!item!.approved) throw new Error('disposed of without approval');
            item!.state = 'disposed';
            break;
          case 'extend':
            await goods.send(await who('duty'), item!.id, { type: 'EXTEND', reason: '当事人外出' });
            if (item!.extended) throw new Error('extended twice');
            item!.extended = true;
            break;
          case 'move': {
            const to = item!.custodian === 'waitan' ? 'nanjingdonglu' : 'waitan';
            await goods.send(await who(leaderOf(item!)), item!.id, {
              type: 'MOVE',
              custodianSquad: to,
              storagePlace: `${to}仓库`,
            });
            item!.custodian = to;
            break;
          }
          case 'stranger':
            // Someone who may not: another squad's leader, an officer.
            await goods.send(await who(r.pick(['yuyuan.leader', 'waitan.officer'])), item!.id, {
              type: 'RETURN_TO_OWNER',
              receivedBy: '本人',
            });
            throw new Error('a stranger returned goods');
        }
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        refused++;
      }

      const ledger = await goods.ledger(await who('duty'), op);
      expect(ledger.balanced).toBe(true);
      const { registered, returned, confiscated, disposed, held: stillHeld } = ledger.totals;
      expect(registered).toBe(returned + confiscated + disposed + stillHeld);
      // …and it is the account kept by hand, per unit and outcome.
      for (const unit of UNITS) {
        const mine = model.filter((i) => i.unit === unit);
        const line = ledger.lines.find((l) => l.unit === unit);
        if (!mine.length) {
          expect(line).toBeUndefined();
          continue;
        }
        for (const state of ['held', 'returned', 'confiscated', 'disposed'] as const) {
          const of = mine.filter((i) => i.state === state);
          expect({ seed, step, unit, state, ...line![state] }).toEqual({
            seed,
            step,
            unit,
            state,
            count: of.length,
            quantity: round(of.reduce((n, i) => n + i.quantity, 0)),
          });
        }
        expect(line!.registered).toEqual({
          count: mine.length,
          quantity: round(mine.reduce((n, i) => n + i.quantity, 0)),
        });
      }
    }
    expect(model.length).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(0);
  });
});
