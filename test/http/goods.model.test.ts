import { operationIn } from '../support/factories';
import { goodsSimplePaths } from '../support/goods-model';
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

const paths = goodsSimplePaths().filter((p) => p.events.length > 0);

/** A payload that satisfies each event's rules. */
const BODY: Record<string, Record<string, unknown>> = {
  RETURN_TO_OWNER: { receivedBy: '王某' },
  CONFISCATE: { decisionRef: '黄城管罚决字〔2026〕第 7 号' },
  APPROVE_DISPOSAL: { method: 'destroyed', reason: '已变质' },
  DISPOSE: { method: 'destroyed' },
  EXTEND: { reason: '当事人外出' },
  MOVE: { custodianSquad: 'nanjingdonglu', storagePlace: '南京东路中队仓库' },
};

describe('model-based: every simple path of the goods machine, driven through the HTTP API', () => {
  it('finds the paths to each outcome, through approval, extension and a hand-over', () => {
    expect(paths.length).toBeGreaterThanOrEqual(40);
    expect(new Set(paths.map((p) => p.states.at(-1)))).toEqual(
      new Set(['held', 'returned', 'confiscated', 'disposed']),
    );
    // No path disposes of goods before their disposal was approved.
    const disposals = paths.filter((p) => p.events.includes('DISPOSE'));
    expect(disposals.length).toBeGreaterThan(0);
    for (const p of disposals) expect(p.events.slice(0, p.events.indexOf('DISPOSE'))).toContain('APPROVE_DISPOSAL');
  });

  it.each(paths.map((p) => [p.events.join(' → '), p] as const))('%s', async (_name, path) => {
    const reg = await t.as('waitan.leader').post('/api/v1/goods', {
      operation: op,
      party: { name: '王某', stall: '九江路口' },
      items: [{ description: '三轮车', quantity: 1, unit: '辆', storagePlace: '外滩中队仓库' }],
    });
    expect(reg.status).toBe(201);
    const id = reg.body.items[0].id as number;
    let version = 1;
    let custodian = 'waitan';
    let state = 'held';
    for (let i = 0; i < path.events.length; i++) {
      const type = path.events[i];
      const sender = ['APPROVE_DISPOSAL', 'EXTEND'].includes(type) ? 'duty' : `${custodian}.leader`;
      const item = (await t.as(sender).get(`/api/v1/goods/${id}`).expect(200)).body;
      // allowedEvents, the buttons and the API agree: the event the model takes is offered to its sender.
      expect({ step: i, offered: item.allowedEvents.includes(type) }).toEqual({ step: i, offered: true });
      const res = await t
        .as(sender)
        .post(`/api/v1/goods/${id}/events`, { type, expectedVersion: version, ...BODY[type] });
      expect({ step: i, type, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
        step: i,
        type,
        status: 200,
        body: undefined,
      });
      version = res.body.version;
      if (type === 'MOVE') custodian = 'nanjingdonglu';
      const after = (await t.as('commander').get(`/api/v1/goods/${id}`).expect(200)).body;
      expect({ step: i, state: after.state, version: after.version, custodian: after.custodianSquad }).toEqual({
        step: i,
        state: path.states[i],
        version: i + 2,
        custodian,
      });
      const history = (await t.as('commander').get(`/api/v1/goods/${id}/history`).expect(200)).body.items;
      expect(history.at(-1)).toMatchObject({ seq: i + 2, event: type, from: state, to: path.states[i] });
      state = path.states[i];
    }
    // Whatever the path, the operation's ledger still balances.
    expect((await t.as('duty').get(`/api/v1/operations/${op}/goods`).expect(200)).body.balanced).toBe(true);
  });
});
