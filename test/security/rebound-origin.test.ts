import { startTestApp, type TestApp } from '../support/test-app';
import { operationIn, systemActorOf } from '../support/factories';
import { reportProblem, sendProblem } from '../support/problems';
import { signedIn } from '../support/web';

/**
 * Issue 11, finding 9 — a rebound's origin follows who reports it (§3.4):
 * `inspector` only from inspectors, `holding` from the squads at the border
 * (or the host squad holding an operation of the problem), `complaint` from
 * the hotline feed and the managers.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

let n = 0;
/** A problem at the border of `squads`, accepted and resolved by a leader of the first. */
async function resolvedProblem(squads = ['waitan', 'nanjingdonglu']): Promise<{ id: number; version: number }> {
  const { id } = await reportProblem(t, { location: `回潮来源测试 ${++n} 号路口`, squads }, `${squads[0]}.officer`);
  let v = await sendProblem(t, id, 1, 'ACCEPT', {}, `${squads[0]}.leader`);
  v = await sendProblem(t, id, v, 'RESOLVE', { note: '已清理' }, `${squads[0]}.leader`);
  return { id, version: v };
}

const rebound = (as: string, id: number, version: number, origin: string) =>
  t
    .as(as)
    .post(`/api/v1/problems/${id}/events`, { type: 'REBOUND', expectedVersion: version, origin, note: '摊位又回来了' });

describe('who may say where a rebound was found', () => {
  it('an officer of a squad at the border cannot record a rebound as found by an inspector; found in holding they may', async () => {
    const { id, version } = await resolvedProblem();
    const posing = await rebound('waitan.officer', id, version, 'inspector').expect(422);
    expect(posing.body.error.problems).toEqual([
      expect.objectContaining({ code: 'rebound_origin_not_yours', field: 'origin' }),
    ]);
    expect(posing.body.error.fields).toHaveProperty('origin');
    // Nothing was written.
    expect((await t.as('duty').get(`/api/v1/problems/${id}`).expect(200)).body).toMatchObject({
      state: 'resolved',
      version,
      repeatCount: 0,
    });
    await rebound('waitan.officer', id, version, 'complaint').expect(422);
    await rebound('waitan.officer', id, version, 'holding').expect(200);
    const seen = (await t.as('duty').get(`/api/v1/problems/${id}`).expect(200)).body;
    expect(seen.rebounds).toEqual([expect.objectContaining({ origin: 'holding', by: 'waitan.officer' })]);
  });

  it('a squad leader at the border reports what their holding found, not a complaint nor an inspector’s finding', async () => {
    const { id, version } = await resolvedProblem();
    await rebound('nanjingdonglu.leader', id, version, 'inspector').expect(422);
    await rebound('nanjingdonglu.leader', id, version, 'complaint').expect(422);
    await rebound('nanjingdonglu.leader', id, version, 'holding').expect(200);
  });

  it('a manager records a new complaint, never what an inspector or the holding found', async () => {
    const { id, version } = await resolvedProblem();
    await rebound('duty', id, version, 'inspector').expect(422);
    await rebound('commander', id, version, 'holding').expect(422);
    await rebound('duty', id, version, 'complaint').expect(200);
  });

  it('an inspector says an inspector found it, nothing else', async () => {
    const { id, version } = await resolvedProblem();
    await rebound('inspector', id, version, 'holding').expect(422);
    await rebound('inspector', id, version, 'complaint').expect(422);
    await rebound('inspector', id, version, 'inspector').expect(200);
  });

  it('a squad away from the border neither holds the site nor may say it did', async () => {
    const { id, version } = await resolvedProblem();
    const res = await rebound('yuyuan.officer', id, version, 'holding').expect(403);
    expect(res.body.error.reason).toBe('not_border_squad_inspector_or_manager');
  });

  it('the API and the problem’s page offer each user only the origins they may give', async () => {
    const { id } = await resolvedProblem();
    expect((await t.as('waitan.officer').get(`/api/v1/problems/${id}`).expect(200)).body.reboundOrigins).toEqual([
      'holding',
    ]);
    expect((await t.as('inspector').get(`/api/v1/problems/${id}`).expect(200)).body.reboundOrigins).toEqual([
      'inspector',
    ]);
    expect((await t.as('duty').get(`/api/v1/problems/${id}`).expect(200)).body.reboundOrigins).toEqual(['complaint']);
    const options = (html: string) => {
      const form = /<form[^>]*events\/REBOUND[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
      return [...form.matchAll(/<option value="(\w+)"/g)].map((m) => m[1]).filter((v) => v !== '');
    };
    expect(options((await (await signedIn(t, 'waitan.officer')).get(`/problems/${id}`).expect(200)).text)).toEqual([
      'holding',
    ]);
    expect(options((await (await signedIn(t, 'inspector')).get(`/problems/${id}`).expect(200)).text)).toEqual([
      'inspector',
    ]);
    expect(options((await (await signedIn(t, 'duty')).get(`/problems/${id}`).expect(200)).text)).toEqual(['complaint']);
  });
});

describe('a rebound seen in the holding check of an operation of the problem (R12)', () => {
  /** Carries an operation hosted by waitan that targets and resolved `problem` to holding; returns it with today's holding day. */
  async function holdingOperationOf(problem: { id: number; version: number }, resolver: string) {
    const { id, version } = await operationIn(t, 'holding', { problems: [problem.id] });
    await sendProblem(t, problem.id, problem.version, 'RESOLVE', { note: '整治后清零', operation: id }, resolver);
    const op = (await t.as('waitan.leader').get(`/api/v1/operations/${id}`).expect(200)).body;
    return { id, version, today: op.coverage.days[0] as string };
  }

  async function openProblem(squads: string[]) {
    const { id } = await reportProblem(t, { location: `固守回潮测试 ${++n} 号`, squads }, `${squads[0]}.officer`);
    return { id, version: await sendProblem(t, id, 1, 'ACCEPT', {}, `${squads[0]}.leader`) };
  }

  const check = (as: string, op: { id: number; version: number; today: string }, problemId: number) =>
    t.as(as).post(`/api/v1/operations/${op.id}/events`, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: op.version,
      date: op.today,
      officersOnPost: 2,
      reboundObserved: true,
      notes: '傍晚又见三个摊位',
      reboundProblem: problemId,
    });

  it('the host squad at the problem’s border reopens it from its check, origin holding', async () => {
    const problem = await openProblem(['waitan', 'nanjingdonglu']);
    const op = await holdingOperationOf(problem, 'waitan.leader');
    await check('waitan.officer', op, problem.id).expect(200);
    const seen = (await t.as('duty').get(`/api/v1/problems/${problem.id}`).expect(200)).body;
    expect(seen).toMatchObject({ state: 'open', repeatCount: 1 });
    expect(seen.rebounds).toEqual([expect.objectContaining({ origin: 'holding', by: 'waitan.officer' })]);
  });

  it('a host squad holding the site of a problem at other squads’ border reports its rebound too, while it holds', async () => {
    // The problem lies between nanjinglu-walk and bund-scenic; waitan hosted the operation that resolved it and holds the site.
    const problem = await openProblem(['bund-scenic', 'nanjinglu-walk']);
    const op = await holdingOperationOf(problem, 'bund-scenic.leader');
    const resolved = (await t.as('waitan.leader').get(`/api/v1/problems/${problem.id}`).expect(200)).body;
    expect(resolved.allowedEvents).toContain('REBOUND');
    expect(resolved.reboundOrigins).toEqual(['holding']);
    await check('waitan.leader', op, problem.id).expect(200);
    const seen = (await t.as('duty').get(`/api/v1/problems/${problem.id}`).expect(200)).body;
    expect(seen).toMatchObject({ state: 'open', repeatCount: 1 });
    expect(seen.rebounds).toEqual([expect.objectContaining({ origin: 'holding', by: 'waitan.leader' })]);
    // Holding over, the host squad is no longer the one that finds it there.
    await sendProblem(t, problem.id, seen.version, 'RESOLVE', { note: '再次清理' }, 'bund-scenic.leader');
    t.clock.advance(8 * 24 * 3_600_000);
    const elapsed = await t.services.engine.send(t.services.workflows.operation, op.id, await systemActorOf(t), {
      type: 'HOLDING_ELAPSED',
    });
    expect(elapsed.state).toBe('awaiting_audit');
    const again = (await t.as('waitan.officer').get(`/api/v1/problems/${problem.id}`).expect(200)).body;
    expect(again.allowedEvents).not.toContain('REBOUND');
    await rebound('waitan.officer', problem.id, again.version, 'holding').expect(403);
  });
});
