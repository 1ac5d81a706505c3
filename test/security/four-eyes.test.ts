import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app';
import { createOperation, operationIn, planBody, send } from '../support/factories';
import { registerGoods, sendGoods } from '../support/goods';
import { signedIn } from '../support/web';

/**
 * Issue 11, finding 11 — four eyes: whoever drafted or registered a thing
 * does not approve it, and whoever approved a disposal does not carry it out,
 * even when they hold two posts or someone else filed it.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  // An officer holding two posts: deputy leader of waitan and a desk in the Duty Command Section.
  await t
    .as('admin')
    .post('/api/v1/users', {
      username: 'waitan.deputy',
      displayName: '外滩中队副中队长（兼勤务指挥科）',
      roles: ['squad_leader', 'duty_officer'],
      squad: 'waitan',
      password: 'deputy-password-1',
    })
    .expect(201);
});
afterAll(() => t.close());

/** supertest with a bearer token of any user (demo or not). */
async function bearer(username: string) {
  const auth = `Bearer ${await t.services.org.issueToken(username, 'four-eyes')}`;
  return {
    get: (path: string) => request(t.app).get(path).set('Authorization', auth),
    post: (path: string, body: unknown) =>
      request(t.app)
        .post(path)
        .set('Authorization', auth)
        .send(body as object),
  };
}

describe('a plan is approved by someone other than who drafted it', () => {
  it('a commander who drafted a brigade-led plan cannot approve it once the lead squad filed it; another manager can', async () => {
    const { id } = await createOperation(t, { kind: 'brigade_led' }, 'commander');
    const v = await send(t, id, 1, 'FILE', {}, 'waitan.leader');
    const refused = await t
      .as('commander')
      .post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: v })
      .expect(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', reason: 'own_draft' });
    expect((await t.as('commander').get(`/api/v1/operations/${id}`).expect(200)).body.allowedEvents).not.toContain(
      'APPROVE',
    );
    // Nothing was written: the plan still waits for a decision.
    expect((await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body).toMatchObject({
      state: 'filed',
      version: v,
    });
    await t.as('duty').post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: v }).expect(200);
  });

  it('an officer holding a squad post and a desk at the Duty Command Section cannot approve the plan they drafted, though their leader filed it', async () => {
    const deputy = await bearer('waitan.deputy');
    const created = await deputy.post('/api/v1/operations', planBody(t.clock.now())).expect(201);
    const id = created.body.id as number;
    const v = await send(t, id, 1, 'FILE', {}, 'waitan.leader');
    const refused = await deputy
      .post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: v })
      .expect(403);
    expect(refused.body.error.reason).toBe('own_draft');
    // The operation's page offers them no approval; to another manager it does.
    const page = await (await signedIn(t, 'waitan.deputy', 'deputy-password-1')).get(`/operations/${id}`).expect(200);
    expect(page.text).not.toContain(`/operations/${id}/events/APPROVE`);
    const duty = await (await signedIn(t, 'duty')).get(`/operations/${id}`).expect(200);
    expect(duty.text).toContain(`/operations/${id}/events/APPROVE`);
  });

  it('the web form refuses the drafter too, and the plan stays filed', async () => {
    const { id } = await createOperation(t, { kind: 'brigade_led' }, 'commander');
    const v = await send(t, id, 1, 'FILE', {}, 'waitan.leader');
    const agent = await signedIn(t, 'commander');
    const page = await agent.get(`/operations/${id}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent
      .post(`/operations/${id}/events/APPROVE`)
      .type('form')
      .send({ _csrf: csrf, expectedVersion: String(v) });
    expect(res.status).toBe(403);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body.state).toBe('filed');
  });
});

describe('detained goods: who registered does not approve; who approved does not dispose', () => {
  it('a leader who is also a manager neither approves the disposal of goods they registered nor extends their limit', async () => {
    const { id: op } = await operationIn(t, 'in_progress');
    const deputy = await bearer('waitan.deputy');
    const reg = await deputy
      .post('/api/v1/goods', {
        operation: op,
        party: { name: '李某', stall: '九江路口流动摊' },
        items: [{ description: '折叠桌', quantity: 1, unit: '张', storagePlace: '外滩中队仓库' }],
      })
      .expect(201);
    const item = reg.body.items[0].id as number;
    const version = reg.body.items[0].version as number;
    const approval = await deputy
      .post(`/api/v1/goods/${item}/events`, {
        type: 'APPROVE_DISPOSAL',
        expectedVersion: version,
        method: 'destroyed',
        reason: '无主且破损',
      })
      .expect(403);
    expect(approval.body.error.reason).toBe('own_registration');
    const extend = await deputy
      .post(`/api/v1/goods/${item}/events`, { type: 'EXTEND', expectedVersion: version, reason: '当事人未到' })
      .expect(403);
    expect(extend.body.error.reason).toBe('own_registration');
    const seen = (await deputy.get(`/api/v1/goods/${item}`).expect(200)).body;
    expect(seen.allowedEvents).not.toContain('APPROVE_DISPOSAL');
    expect(seen.allowedEvents).not.toContain('EXTEND');
    // Another manager may.
    await sendGoods(t, item, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '无主且破损' });
  });

  it('a manager who approved a disposal does not carry it out as the custodian’s leader; the other leader does', async () => {
    const { id: op } = await operationIn(t, 'in_progress');
    const [item] = await registerGoods(t, op, {
      items: [{ description: '遮阳伞', quantity: 2, unit: '把', storagePlace: '外滩中队仓库' }],
    });
    const deputy = await bearer('waitan.deputy');
    const approved = (await deputy.get(`/api/v1/goods/${item}`).expect(200)).body;
    const v = (
      await deputy
        .post(`/api/v1/goods/${item}/events`, {
          type: 'APPROVE_DISPOSAL',
          expectedVersion: approved.version,
          method: 'donated',
          reason: '超期无人认领',
        })
        .expect(200)
    ).body.version;
    const dispose = await deputy
      .post(`/api/v1/goods/${item}/events`, { type: 'DISPOSE', expectedVersion: v, method: 'donated' })
      .expect(403);
    expect(dispose.body.error.reason).toBe('own_disposal_approval');
    expect((await deputy.get(`/api/v1/goods/${item}`).expect(200)).body.allowedEvents).not.toContain('DISPOSE');
    await sendGoods(t, item, 'waitan.leader', { type: 'DISPOSE', method: 'donated' });
  });
});
