import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { createOperation, planBody, resultsBody, send } from '../support/factories';
import { listRoutes } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, object> } };
const HOUR = 3_600_000;

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
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  // Every schema by its place in the document, so that references (an event union's branches) resolve.
  for (const [key, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(schema, `#/components/schemas/${key}`);
  return ajv.compile({ $ref: `#/components/schemas/${name}` });
}

describe('the OpenAPI document at /api/openapi.json', () => {
  it('is OpenAPI 3.1 and describes exactly the routes the server has', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: expect.stringContaining('Liandong') } });
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((k) => k !== 'parameters')
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    const served = listRoutes(t.app).filter((r) => / \/(api\/|healthz)/.test(r));
    expect(served).toEqual(documented);
  });

  // Bodies the document accepts must be accepted by the server (not 400), and bodies it refuses must be refused with 400.
  const planCases: Array<[string, (now: Date) => unknown, boolean]> = [
    ['a complete plan', (now) => planBody(now), true],
    ['a minimal draft', () => ({ kind: 'regular', leadSquad: 'waitan', title: '草稿' }), true],
    ['a plan without a title', (now) => ({ ...planBody(now), title: undefined }), false],
    ['a plan with an extra field', (now) => ({ ...planBody(now), colour: 'red' }), false],
    ['a plan with hours as text', (now) => ({ ...planBody(now), plannedHours: '4' }), false],
    ['a plan with a bad kind', (now) => ({ ...planBody(now), kind: 'secret' }), false],
    ['a plan with a start without offset', (now) => ({ ...planBody(now), plannedStart: '2026-12-01T09:00:00' }), false],
    [
      'a plan with fractional officers',
      (now) => ({ ...planBody(now), forces: [{ squad: 'waitan', officers: 1.5, vehicles: 0 }] }),
      false,
    ],
    ['a plan naming no hard problems', (now) => ({ ...planBody(now), problems: [] }), true],
    ['a plan naming hard problems by title', (now) => ({ ...planBody(now), problems: ['九江路口'] }), false],
  ];

  it.each(planCases)('agrees with the server on %s', async (_label, make, valid) => {
    const body = JSON.parse(JSON.stringify(make(t.clock.now())));
    const validate = validator('NewOperation');
    expect(validate(body)).toBe(valid);
    const res = await t.as('waitan.leader').post('/api/v1/operations', body);
    expect(res.status === 400).toBe(!valid);
  });

  it('agrees with the server on every event body', async () => {
    const validate = validator('Event');
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ type: 'FILE', expectedVersion: 1 }, true],
      [{ type: 'FILE' }, false],
      [{ type: 'FILE', expectedVersion: 0 }, false],
      [{ type: 'RETURN', expectedVersion: 2, reason: '补充' }, true],
      [{ type: 'RETURN', expectedVersion: 2 }, false],
      [{ type: 'COMPLETE', expectedVersion: 4, results: resultsBody() }, true],
      [{ type: 'COMPLETE', expectedVersion: 4, results: [] }, false],
      [{ type: 'COMPLETE', expectedVersion: 4, results: resultsBody(), actualEnd: 'yesterday' }, false],
      [
        {
          type: 'LOG_HOLDING_CHECK',
          expectedVersion: 5,
          date: '2026-11-04',
          officersOnPost: 2,
          reboundObserved: false,
        },
        true,
      ],
      [
        {
          type: 'LOG_HOLDING_CHECK',
          expectedVersion: 5,
          date: '04/11/2026',
          officersOnPost: 2,
          reboundObserved: false,
        },
        false,
      ],
      [{ type: 'AUDIT_FAIL', expectedVersion: 7, findings: 'x', rectification: 'y', holdingDays: 3 }, true],
      [{ type: 'TELEPORT', expectedVersion: 1 }, false],
      [{ type: 'APPROVE', expectedVersion: 2, note: '同意', extra: 1 }, false],
    ];
    const { id } = await createOperation(t);
    for (const [body, valid] of cases) {
      expect({ body, valid: validate(body) }).toEqual({ body, valid });
      const res = await t.as('duty').post(`/api/v1/operations/${id}/events`, body);
      expect({ body, refusedAsInput: res.status === 400 }).toEqual({ body, refusedAsInput: !valid });
    }
  });

  it('documents the event types the machine takes', () => {
    const json = JSON.stringify(doc.components.schemas.Event);
    for (const type of [
      'FILE',
      'APPROVE',
      'RETURN',
      'CANCEL',
      'START',
      'LOG_INCIDENT',
      'COMPLETE',
      'LOG_HOLDING_CHECK',
      'SPOT_CHECK',
      'HOLDING_ELAPSED',
      'AUDIT_PASS',
      'AUDIT_FAIL',
    ]) {
      expect(json).toContain(`"${type}"`);
    }
  });

  it('describes the success bodies the server really sends (an operation with state, version and allowedEvents)', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    t.clock.advance(HOUR);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body;
    // With the document's formats: a bare validator ignores each one, and says so at length in the log.
    const validate = validator('Operation');
    expect(validate(op) ? [] : validate.errors).toEqual([]);
  });

  it('describes the history the server sends: each step with its hash, and whether the chain verifies', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body;
    expect(history).toMatchObject({ verified: true, firstBadSeq: null });
    expect(history.items.map((h: { hash: string }) => h.hash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    const validate = validator('History');
    expect({ valid: validate(history), errors: validate.errors }).toEqual({ valid: true, errors: null });
  });
});
