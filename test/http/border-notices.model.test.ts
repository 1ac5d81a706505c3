import { borderNoticeSimplePaths } from '../support/border-notice-model';
import { startTestApp, type TestApp } from '../support/test-app';

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

const body = (type: string): Record<string, unknown> =>
  ({
    TO_PROBLEM: { problem: { category: 'street_vending', title: '九江路口流动设摊' } },
    TO_PLAN: { plan: { title: '九江路口不定期联动' } },
    CLOSE: { reason: '已由外滩中队单独处置完毕' },
  })[type]!;

const paths = borderNoticeSimplePaths().filter((p) => p.events.length > 0);

describe('model-based: every simple path of the border-notice machine (R8), driven through the HTTP API', () => {
  it('finds a path to each thing a notice can become', () => {
    expect(paths.map((p) => p.states.at(-1)).sort()).toEqual(['became_plan', 'became_problem', 'closed']);
  });

  it.each(paths.map((p) => [p.events.join(' → '), p] as const))('%s', async (_name, path) => {
    const sent = await t
      .as('waitan.officer')
      .post('/api/v1/border-notices', {
        location: '九江路·河南中路口',
        what: '流动摊贩在两中队交界处来回流窜',
        squads: ['waitan', 'nanjingdonglu'],
      })
      .expect(201);
    const id = sent.body.id as number;
    let version = 1;
    let state = 'sent';
    for (let i = 0; i < path.events.length; i++) {
      const type = path.events[i];
      // What the page offers is what the API takes: the group's squad leader is offered this step, the sender is not.
      expect(
        (await t.as('nanjingdonglu.leader').get(`/api/v1/border-notices/${id}`).expect(200)).body.allowedEvents,
      ).toContain(type);
      expect((await t.as('waitan.officer').get(`/api/v1/border-notices/${id}`).expect(200)).body.allowedEvents).toEqual(
        [],
      );
      const res = await t
        .as('nanjingdonglu.leader')
        .post(`/api/v1/border-notices/${id}/events`, { type, expectedVersion: version, ...body(type) });
      expect({ step: i, type, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
        step: i,
        type,
        status: 200,
        body: undefined,
      });
      version = res.body.version;
      const shown = (await t.as('commander').get(`/api/v1/border-notices/${id}`).expect(200)).body;
      expect({ step: i, state: shown.state, version: shown.version, allowed: shown.allowedEvents }).toEqual({
        step: i,
        state: path.states[i],
        version: i + 2,
        allowed: [],
      });
      const history = (await t.as('commander').get(`/api/v1/border-notices/${id}/history`).expect(200)).body.items;
      expect(history.at(-1)).toMatchObject({ seq: i + 2, event: type, from: state, to: path.states[i] });
      // What it became exists, made in the same step.
      if (type === 'TO_PROBLEM')
        expect((await t.as('duty').get(`/api/v1/problems/${res.body.problemId}`).expect(200)).body).toMatchObject({
          source: 'notification',
          fromNotice: id,
        });
      if (type === 'TO_PLAN')
        expect(
          (await t.as('nanjingdonglu.leader').get(`/api/v1/operations/${res.body.operationId}`).expect(200)).body,
        ).toMatchObject({ state: 'draft', kind: 'ad_hoc' });
      state = path.states[i];
    }
  });
});
