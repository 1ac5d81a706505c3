import request from 'supertest';
import { createOperation, operationIn, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A browser signed in through the login form (session cookie kept by the agent). */
async function signedIn(username: string) {
  const agent = request.agent(t.app);
  const form = await agent.get('/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrf, username, password: 'liandong-demo', next: '/' })
    .expect(303);
  return agent;
}

/** Section key → the total its badge shows, as the inbox page renders them. */
function sectionTotals(html: string): Record<string, number> {
  return Object.fromEntries(
    [...html.matchAll(/data-section="(\w+)">\s*<h2>[^<]*<span class="badge">(\d+)<\/span>/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
}

function navCount(html: string): number {
  return Number(/data-testid="inbox-count">(\d+)</.exec(html)?.[1] ?? 0);
}

describe('the inbox and the number in the navigation', () => {
  it("a squad leader sees each section's total, and the navigation shows their sum on every page", async () => {
    const returned = await createOperation(t);
    await send(t, returned.id, await send(t, returned.id, 1, 'FILE'), 'RETURN');
    await createOperation(t);
    await operationIn(t, 'approved');
    await operationIn(t, 'holding');

    const leader = await signedIn('waitan.leader');
    const inbox = (await leader.get('/').expect(200)).text;
    // The calendar's duties (R5, R9: this month's plan, meeting) count too.
    const { duties = 0, ...operations } = sectionTotals(inbox);
    expect(operations).toEqual({ returned: 1, drafts: 1, to_start: 1, holding_checks: 1 });
    expect(navCount(inbox)).toBe(4 + duties);
    expect(navCount((await leader.get('/operations').expect(200)).text)).toBe(4 + duties);
  });

  it('a duty officer sees the first 20 filings to decide and counts them all', async () => {
    for (let i = 0; i < 21; i++) {
      const { id } = await createOperation(t);
      await send(t, id, 1, 'FILE');
    }
    const duty = await signedIn('duty');
    const inbox = (await duty.get('/').expect(200)).text;
    expect(sectionTotals(inbox)).toEqual({ to_decide: 21 });
    expect(inbox.match(/<li class="card[^"]*" data-operation=/g)).toHaveLength(20);
    expect(navCount(inbox)).toBe(21);
    expect(navCount((await duty.get('/operations?state=filed').expect(200)).text)).toBe(21);
  });

  it('an inspector posted with a squad is not asked to spot-check its own holding (R14)', async () => {
    const hq = (await (await signedIn('inspector')).get('/').expect(200)).text;
    expect(sectionTotals(hq)).toEqual({ spot_checks: 1 });
    const posted = (await (await signedIn('inspector2')).get('/').expect(200)).text;
    expect(sectionTotals(posted)).toEqual({});
    expect(navCount(posted)).toBe(0);
  });
});

describe('a user with nothing to do', () => {
  it('an administrator has an empty inbox and no number in the navigation', async () => {
    const admin = await signedIn('admin');
    const inbox = (await admin.get('/').expect(200)).text;
    expect(inbox).toContain('data-testid="inbox-empty"');
    expect(inbox).not.toContain('data-testid="inbox-count"');
    expect((await admin.get('/operations').expect(200)).text).not.toContain('data-testid="inbox-count"');
  });
});

describe("an operation's page", () => {
  it('shows every step of its history, newest first, with who took it', async () => {
    const { id } = await operationIn(t, 'awaiting_audit');
    const page = (await (await signedIn('duty')).get(`/operations/${id}`).expect(200)).text;
    const steps = [...page.matchAll(/<li data-event="(\w+)">[\s\S]*?<\/li>/g)];
    expect(steps.map((m) => m[1])).toEqual(['HOLDING_ELAPSED', 'COMPLETE', 'START', 'APPROVE', 'FILE', 'CREATE']);
    const by = Object.fromEntries(steps.map((m) => [m[1], m[0]]));
    expect(by.FILE).toContain('外滩中队领导');
    expect(by.APPROVE).toContain('勤务指挥科值班员');
    expect(by.HOLDING_ELAPSED).toContain('系统');
  });
});
