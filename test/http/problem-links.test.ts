import { setPlanProblems } from '../../src/domain/problems/hard-problem.service';
import { createOperation, operationIn, send } from '../support/factories';
import { reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

/**
 * §3.4: what a plan targets and what resolved a problem are two things. The
 * plan's targets are the plan's (an edit replaces them); "resolved by" is the
 * problem's history and no edit of any plan takes it away.
 */

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

const ids = (items: Array<{ id: number }>) => items.map((x) => x.id);
const problemOf = async (id: number) => (await t.as('duty').get(`/api/v1/problems/${id}`).expect(200)).body;
const operationOf = async (id: number) =>
  (await t.as('waitan.leader').get(`/api/v1/operations/${id}`).expect(200)).body;
const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');
/** The HTML of the element marked `data-testid="<id>"` (to its first closing tag of the same name). */
const block = (html: string, testid: string) => {
  const m = new RegExp(`<(\\w+)[^>]*data-testid="${testid}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m ? m[2] : '';
};

describe('plan targets and "resolved by" are separate links (§3.4)', () => {
  it('an operation that did not target a problem resolves it: it is listed as what resolved it, not as a target, and an edit of another plan that drops the problem keeps the resolution', async () => {
    const p = await reportProblem(t, { location: '中山东一路·汉口路口' });
    await sendProblem(t, p.id, 1, 'ACCEPT');
    const plan = await createOperation(t, { title: '汉口路口整治（计划）', problems: [p.id] });
    const resolver = await operationIn(t, 'in_progress', { title: '外滩夜间联合整治' });
    await sendProblem(t, p.id, 2, 'RESOLVE', { note: '夜间整治后清零', operation: resolver.id });

    let problem = await problemOf(p.id);
    expect(ids(problem.operations)).toEqual([plan.id]);
    expect(problem.resolvedBy).toEqual([
      expect.objectContaining({ id: resolver.id, title: '外滩夜间联合整治', state: 'in_progress' }),
    ]);
    expect(problem.resolutions).toEqual([expect.objectContaining({ note: '夜间整治后清零', operation: resolver.id })]);
    // Resolving with it does not make the problem a target of the resolving operation's plan.
    expect(await operationOf(resolver.id)).toMatchObject({ problems: [], resolvedProblems: [p.id] });

    // The plan still on paper drops the problem: its target goes, the resolution stays.
    await send(t, plan.id, 1, 'EDIT_PLAN', { plan: { problems: [] } }, 'waitan.leader');
    expect(await operationOf(plan.id)).toMatchObject({ problems: [], resolvedProblems: [] });
    problem = await problemOf(p.id);
    expect(problem.operations).toEqual([]);
    expect(ids(problem.resolvedBy)).toEqual([resolver.id]);
    expect(problem.resolutions.map((r: { operation: number | null }) => r.operation)).toEqual([resolver.id]);
    expect((await operationOf(resolver.id)).resolvedProblems).toEqual([p.id]);

    // The pages say the same: the problem's two lists, the operation's card marked as resolved here, not targeted.
    const web = await signIn(t, 'waitan.leader');
    const page = decode((await web.get(`/problems/${p.id}`).expect(200)).text);
    expect(page).not.toContain('data-testid="targeted-by"');
    // (By the brigade's number of its plan, not its database id.)
    expect(block(page, 'resolved-by')).toMatch(/〔2026〕第 \d+ 号 外滩夜间联合整治/);
    expect(block(page, 'resolutions')).toContain(`href="/operations/${resolver.id}"`);
    const opPage = (await web.get(`/operations/${resolver.id}`).expect(200)).text;
    const card = new RegExp(`<li class="card" data-problem="${p.id}">([\\s\\S]*?)</li>`).exec(opPage)?.[1] ?? '';
    expect(card).toContain('data-testid="resolved-here"');
    expect(card).not.toContain('data-testid="targeted"');
    expect((await web.get(`/operations/${plan.id}`).expect(200)).text).not.toContain(`data-problem="${p.id}"`);
  });

  it('the operation that targeted and resolved a problem is listed both ways; its plan’s targets replaced keep the resolution', async () => {
    const p = await reportProblem(t, { location: '中山东一路·九江路口' });
    await sendProblem(t, p.id, 1, 'ACCEPT');
    const op = await operationIn(t, 'holding', { title: '九江路口整治', problems: [p.id] });
    await sendProblem(t, p.id, 2, 'RESOLVE', { note: '整治后固守', operation: op.id });
    let problem = await problemOf(p.id);
    expect(ids(problem.operations)).toEqual([op.id]);
    expect(ids(problem.resolvedBy)).toEqual([op.id]);
    expect(await operationOf(op.id)).toMatchObject({ problems: [p.id], resolvedProblems: [p.id] });
    const web = await signIn(t, 'waitan.leader');
    const card =
      new RegExp(`<li class="card" data-problem="${p.id}">([\\s\\S]*?)</li>`).exec(
        (await web.get(`/operations/${op.id}`).expect(200)).text,
      )?.[1] ?? '';
    expect(card).toContain('data-testid="targeted"');
    expect(card).toContain('data-testid="resolved-here"');

    // What an edit of the plan does to its targets (a carried-out plan is no longer edited; the step is the same).
    const brigade = await t.services.org.brigadeByCode('huangpu');
    await t.services.db.transaction((m) => setPlanProblems(m, brigade.id, op.id, [], t.clock.now()));
    problem = await problemOf(p.id);
    expect(problem.operations).toEqual([]);
    expect(ids(problem.resolvedBy)).toEqual([op.id]);
    expect(await operationOf(op.id)).toMatchObject({ problems: [], resolvedProblems: [p.id] });
  });

  it('a problem resolved, reopened and resolved again by two operations lists both, oldest first', async () => {
    const p = await reportProblem(t, { location: '中山东一路·福州路口' });
    let v = await sendProblem(t, p.id, 1, 'ACCEPT');
    const first = await operationIn(t, 'in_progress', { title: '福州路口整治一' });
    v = await sendProblem(t, p.id, v, 'RESOLVE', { note: '第一次整治', operation: first.id });
    v = await sendProblem(t, p.id, v, 'REBOUND', { origin: 'inspector', note: '回潮' }, 'inspector');
    const second = await operationIn(t, 'in_progress', { title: '福州路口整治二' });
    await sendProblem(t, p.id, v, 'RESOLVE', { note: '第二次整治' });
    v = (await problemOf(p.id)).version;
    v = await sendProblem(t, p.id, v, 'REBOUND', { origin: 'inspector', note: '又回潮' }, 'inspector');
    await sendProblem(t, p.id, v, 'RESOLVE', { note: '第三次整治', operation: second.id });
    const problem = await problemOf(p.id);
    expect(ids(problem.resolvedBy)).toEqual([first.id, second.id]);
    expect(problem.resolutions.map((r: { operation: number | null }) => r.operation)).toEqual([
      first.id,
      null,
      second.id,
    ]);
    expect(problem.operations).toEqual([]);
  });
});

describe('a merge hands the duplicate’s links to the survivor (§3.4)', () => {
  it('the plans that targeted the duplicate now target the survivor, and the duplicate keeps none: no operation lists both', async () => {
    const survivor = await reportProblem(t, { location: '南京东路·河南中路口' });
    const duplicate = await reportProblem(t, { location: '南京东路河南中路口', source: 'media' });
    const onlyDuplicate = await createOperation(t, { title: '只针对重复登记的计划', problems: [duplicate.id] });
    const both = await createOperation(t, { title: '两个都列的计划', problems: [survivor.id, duplicate.id] });
    await sendProblem(t, duplicate.id, 1, 'MERGE', { into: survivor.id });

    expect((await operationOf(onlyDuplicate.id)).problems).toEqual([survivor.id]);
    expect((await operationOf(both.id)).problems).toEqual([survivor.id]);
    expect((await problemOf(duplicate.id)).operations).toEqual([]);
    expect(ids((await problemOf(survivor.id)).operations).sort((a, b) => a - b)).toEqual([onlyDuplicate.id, both.id]);

    const web = await signIn(t, 'waitan.leader');
    for (const op of [onlyDuplicate, both]) {
      const page = (await web.get(`/operations/${op.id}`).expect(200)).text;
      expect(page).toContain(`data-problem="${survivor.id}"`);
      expect(page).not.toContain(`data-problem="${duplicate.id}"`);
    }
    const dupPage = (await web.get(`/problems/${duplicate.id}`).expect(200)).text;
    expect(dupPage).not.toContain('data-testid="targeted-by"');
    expect(block((await web.get(`/problems/${survivor.id}`).expect(200)).text, 'targeted-by')).toContain(
      `data-operation="${onlyDuplicate.id}"`,
    );
  });
});

describe('a reopened problem (§3.4)', () => {
  it('shows no current resolvedAt once a rebound reopens it; its resolutions stay in its history, on the API, the list and its page', async () => {
    const p = await reportProblem(t, { location: '北京东路·江西中路口' });
    let v = await sendProblem(t, p.id, 1, 'ACCEPT');
    v = await sendProblem(t, p.id, v, 'RESOLVE', { note: '第一次整治后清零' });
    const resolved = await problemOf(p.id);
    const resolvedAt = resolved.resolvedAt;
    expect(resolvedAt).not.toBeNull();
    expect(resolvedAt).toBe(resolved.resolutions[0].at);
    const listed = async () =>
      (await t.as('duty').get('/api/v1/problems?q=北京东路·江西中路口').expect(200)).body.items.find(
        (x: { id: number }) => x.id === p.id,
      );
    expect(await listed()).toMatchObject({ state: 'resolved', resolvedAt, reopenedAt: null });

    t.clock.advance(3 * 3_600_000);
    v = await sendProblem(t, p.id, v, 'REBOUND', { origin: 'inspector', note: '夜查回潮' }, 'inspector');
    const reopened = await problemOf(p.id);
    expect(reopened).toMatchObject({ state: 'open', resolvedAt: null, repeatCount: 1 });
    expect(reopened.reopenedAt).not.toBeNull();
    expect(reopened.resolutions).toEqual([expect.objectContaining({ note: '第一次整治后清零', at: resolvedAt })]);
    expect(await listed()).toMatchObject({
      state: 'open',
      resolvedAt: null,
      reopenedAt: reopened.reopenedAt,
      repeatCount: 1,
    });
    const web = await signIn(t, 'duty');
    const page = decode((await web.get(`/problems/${p.id}`).expect(200)).text);
    expect(page).toContain('data-state="open"');
    expect(block(page, 'resolutions')).toContain('第一次整治后清零');

    t.clock.advance(3 * 3_600_000);
    await sendProblem(t, p.id, v, 'RESOLVE', { note: '再次整治' });
    const again = await problemOf(p.id);
    expect(again.resolvedAt).toBe(again.resolutions[1].at);
    expect(again.resolvedAt).not.toBe(resolvedAt);
    expect(again.resolutions.map((r: { note: string }) => r.note)).toEqual(['第一次整治后清零', '再次整治']);
  });
});
