import { hardProblemSimplePaths } from '../support/hard-problem-model';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let survivor: number;

beforeAll(async () => {
  t = await startTestApp();
  survivor = (await reportProblem(t, { location: '模型测试·并入目标', source: 'hotline_12319' })).id;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** Each event as its usual sender sends it through the API. */
const SENDER: Record<string, string> = {
  ACCEPT: 'waitan.leader',
  MERGE: 'nanjingdonglu.leader',
  RESOLVE: 'waitan.leader',
  REBOUND: 'inspector',
  RECORD_CALLBACK: 'duty',
};
const body = (type: string): Record<string, unknown> =>
  ({
    ACCEPT: {},
    MERGE: { into: survivor },
    RESOLVE: { note: '整治后清零' },
    REBOUND: { origin: 'inspector', note: '督察发现回潮' },
    RECORD_CALLBACK: { caller: '李队', outcome: 'satisfied' },
  })[type]!;

const paths = hardProblemSimplePaths().filter((p) => p.events.length > 0);

describe('model-based: every simple path of the hard-problem machine, driven through the HTTP API', () => {
  it('finds the paths through acceptance, merging, resolution, rebounds and the call-back', () => {
    expect(paths.length).toBeGreaterThanOrEqual(8);
    expect([...new Set(paths.map((p) => p.states.at(-1)))].sort()).toEqual(['merged', 'open', 'resolved']);
    expect(paths.some((p) => p.events.filter((e) => e === 'REBOUND').length === 2)).toBe(true);
  });

  it.each(paths.map((p) => [p.events.join(' → '), p] as const))('%s', async (_name, path) => {
    const { id } = await reportProblem(t, {
      source: 'hotline_12319',
      location: `模型测试 ${path.events.join(' ')}`,
      hotlineRef: '12319-9',
      complainant: '王',
    });
    let version = 1;
    let state = 'reported';
    for (let i = 0; i < path.events.length; i++) {
      const type = path.events[i];
      const res = await t
        .as(SENDER[type])
        .post(`/api/v1/problems/${id}/events`, { type, expectedVersion: version, ...body(type) });
      expect({ step: i, type, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
        step: i,
        type,
        status: 200,
        body: undefined,
      });
      version = res.body.version;
      const p = (await t.as('commander').get(`/api/v1/problems/${id}`).expect(200)).body;
      expect({ step: i, state: p.state, version: p.version }).toEqual({
        step: i,
        state: path.states[i],
        version: i + 2,
      });
      expect(p.repeatCount).toBe(path.events.slice(0, i + 1).filter((e) => e === 'REBOUND').length);
      const history = (await t.as('commander').get(`/api/v1/problems/${id}/history`).expect(200)).body.items;
      expect(history.at(-1)).toMatchObject({ seq: i + 2, event: type, from: state, to: path.states[i] });
      state = path.states[i];
    }
  });
});
