import { operationSimplePaths } from '../support/operation-model';
import { createOperation, eventBody, SENDER, systemActorOf } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
/** How far the clock moves before each event, as real time would. */
const WAIT: Record<string, number> = {
  START: 25 * HOUR,
  COMPLETE: 5 * HOUR,
  HOLDING_ELAPSED: 8 * 24 * HOUR,
  AUDIT_PASS: HOUR,
  AUDIT_FAIL: HOUR,
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const paths = operationSimplePaths().filter((p) => p.events.length > 0);

describe('model-based: every simple path of the operation machine, driven through the HTTP API', () => {
  it('finds the paths through returns, cancellations, holding and a failed audit', () => {
    expect(paths.length).toBeGreaterThanOrEqual(25);
    const ends = new Set(paths.map((p) => p.states.at(-1)));
    expect([...ends].sort()).toEqual([
      'approved',
      'awaiting_audit',
      'cancelled',
      'closed',
      'draft',
      'filed',
      'holding',
      'in_progress',
    ]);
  });

  it.each(paths.map((p) => [p.events.join(' → '), p] as const))('%s', async (_name, path) => {
    const { id } = await createOperation(t);
    let version = 1;
    let state = 'draft';
    for (let i = 0; i < path.events.length; i++) {
      const type = path.events[i];
      t.clock.advance(WAIT[type] ?? 0);
      if (type === 'HOLDING_ELAPSED') {
        version = (
          await t.services.engine.send(
            t.services.workflows.operation,
            id,
            await systemActorOf(t),
            { type },
            { expectedVersion: version },
          )
        ).version;
      } else {
        const sender = type === 'CANCEL' ? (state === 'draft' ? 'waitan.leader' : 'duty') : SENDER[type];
        const res = await t.as(sender).post(`/api/v1/operations/${id}/events`, {
          type,
          expectedVersion: version,
          ...eventBody(type, t.clock.now()),
        });
        expect({ step: i, type, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
          step: i,
          type,
          status: 200,
          body: undefined,
        });
        version = res.body.version;
      }
      const op = (await t.as('commander').get(`/api/v1/operations/${id}`).expect(200)).body;
      expect({ step: i, state: op.state, version: op.version }).toEqual({
        step: i,
        state: path.states[i],
        version: i + 2,
      });
      const history = (await t.as('commander').get(`/api/v1/operations/${id}/history`).expect(200)).body.items;
      expect(history).toHaveLength(i + 2);
      expect(history.at(-1)).toMatchObject({ seq: i + 2, event: type, from: state, to: path.states[i] });
      state = path.states[i];
    }
  });
});
