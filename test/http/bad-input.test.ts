import request from 'supertest';
import { createOperation, planBody, resultsBody, rowCounts, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** Sends a raw body and checks the status, the error code, the fields named, and that nothing was written. */
async function refused(
  path: string,
  body: string | object,
  expected: { status: number; code: string; fields?: string[] },
  opts: { as?: string; contentType?: string; method?: 'post' | 'patch' } = {},
) {
  const before = await rowCounts(t);
  let req = request(t.app)
    [opts.method ?? 'post'](path)
    .set('Authorization', `Bearer ${t.token(opts.as ?? 'waitan.leader')}`);
  req = req.set('Content-Type', opts.contentType ?? 'application/json');
  const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: expected.status, code: expected.code });
  expect(res.body.error.message).toEqual(expect.any(String));
  if (expected.fields) expect(Object.keys(res.body.error.fields).sort()).toEqual([...expected.fields].sort());
  expect(await rowCounts(t)).toEqual(before);
  return res;
}

describe('creating a plan with bad input: a 4xx naming every bad field, and nothing written', () => {
  const path = '/api/v1/operations';

  it('malformed JSON', async () => {
    await refused(path, '{"kind": "regular", "title": ', { status: 400, code: 'malformed_json' });
  });

  it('a body that is not JSON', async () => {
    await refused(
      path,
      'kind=regular',
      { status: 400, code: 'unsupported_media_type' },
      { contentType: 'application/x-www-form-urlencoded' },
    );
  });

  it('a JSON array instead of an object', async () => {
    await refused(path, '[]', { status: 400, code: 'invalid_input', fields: ['_'] });
  });

  it('missing required fields', async () => {
    const res = await refused(path, {}, { status: 400, code: 'invalid_input', fields: ['kind', 'leadSquad', 'title'] });
    expect(res.body.error.fields.kind).toBe('必填');
  });

  it('wrong types', async () => {
    const body = planBody(t.clock.now(), {
      plannedHours: 'four',
      holdingDays: 2.5,
      squads: 'waitan',
      forces: [{ squad: 'waitan', officers: -1, vehicles: 0 }],
    });
    const res = await refused(path, body, {
      status: 400,
      code: 'invalid_input',
      fields: ['plannedHours', 'holdingDays', 'squads', 'forces.0.officers'],
    });
    expect(res.body.error.fields.plannedHours).toContain('number');
  });

  it('values outside the lists', async () => {
    await refused(path, planBody(t.clock.now(), { kind: 'secret', problemSource: 'rumour' }), {
      status: 400,
      code: 'invalid_input',
      fields: ['kind', 'problemSource'],
    });
  });

  it('a date without an offset, and a date that is not one', async () => {
    await refused(path, planBody(t.clock.now(), { plannedStart: '2026-11-20 09:00' }), {
      status: 400,
      code: 'invalid_input',
      fields: ['plannedStart'],
    });
    await refused(path, planBody(t.clock.now(), { plannedStart: '2026-13-45T25:00:00Z' }), {
      status: 400,
      code: 'invalid_input',
      fields: ['plannedStart'],
    });
  });

  it('unknown squad and group codes', async () => {
    await refused(path, planBody(t.clock.now(), { hostSquad: 'atlantis' }), {
      status: 400,
      code: 'invalid_input',
      fields: ['hostSquad'],
    });
    const res = await refused(path, planBody(t.clock.now(), { group: 'nowhere' }), {
      status: 400,
      code: 'invalid_input',
      fields: ['group'],
    });
    expect(res.body.error.fields.group).toContain('nowhere');
  });

  it('a field the API does not know (a typo is not silently dropped)', async () => {
    await refused(path, planBody(t.clock.now(), { plannedHour: 5 }), {
      status: 400,
      code: 'invalid_input',
      fields: ['plannedHour'],
    });
  });

  it('a huge body', async () => {
    const res = await refused(path, planBody(t.clock.now(), { situation: 'x'.repeat(400_000) }), {
      status: 413,
      code: 'payload_too_large',
    });
    expect(res.body.error.message).toBe('请求体过大');
  });

  it('a text over its limit', async () => {
    await refused(path, planBody(t.clock.now(), { title: '长'.repeat(201) }), {
      status: 400,
      code: 'invalid_input',
      fields: ['title'],
    });
  });

  it('a plan that makes no sense even as a draft is refused by the rule (422)', async () => {
    const res = await refused(path, planBody(t.clock.now(), { squads: ['waitan', 'yuyuan'], forces: [] }), {
      status: 422,
      code: 'rule_violation',
      fields: ['squads'],
    });
    expect(res.body.error.problems[0]).toMatchObject({ code: 'squads_outside_group', rule: 'R3' });
  });
});

describe('sending events with bad input', () => {
  let id: number;
  let version: number;

  beforeAll(async () => {
    ({ id } = await createOperation(t));
    version = await send(t, id, 1, 'FILE');
    version = await send(t, id, version, 'APPROVE');
    t.clock.advance(24 * HOUR);
    version = await send(t, id, version, 'START');
    t.clock.advance(5 * HOUR);
  });

  const path = () => `/api/v1/operations/${id}/events`;

  it('an unknown event type', async () => {
    await refused(
      path(),
      { type: 'TELEPORT', expectedVersion: version },
      { status: 400, code: 'invalid_input', fields: ['type'] },
    );
  });

  it('no expectedVersion', async () => {
    await refused(
      path(),
      { type: 'COMPLETE', results: resultsBody() },
      { status: 400, code: 'invalid_input', fields: ['expectedVersion'] },
    );
  });

  it('results with wrong types and missing numbers', async () => {
    await refused(
      path(),
      {
        type: 'COMPLETE',
        expectedVersion: version,
        results: [{ squad: 'waitan', officers: '5', vehicles: 1, handled: 1, goodsDetained: -1 }],
      },
      {
        status: 400,
        code: 'invalid_input',
        fields: ['results.0.officers', 'results.0.educated', 'results.0.goodsDetained'],
      },
    );
  });

  it('results for an unknown squad', async () => {
    const results = resultsBody();
    results[0].squad = 'atlantis';
    await refused(
      path(),
      { type: 'COMPLETE', expectedVersion: version, results },
      { status: 400, code: 'invalid_input', fields: ['results'] },
    );
  });

  it('an actual end in the future (422, the field named)', async () => {
    const future = new Date(t.clock.now().getTime() + HOUR).toISOString();
    const res = await refused(
      path(),
      { type: 'COMPLETE', expectedVersion: version, results: resultsBody(), actualEnd: future },
      { status: 422, code: 'rule_violation', fields: ['actualEnd'] },
    );
    expect(res.body.error.fields.actualEnd).toBe('时间不能晚于现在');
  });

  it('a return without a reason, on a plan that is not filed, is refused by the input check first', async () => {
    await refused(
      path(),
      { type: 'RETURN', expectedVersion: version, reason: '   ' },
      { status: 400, code: 'invalid_input', fields: ['reason'] },
      { as: 'duty' },
    );
  });

  it('an incident of an unknown type', async () => {
    await refused(
      path(),
      {
        type: 'LOG_INCIDENT',
        expectedVersion: version,
        incidentType: 'alien',
        severity: 'minor',
        description: 'x',
        response: 'y',
      },
      { status: 400, code: 'invalid_input', fields: ['incidentType'] },
      { as: 'waitan.officer' },
    );
  });

  it('a record id that is not a number', async () => {
    await refused(
      '/api/v1/operations/12abc/events',
      { type: 'FILE', expectedVersion: 1 },
      { status: 404, code: 'not_found' },
    );
  });

  it('after all these refusals the operation is where it was, and then completes', async () => {
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(op).toMatchObject({ state: 'in_progress', version });
    await send(t, id, version, 'COMPLETE');
  });
});
