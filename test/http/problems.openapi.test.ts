import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { problemBody, reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let doc: { components: { schemas: Record<string, object> } };

beforeAll(async () => {
  t = await startTestApp();
  doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
});
afterAll(async () => {
  await t.close();
});

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  // The whole document as one schema, so that `#/components/schemas/…` references resolve.
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  return ajv.getSchema(`openapi#/components/schemas/${name}`)!;
}

describe('the OpenAPI document agrees with the server on hard problems (§3.4) and border notifications (R8)', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['a complete report', problemBody({ location: '开放接口·一' }), true],
    [
      'a hotline report',
      problemBody({ location: '开放接口·二', source: 'hotline_12319', hotlineRef: '12319-1', complainant: '王' }),
      true,
    ],
    ['a report without squads', { ...problemBody(), squads: undefined }, false],
    ['a report from an unknown source', problemBody({ source: 'rumour' }), false],
    ['a report of an unknown kind', problemBody({ category: 'noise' }), false],
    ['a report with an extra field', { ...problemBody(), colour: 'red' }, false],
  ])('NewHardProblem: %s', async (_label, body, valid) => {
    const clean = JSON.parse(JSON.stringify(body));
    expect(validator('NewHardProblem')(clean)).toBe(valid);
    const res = await t.as('waitan.officer').post('/api/v1/problems', clean);
    expect({ refusedAsInput: res.status === 400 }).toEqual({ refusedAsInput: !valid });
    if (valid) {
      expect(res.status).toBe(201);
      expect(validator('HardProblem')(res.body)).toBe(true);
    }
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ['a notice', { location: '九江路口', what: '流窜', squads: ['waitan', 'nanjingdonglu'] }, true],
    ['a notice with one squad', { location: '九江路口', what: '流窜', squads: ['waitan'] }, false],
    [
      'a notice seen at a local time without offset',
      { location: '九江路口', what: '流窜', squads: ['waitan', 'nanjingdonglu'], seenAt: '2026-11-01T09:00:00' },
      false,
    ],
  ])('NewBorderNotice: %s', async (_label, body, valid) => {
    expect(validator('NewBorderNotice')(body)).toBe(valid);
    const res = await t.as('waitan.officer').post('/api/v1/border-notices', body);
    expect({ refusedAsInput: res.status === 400 }).toEqual({ refusedAsInput: !valid });
    if (valid) expect(validator('BorderNotice')(res.body)).toBe(true);
  });

  it('events', async () => {
    const problem = validator('HardProblemEvent');
    expect(problem({ type: 'ACCEPT', expectedVersion: 1 })).toBe(true);
    expect(problem({ type: 'MERGE', expectedVersion: 1, into: 3 })).toBe(true);
    expect(problem({ type: 'MERGE', expectedVersion: 1 })).toBe(false);
    expect(problem({ type: 'RESOLVE', expectedVersion: 2 })).toBe(false);
    expect(problem({ type: 'REBOUND', expectedVersion: 3, origin: 'inspector', note: '回潮' })).toBe(true);
    expect(problem({ type: 'REBOUND', expectedVersion: 3, origin: 'rumour', note: '回潮' })).toBe(false);
    expect(problem({ type: 'RECORD_CALLBACK', expectedVersion: 3, caller: '李队', outcome: 'satisfied' })).toBe(true);
    const notice = validator('BorderNoticeEvent');
    expect(notice({ type: 'TO_PROBLEM', expectedVersion: 1 })).toBe(true);
    expect(notice({ type: 'TO_PLAN', expectedVersion: 1, plan: { title: 'x' } })).toBe(true);
    expect(notice({ type: 'CLOSE', expectedVersion: 1 })).toBe(false);
    // The body the document accepts, the server takes.
    const { id } = await reportProblem(t, { location: '开放接口·三' });
    const res = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${id}/events`, { type: 'ACCEPT', expectedVersion: 1 })
      .expect(200);
    expect(res.body.state).toBe('open');
    const list = await t.as('duty').get('/api/v1/problems?limit=2').expect(200);
    const summary = validator('HardProblemSummary');
    expect(list.body.items.every((x: unknown) => summary(x))).toBe(true);
    expect(typeof list.body.nextCursor).toBe('string');
    const next = await t.as('duty').get(`/api/v1/problems?limit=2&cursor=${list.body.nextCursor}`).expect(200);
    expect(next.body.items[0].id).toBeLessThan(list.body.items[1].id);
  });
});
