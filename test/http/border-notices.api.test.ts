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

const notice = (over: Record<string, unknown> = {}) => ({
  location: '九江路·河南中路口',
  what: '十余个流动摊贩在外滩、南京东路两中队交界处来回流窜，单方执法即跑到对面',
  squads: ['waitan', 'nanjingdonglu'],
  ...over,
});

async function sendNotice(as = 'waitan.officer', over: Record<string, unknown> = {}): Promise<number> {
  const res = await t.as(as).post('/api/v1/border-notices', notice(over));
  if (res.status !== 201) throw new Error(`notice failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

describe('border notifications (R8)', () => {
  it('an officer notifies the group of a violation at the border; the group’s squad leaders are told and may act', async () => {
    const id = await sendNotice();
    await t.services.outbox.drain();
    for (const leader of ['nanjingdonglu.leader', 'bund-scenic.leader', 'waitan.leader']) {
      const { body } = await t.as(leader).get('/api/v1/notifications').expect(200);
      expect([leader, body.items.some((n: { link: string }) => n.link === `/border-notices/${id}`)]).toEqual([
        leader,
        true,
      ]);
    }
    const other = await t.as('yuyuan.leader').get('/api/v1/notifications').expect(200);
    expect(other.body.items.some((n: { link: string }) => n.link === `/border-notices/${id}`)).toBe(false);
    const { body } = await t.as('bund-scenic.leader').get(`/api/v1/border-notices/${id}`).expect(200);
    expect(body).toMatchObject({
      state: 'sent',
      senderSquad: 'waitan',
      squads: ['waitan', 'nanjingdonglu'],
      allowedEvents: ['TO_PROBLEM', 'TO_PLAN', 'CLOSE'],
    });
    expect((await t.as('waitan.officer').get(`/api/v1/border-notices/${id}`)).body.allowedEvents).toEqual([]);
  });

  it('a border needs two squads with the sender’s own among them (422 naming the field); a duty officer has no squad to send from (403)', async () => {
    const one = await t
      .as('waitan.officer')
      .post('/api/v1/border-notices', notice({ squads: ['nanjingdonglu', 'bund-scenic'] }))
      .expect(422);
    expect(one.body.error.problems).toEqual([
      expect.objectContaining({ code: 'own_squad_not_at_border', field: 'squads', rule: 'R8' }),
    ]);
    await t.as('duty').post('/api/v1/border-notices', notice()).expect(403);
  });

  it('a notice is the group’s to act on: a squad of another group named at the border cannot close it or take it (R8)', async () => {
    const id = await sendNotice('waitan.officer', { squads: ['waitan', 'yuyuan'] });
    expect((await t.as('yuyuan.leader').get(`/api/v1/border-notices/${id}`).expect(200)).body.allowedEvents).toEqual(
      [],
    );
    const refused = await t
      .as('yuyuan.leader')
      .post(`/api/v1/border-notices/${id}/events`, { type: 'CLOSE', expectedVersion: 1, reason: '不归我们管' })
      .expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await t.as('bund-scenic.leader').get(`/api/v1/border-notices/${id}`).expect(200)).body).toMatchObject({
      state: 'sent',
      allowedEvents: ['TO_PROBLEM', 'TO_PLAN', 'CLOSE'],
    });
  });

  it('a squad leader of the group turns the notice into a hard problem: the problem comes from a notification and the notice records it', async () => {
    const id = await sendNotice();
    const res = await t
      .as('nanjingdonglu.leader')
      .post(`/api/v1/border-notices/${id}/events`, {
        type: 'TO_PROBLEM',
        expectedVersion: 1,
        problem: { category: 'street_vending', title: '九江路口流动设摊' },
      })
      .expect(200);
    expect(res.body).toMatchObject({ state: 'became_problem', version: 2 });
    const problem = await t.as('duty').get(`/api/v1/problems/${res.body.problemId}`).expect(200);
    expect(problem.body).toMatchObject({
      state: 'reported',
      source: 'notification',
      category: 'street_vending',
      title: '九江路口流动设摊',
      location: '九江路·河南中路口',
      squads: ['waitan', 'nanjingdonglu'],
      fromNotice: id,
    });
    const shown = await t.as('duty').get(`/api/v1/border-notices/${id}`).expect(200);
    expect(shown.body).toMatchObject({
      state: 'became_problem',
      problem: res.body.problemId,
      decidedBy: 'nanjingdonglu.leader',
    });
    // Once decided, it takes nothing more.
    await t
      .as('waitan.leader')
      .post(`/api/v1/border-notices/${id}/events`, { type: 'CLOSE', expectedVersion: 2, reason: 'x' })
      .expect(409);
  });

  it('or into an ad_hoc operation plan pre-filled from it, which the notice records', async () => {
    const id = await sendNotice();
    const draft = await t.as('waitan.leader').get(`/api/v1/border-notices/${id}/plan-draft`).expect(200);
    expect(draft.body).toMatchObject({
      kind: 'ad_hoc',
      group: 'north',
      leadSquad: 'waitan',
      hostSquad: 'waitan',
      squads: ['waitan', 'nanjingdonglu'],
      problemSource: 'notification',
      location: '九江路·河南中路口',
    });
    const res = await t
      .as('waitan.leader')
      .post(`/api/v1/border-notices/${id}/events`, {
        type: 'TO_PLAN',
        expectedVersion: 1,
        plan: { title: '九江路口不定期联动' },
      })
      .expect(200);
    expect(res.body.state).toBe('became_plan');
    const op = await t.as('waitan.leader').get(`/api/v1/operations/${res.body.operationId}`).expect(200);
    expect(op.body).toMatchObject({
      state: 'draft',
      kind: 'ad_hoc',
      title: '九江路口不定期联动',
      problemSource: 'notification',
      location: '九江路·河南中路口',
      group: 'north',
    });
    expect(op.body.squads).toEqual(expect.arrayContaining(['waitan', 'nanjingdonglu']));
  });

  it('a leader of another group may not act on it, and nothing is created when refused', async () => {
    const id = await sendNotice();
    const before = (await t.as('duty').get('/api/v1/problems?limit=200')).body.items.length;
    await t
      .as('yuyuan.leader')
      .post(`/api/v1/border-notices/${id}/events`, { type: 'TO_PROBLEM', expectedVersion: 1 })
      .expect(403);
    const stale = await t
      .as('waitan.leader')
      .post(`/api/v1/border-notices/${id}/events`, { type: 'TO_PROBLEM', expectedVersion: 5 })
      .expect(409);
    expect(stale.body.error.code).toBe('stale_version');
    expect((await t.as('duty').get('/api/v1/problems?limit=200')).body.items.length).toBe(before);
    const closed = await t
      .as('waitan.leader')
      .post(`/api/v1/border-notices/${id}/events`, { type: 'CLOSE', expectedVersion: 1, reason: '已由本中队处置完毕' })
      .expect(200);
    expect(closed.body.state).toBe('closed');
    const list = await t.as('waitan.officer').get('/api/v1/border-notices?state=closed').expect(200);
    expect(list.body.items.map((n: { id: number }) => n.id)).toContain(id);
    const history = await t.as('waitan.officer').get(`/api/v1/border-notices/${id}/history`).expect(200);
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'CLOSE']);
  });
});
