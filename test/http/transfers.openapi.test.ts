import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';
import { materials, proposeTransfer, registerCase } from '../support/transfers';

let t: TestApp;
let doc: { paths: Record<string, object>; components: { schemas: Record<string, object> } };

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
  doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
});
afterAll(async () => {
  await t.close();
});

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  for (const [key, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(schema, `#/components/schemas/${key}`);
  return ajv.compile({ $ref: `#/components/schemas/${name}` });
}

describe('the OpenAPI document agrees with the server on cases and transfers (R10)', () => {
  it('documents the paths', () => {
    for (const path of [
      '/api/v1/cases',
      '/api/v1/cases/{id}',
      '/api/v1/transfers',
      '/api/v1/transfers/{id}',
      '/api/v1/transfers/{id}/events',
      '/api/v1/transfers/{id}/history',
    ]) {
      expect(doc.paths[path]).toBeDefined();
    }
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    [
      'a case',
      { reference: 'oa-1', partyKind: 'stall', partyName: '摊主', violation: '占道', location: '福州路' },
      true,
    ],
    [
      'a case with its date',
      {
        reference: 'oa-2',
        partyKind: 'person',
        partyName: '张某',
        violation: '占道',
        location: '福州路',
        openedOn: '2026-11-01',
      },
      true,
    ],
    [
      'a case without a number',
      { partyKind: 'stall', partyName: '摊主', violation: '占道', location: '福州路' },
      false,
    ],
    [
      'a case with a party of another kind',
      { reference: 'oa-3', partyKind: 'company', partyName: '某公司', violation: '占道', location: '福州路' },
      false,
    ],
    [
      'a case on 31 February-ish',
      {
        reference: 'oa-4',
        partyKind: 'stall',
        partyName: '摊主',
        violation: '占道',
        location: '福州路',
        openedOn: '2026-1-5',
      },
      false,
    ],
    [
      'a case with an extra field',
      {
        reference: 'oa-5',
        partyKind: 'stall',
        partyName: '摊主',
        violation: '占道',
        location: '福州路',
        colour: 'red',
      },
      false,
    ],
  ])('NewCase: %s', async (_label, body, valid) => {
    expect(validator('NewCase')(body)).toBe(valid);
    const res = await t.as('waitan.leader').post('/api/v1/cases', body);
    expect({ refusedAsInput: res.status === 400 }).toEqual({ refusedAsInput: !valid });
    if (valid) expect(validator('Case')(res.body)).toBe(true);
  });

  it('NewTransfer and Transfer: what the document accepts the server takes; a bad body is refused by both', async () => {
    const caseId = await registerCase(t);
    const good = { case: caseId, toSquad: 'nanjingdonglu', materials: materials(), note: '对方辖区' };
    expect(validator('NewTransfer')(good)).toBe(true);
    for (const bad of [
      { ...good, materials: [{ code: 'x', count: 'two' }] },
      { ...good, toSquad: undefined },
      { ...good, extra: 1 },
    ]) {
      const body = JSON.parse(JSON.stringify(bad));
      expect(validator('NewTransfer')(body)).toBe(false);
      expect((await t.as('waitan.leader').post('/api/v1/transfers', body)).status).toBe(400);
    }
    const res = await t.as('waitan.leader').post('/api/v1/transfers', good).expect(201);
    expect(validator('Transfer')(res.body)).toBe(true);
    expect(validator('Case')((await t.as('waitan.leader').get(`/api/v1/cases/${caseId}`)).body)).toBe(true);
  });

  it('events and pages', async () => {
    const event = validator('TransferEvent');
    expect(event({ type: 'ACCEPT', expectedVersion: 1 })).toBe(true);
    expect(event({ type: 'DISPUTE', expectedVersion: 1 })).toBe(false);
    expect(event({ type: 'DESIGNATE', expectedVersion: 2, squad: 'yuyuan', reason: '属地' })).toBe(true);
    expect(event({ type: 'DESIGNATE', expectedVersion: 2, reason: '属地' })).toBe(false);
    expect(event({ type: 'WITHDRAW', expectedVersion: 1, reason: '误送' })).toBe(true);
    await proposeTransfer(t, await registerCase(t));
    const transfers = (await t.as('duty').get('/api/v1/transfers').expect(200)).body;
    for (const item of transfers.items) expect(validator('TransferSummary')(item)).toBe(true);
    const cases = (await t.as('duty').get('/api/v1/cases').expect(200)).body;
    for (const item of cases.items) expect(validator('CaseSummary')(item)).toBe(true);
  });
});
