import { initialTransition } from 'xstate';
import { caseTransferMachine } from '../../workflows/case-transfer';
import { sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  MODEL_ACTORS,
  MODEL_BODIES,
  MODEL_INPUT,
  allowedByModel,
  transferSimplePaths,
} from '../support/transfer-model';
import { proposeTransfer, registerCase } from '../support/transfers';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
});
afterAll(async () => {
  await t.close();
});

const paths = transferSimplePaths().filter((p) => p.steps.length > 0);
const HANDLING: Record<string, string> = {
  transferred: 'nanjingdonglu',
  designated: 'yuyuan',
  withdrawn: 'waitan',
  proposed: 'waitan',
  disputed: 'waitan',
};

/** What the API says each model person may send now. */
async function allowedByApi(id: number): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const username of Object.keys(MODEL_ACTORS))
    out[username] = (await t.as(username).get(`/api/v1/transfers/${id}`).expect(200)).body.allowedEvents.sort();
  return out;
}

describe('model-based: every simple path of the case transfer machine, driven through the HTTP API', () => {
  it('finds the paths to every end: transferred, withdrawn, and designated through a dispute', () => {
    expect(paths.map((p) => p.steps.map((s) => `${s.type}(${s.sender})`).join(' → ')).sort()).toEqual([
      'ACCEPT(nanjingdonglu.leader)',
      'DISPUTE(nanjingdonglu.leader)',
      'DISPUTE(nanjingdonglu.leader) → DESIGNATE(legal)',
      'WITHDRAW(waitan.leader)',
    ]);
  });

  it.each(paths.map((p) => [p.steps.map((s) => s.type).join(' → '), p] as const))('%s', async (_name, path) => {
    const caseId = await registerCase(t);
    const id = await proposeTransfer(t, caseId);
    // In the proposal, before any step: the API's buttons are the model's.
    expect(await allowedByApi(id)).toEqual(allowedByModel(initialTransition(caseTransferMachine, MODEL_INPUT)[0]));
    let version = 1;
    for (const [i, step] of path.steps.entries()) {
      const res = await t.as(step.sender).post(`/api/v1/transfers/${id}/events`, {
        type: step.type,
        expectedVersion: version,
        ...MODEL_BODIES[step.type],
      });
      expect({ i, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({
        i,
        status: 200,
        body: undefined,
      });
      version = res.body.version;
      const tr = (await t.as('commander').get(`/api/v1/transfers/${id}`).expect(200)).body;
      expect({ i, state: tr.state, version: tr.version, handling: tr.case.handlingSquad }).toEqual({
        i,
        state: step.state,
        version: i + 2,
        handling: HANDLING[step.state],
      });
      expect(await allowedByApi(id)).toEqual(step.allowed);
      const history = (await t.as('commander').get(`/api/v1/transfers/${id}/history`).expect(200)).body.items;
      expect(history.map((h: { event: string }) => h.event)).toEqual([
        'CREATE',
        ...path.steps.slice(0, i + 1).map((s) => s.type),
      ]);
    }
    // Whatever the end, nothing more is taken: every event, by the one who could send it in another state, is refused with 409
    // (anyone else is refused with 403 before the state is told: issue 11, finding 8).
    const sender: Record<string, string> = {
      ACCEPT: 'nanjingdonglu.leader',
      DISPUTE: 'nanjingdonglu.leader',
      DESIGNATE: 'legal',
      WITHDRAW: 'waitan.leader',
    };
    for (const type of Object.keys(MODEL_BODIES)) {
      const res = await t
        .as(sender[type])
        .post(`/api/v1/transfers/${id}/events`, { type, expectedVersion: version, ...MODEL_BODIES[type] });
      if (path.steps.at(-1)!.state !== 'disputed') expect({ type, status: res.status }).toEqual({ type, status: 409 });
    }
  });
});
