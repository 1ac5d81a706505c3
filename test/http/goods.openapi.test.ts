import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { operationIn } from '../support/factories';
import { goodsBody } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let op: number;
let doc: { components: { schemas: Record<string, object> }; paths: Record<string, unknown> };

beforeAll(async () => {
  t = await startTestApp();
  op = (await operationIn(t, 'in_progress')).id;
  doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
});
afterAll(async () => {
  await t.close();
});

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  // Every schema by its place in the document, so that references (an event union's branches) resolve.
  for (const [key, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(schema, `#/components/schemas/${key}`);
  return ajv.compile({ $ref: `#/components/schemas/${name}` });
}

describe('the OpenAPI document agrees with the server on detained goods (R13)', () => {
  it('describes every goods path', () => {
    for (const path of [
      '/api/v1/goods',
      '/api/v1/goods/{id}',
      '/api/v1/goods/{id}/events',
      '/api/v1/goods/{id}/history',
      '/api/v1/goods/{id}/custody',
      '/api/v1/operations/{id}/goods',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it.each<[string, (op: number) => Record<string, unknown>, boolean]>([
    ['a party with two items', (o) => goodsBody(o), true],
    ['no items', (o) => goodsBody(o, { items: [] }), false],
    [
      'an item without a unit',
      (o) => goodsBody(o, { items: [{ description: '桌子', quantity: 1, storagePlace: '仓库' }] }),
      false,
    ],
    ['a party without a stall', (o) => goodsBody(o, { party: { name: '李某' } }), false],
    ['an extra field', (o) => ({ ...goodsBody(o), colour: 'red' }), false],
  ])('NewGoods: %s', async (_label, make, valid) => {
    const body = make(op);
    expect(validator('NewGoods')(body)).toBe(valid);
    const res = await t.as('waitan.leader').post('/api/v1/goods', body);
    expect({ refusedAsInput: res.status === 400 }).toEqual({ refusedAsInput: !valid });
    if (valid) {
      for (const item of res.body.items) expect(validator('Goods')(item)).toBe(true);
      const ledger = await t.as('duty').get(`/api/v1/operations/${op}/goods`).expect(200);
      expect(validator('GoodsLedger')(ledger.body)).toBe(true);
    }
  });

  it('events', () => {
    const v = validator('GoodsEvent');
    expect(v({ type: 'RETURN_TO_OWNER', expectedVersion: 1, receivedBy: '王某' })).toBe(true);
    expect(v({ type: 'DISPOSE', expectedVersion: 2, method: 'destroyed' })).toBe(true);
    expect(v({ type: 'DISPOSE', expectedVersion: 2, method: 'eaten' })).toBe(false);
    expect(v({ type: 'EXTEND', expectedVersion: 2 })).toBe(false);
    expect(v({ type: 'MOVE', expectedVersion: 2, custodianSquad: 'nanjingdonglu', storagePlace: '仓库' })).toBe(true);
  });
});
