import { createOperation, operationIn, rowCounts, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

/**
 * A case comes from an operation that was carried out (§3.1: its violations
 * handled are results of what was done), registered by a leader of a squad
 * that took part; the operation's page offers it to exactly those.
 */

let t: TestApp;
let serial = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const caseBody = (operation: number) => ({
  reference: `黄浦城管〔2026〕行动第${String(++serial).padStart(3, '0')}号`,
  partyKind: 'stall',
  partyName: '流动摊贩王某',
  violation: '占道经营',
  location: '中山东一路',
  operation,
});
const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

async function cancelled() {
  const { id } = await createOperation(t);
  await send(t, id, 1, 'CANCEL', {}, 'waitan.leader');
  return id;
}

async function closed() {
  const { id, version } = await operationIn(t, 'awaiting_audit');
  await send(t, id, version, 'AUDIT_PASS');
  return id;
}

describe('registering a case from an operation (§3.1, R10)', () => {
  it('is refused from a plan on paper or a cancelled operation: 422 naming the rule and the field, in the caller’s language, nothing written', async () => {
    const notCarriedOut: Array<[string, number]> = [
      ['draft', (await createOperation(t)).id],
      ['filed', (await operationIn(t, 'filed')).id],
      ['approved', (await operationIn(t, 'approved')).id],
      ['cancelled', await cancelled()],
    ];
    for (const [state, id] of notCarriedOut) {
      expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body.state).toBe(state);
      const before = await rowCounts(t);
      const zh = await t.as('waitan.leader').post('/api/v1/cases', caseBody(id));
      expect({ state, status: zh.status }).toEqual({ state, status: 422 });
      expect(zh.body.error.problems).toEqual([
        expect.objectContaining({ code: 'case_operation_not_carried_out', field: 'operation', rule: '§3.1' }),
      ]);
      expect(zh.body.error.fields.operation).toBe(
        '该行动尚未实施或已撤销，不能从中登记案件（行动中、固守中、待督察或已办结的行动才可以）',
      );
      const en = await t.as('waitan.leader').post('/api/v1/cases', caseBody(id)).set('Accept-Language', 'en');
      expect(en.body.error.fields.operation).toMatch(/^That operation was not carried out/);
      expect(await rowCounts(t)).toEqual(before);
    }
  });

  it('is taken from an operation in progress, holding, awaiting audit or closed', async () => {
    const carriedOut: Array<[string, number]> = [
      ['in_progress', (await operationIn(t, 'in_progress')).id],
      ['holding', (await operationIn(t, 'holding')).id],
      ['awaiting_audit', (await operationIn(t, 'awaiting_audit')).id],
      ['closed', await closed()],
    ];
    for (const [state, id] of carriedOut) {
      expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body.state).toBe(state);
      const res = await t.as('nanjingdonglu.leader').post('/api/v1/cases', caseBody(id));
      expect({ state, status: res.status }).toEqual({ state, status: 201 });
      expect(res.body).toMatchObject({ handlingSquad: 'nanjingdonglu' });
    }
  });

  it('a leader of a squad that did not take part is refused, whatever the operation’s state; both refusals are named at once', async () => {
    const running = (await operationIn(t, 'in_progress')).id;
    const other = await t.as('yuyuan.leader').post('/api/v1/cases', caseBody(running)).expect(422);
    expect(other.body.error.problems.map((p: { code: string }) => p.code)).toEqual(['not_participant']);
    const draft = (await createOperation(t)).id;
    const both = await t.as('yuyuan.leader').post('/api/v1/cases', caseBody(draft)).expect(422);
    expect(both.body.error.problems.map((p: { code: string }) => p.code)).toEqual([
      'not_participant',
      'case_operation_not_carried_out',
    ]);
  });
});

describe('the “register a case” link on the operation’s page', () => {
  it('shows to the leaders of the squads that took part, once the operation was carried out; to nobody else', async () => {
    const draft = (await createOperation(t)).id;
    const running = (await operationIn(t, 'in_progress')).id;
    const link = (id: number) => `href="/cases/new?operation=${id}" data-testid="register-case"`;
    // The plan's squads: waitan (lead and host), nanjingdonglu, bund-scenic.
    for (const leader of ['waitan.leader', 'nanjingdonglu.leader', 'bund-scenic.leader']) {
      const web = await signIn(t, leader);
      const page = (await web.get(`/operations/${running}`).expect(200)).text;
      expect({ leader, shown: page.includes(link(running)) }).toEqual({ leader, shown: true });
      expect({
        leader,
        onPaper: (await web.get(`/operations/${draft}`).expect(200)).text.includes(link(draft)),
      }).toEqual({ leader, onPaper: false });
    }
    for (const user of ['yuyuan.leader', 'waitan.officer', 'duty', 'commander']) {
      const web = await signIn(t, user);
      const page = await web.get(`/operations/${running}`);
      expect({ user, status: page.status, shown: page.text.includes('data-testid="register-case"') }).toEqual({
        user,
        status: 200,
        shown: false,
      });
    }
    // What the link would have led to is refused anyway, with the reason beside the field.
    const outsider = await signIn(t, 'yuyuan.leader');
    const res = await outsider.post(
      '/cases',
      { ...caseBody(running), operation: String(running) },
      `/cases/new?operation=${running}`,
    );
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('本中队未参加该行动');
  });
});
