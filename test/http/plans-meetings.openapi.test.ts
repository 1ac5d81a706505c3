import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { groupPlanBody, sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let doc: { components: { schemas: Record<string, object> } };

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
  // Every schema by its place in the document, so that references (an event union's branches) resolve.
  for (const [key, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(schema, `#/components/schemas/${key}`);
  return ajv.compile({ $ref: `#/components/schemas/${name}` });
}

describe('the OpenAPI document agrees with the server on plans (R5) and meetings (R9)', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['a complete plan', groupPlanBody('2026-12'), true],
    ['a bare draft', { group: 'south', month: '2026-12' }, true],
    ['a plan without a month', { group: 'west' }, false],
    ['a plan for month 13', { group: 'west', month: '2026-13' }, false],
    ['a planned operation without a day', { group: 'west', month: '2026-12', operations: [{ title: 'x' }] }, false],
    [
      'a plan with an extra field',
      { ...groupPlanBody('2027-01', { group: 'oldcity', operations: [] }), colour: 'red' },
      false,
    ],
  ])('NewGroupPlan: %s', async (_label, body, valid) => {
    expect(validator('NewGroupPlan')(body)).toBe(valid);
    const leader =
      { north: 'waitan', oldcity: 'yuyuan', south: 'wuliqiao', west: 'xintiandi' }[String(body.group)] ?? 'waitan';
    const res = await t.as(`${leader}.leader`).post('/api/v1/group-plans', body);
    expect({ status: res.status, refusedAsInput: res.status === 400 }).toMatchObject({ refusedAsInput: !valid });
    if (valid) expect(validator('GroupPlan')(res.body)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    [
      'a group meeting',
      { kind: 'group', group: 'north', plannedStart: sh('2026-11-20T14:00:00'), agenda: '联动内容' },
      true,
    ],
    ['an HQ meeting', { kind: 'hq_summary', plannedStart: sh('2026-12-20T09:00:00'), agenda: '总结' }, true],
    ['a meeting without an agenda', { kind: 'group', group: 'north', plannedStart: sh('2026-11-20T14:00:00') }, false],
    [
      'a meeting at a local time without offset',
      { kind: 'group', group: 'north', plannedStart: '2026-11-20T14:00:00', agenda: 'x' },
      false,
    ],
    ['a meeting of an unknown kind', { kind: 'party', plannedStart: sh('2026-11-20T14:00:00'), agenda: 'x' }, false],
  ])('NewMeeting: %s', async (_label, body, valid) => {
    expect(validator('NewMeeting')(body)).toBe(valid);
    const res = await t.as(body.kind === 'hq_summary' ? 'duty' : 'waitan.leader').post('/api/v1/meetings', body);
    expect({ refusedAsInput: res.status === 400 }).toEqual({ refusedAsInput: !valid });
    if (valid) expect(validator('Meeting')(res.body)).toBe(true);
  });

  it('events and the rotation', async () => {
    const plan = validator('GroupPlanEvent');
    expect(plan({ type: 'FILE', expectedVersion: 1 })).toBe(true);
    expect(plan({ type: 'RETURN', expectedVersion: 2 })).toBe(false);
    expect(plan({ type: 'APPROVE', expectedVersion: 2 })).toBe(false);
    const meeting = validator('MeetingEvent');
    expect(meeting({ type: 'RECORD', expectedVersion: 1, attendeeSquads: ['waitan'], minutes: '纪要' })).toBe(true);
    expect(meeting({ type: 'RECORD', expectedVersion: 1, attendeeSquads: ['waitan'] })).toBe(false);
    expect(meeting({ type: 'CANCEL', expectedVersion: 1, reason: '台风' })).toBe(true);
    const rotation = (await t.as('duty').get('/api/v1/meetings/rotation?group=north').expect(200)).body;
    expect(validator('Rotation')(rotation)).toBe(true);
    await t.as('duty').get('/api/v1/meetings/rotation').expect(400);
  });
});
