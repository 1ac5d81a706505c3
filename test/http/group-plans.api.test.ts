import { draftGroupPlan, groupPlanBody, sendPlan, sh } from '../support/plans-meetings';
import { createOperation } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

describe('monthly group plans (R5) through the API', () => {
  it('a squad leader of the group drafts the month’s plan, another leader of the group files it, and it is on file with the Duty Command Section', async () => {
    const res = await t.as('waitan.leader').post('/api/v1/group-plans', groupPlanBody('2026-12'));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/group-plans/${res.body.id}`);
    expect(res.body).toMatchObject({
      state: 'draft',
      version: 1,
      group: 'north',
      month: '2026-12',
      dueAt: '2026-12-01T00:00:00+08:00',
      allowedEvents: expect.arrayContaining(['EDIT_PLAN', 'FILE']),
      operations: [
        expect.objectContaining({ leadSquad: 'waitan', date: '2026-12-05' }),
        expect.objectContaining({ leadSquad: 'nanjingdonglu' }),
      ],
    });
    await sendPlan(t, res.body.id, 1, 'FILE', {}, 'bund-scenic.leader');
    const filed = await t.as('duty').get(`/api/v1/group-plans/${res.body.id}`).expect(200);
    expect(filed.body).toMatchObject({
      state: 'filed',
      filedLate: false,
      filedBy: { username: 'bund-scenic.leader' },
      allowedEvents: ['RETURN'],
    });
    const history = await t.as('duty').get(`/api/v1/group-plans/${res.body.id}/history`).expect(200);
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'FILE']);
  });

  it('one plan per group and month', async () => {
    const res = await t.as('nanjingdonglu.leader').post('/api/v1/group-plans', groupPlanBody('2026-12'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('plan_exists');
    expect(Object.keys(res.body.error.fields)).toEqual(['month']);
  });

  it('an officer, a leader of another group and a manager do not draft a group’s plan', async () => {
    for (const who of ['waitan.officer', 'yuyuan.leader', 'duty']) {
      const res = await t.as(who).post('/api/v1/group-plans', groupPlanBody('2027-01'));
      expect({ who, status: res.status, reason: res.body.error.reason }).toEqual({
        who,
        status: 403,
        reason: 'not_group_leader',
      });
    }
  });

  it('a plan is for a month from the brigade’s first to three months ahead', async () => {
    for (const month of ['2026-10', '2027-03']) {
      const res = await t
        .as('yuyuan.leader')
        .post('/api/v1/group-plans', groupPlanBody(month, { group: 'oldcity', operations: [] }));
      expect(res.status).toBe(422);
      expect(res.body.error.problems).toEqual([
        expect.objectContaining({ code: 'month_out_of_range', field: 'month', rule: 'R5' }),
      ]);
    }
    const bad = await t
      .as('yuyuan.leader')
      .post('/api/v1/group-plans', groupPlanBody('2026-13', { group: 'oldcity', operations: [] }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ month: '月份格式应为 YYYY-MM' });
  });

  it('a draft may be incomplete; filing names every missing piece and its rule', async () => {
    const id = await draftGroupPlan(
      t,
      '2026-12',
      { group: 'oldcity', targets: [], operations: [{ date: '2026-12-10', title: '豫园商城周边整治' }] },
      'yuyuan.leader',
    );
    const res = await t
      .as('yuyuan.leader')
      .post(`/api/v1/group-plans/${id}/events`, { type: 'FILE', expectedVersion: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'required', field: 'targets', rule: 'R5' }),
        expect.objectContaining({ code: 'too_few_planned_operations', field: 'operations', rule: 'R6' }),
        expect.objectContaining({ code: 'required', field: 'operations.0.leadSquad', rule: 'R6' }),
      ]),
    );
  });

  it('a line led by a squad outside the group, or on a day of another month, is refused even in a draft', async () => {
    const res = await t.as('bansongyuanlu.leader').post(
      '/api/v1/group-plans',
      groupPlanBody('2026-12', {
        group: 'south',
        operations: [{ date: '2027-01-03', title: '整治', leadSquad: 'waitan' }],
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual([
      ['operations.0.date', 'date_outside_month'],
      ['operations.0.leadSquad', 'lead_not_in_group'],
    ]);
    const unknown = await t.as('bansongyuanlu.leader').post(
      '/api/v1/group-plans',
      groupPlanBody('2026-12', {
        group: 'south',
        operations: [{ date: '2026-12-03', title: '整治', leadSquad: 'nowhere' }],
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual({ 'operations.0.leadSquad': '代码不存在：nowhere' });
  });

  it('a line links to the joint operation it became — one of the group’s', async () => {
    const id = await draftGroupPlan(t, '2027-01', { group: 'west', operations: [] }, 'huaihaizhonglu.leader');
    const ours = await createOperation(
      t,
      {
        group: 'west',
        leadSquad: 'huaihaizhonglu',
        hostSquad: 'huaihaizhonglu',
        squads: ['huaihaizhonglu', 'ruijinerlu'],
        forces: [],
      },
      'huaihaizhonglu.leader',
    );
    const theirs = await createOperation(t);
    const line = (operation: number) => [
      { date: '2027-01-08', title: '陕西南路无证设摊', leadSquad: 'huaihaizhonglu', operation },
    ];
    const refused = await t
      .as('huaihaizhonglu.leader')
      .patch(`/api/v1/group-plans/${id}`, { expectedVersion: 1, operations: line(theirs.id) });
    expect(refused.status).toBe(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({ field: 'operations.0.operation', code: 'operation_not_of_group', rule: 'R5' }),
    ]);
    const linked = await t
      .as('ruijinerlu.leader')
      .patch(`/api/v1/group-plans/${id}`, { expectedVersion: 1, operations: line(ours.id) });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ version: 2, operations: [expect.objectContaining({ operation: ours.id })] });
  });

  it('the Duty Command Section returns a filed plan with a reason; the group revises and files it again; a return does not make it late', async () => {
    const id = await draftGroupPlan(
      t,
      '2027-01',
      {
        group: 'oldcity',
        operations: (groupPlanBody('2027-01').operations as Array<Record<string, unknown>>).map(
          (o: Record<string, unknown>, i: number) => ({ ...o, leadSquad: ['yuyuan', 'laoximen'][i] }),
        ),
      },
      'xiaodongmen.leader',
    );
    let v = await sendPlan(t, id, 1, 'FILE', {}, 'xiaodongmen.leader');
    const noReason = await t
      .as('duty')
      .post(`/api/v1/group-plans/${id}/events`, { type: 'RETURN', expectedVersion: v, reason: ' ' });
    expect(noReason.status).toBe(400);
    const byLeader = await t
      .as('yuyuan.leader')
      .post(`/api/v1/group-plans/${id}/events`, { type: 'RETURN', expectedVersion: v, reason: 'x' });
    expect(byLeader.status).toBe(403);
    expect(byLeader.body.error.reason).toBe('not_manager');
    v = await sendPlan(t, id, v, 'RETURN', { reason: '目标请量化' }, 'duty');
    const returned = await t.as('yuyuan.leader').get(`/api/v1/group-plans/${id}`).expect(200);
    expect(returned.body).toMatchObject({
      state: 'draft',
      returnCount: 1,
      lastReturnReason: '目标请量化',
      allowedEvents: ['EDIT_PLAN', 'FILE'],
    });
    t.clock.set(sh('2027-01-03T09:00:00'));
    v = await sendPlan(t, id, v, 'EDIT_PLAN', { plan: { targets: ['老西门地区占道经营下降三成'] } }, 'yuyuan.leader');
    await sendPlan(t, id, v, 'FILE', {}, 'yuyuan.leader');
    const refiled = await t.as('duty').get(`/api/v1/group-plans/${id}`).expect(200);
    expect(refiled.body).toMatchObject({
      state: 'filed',
      filedLate: false,
      firstFiledAt: '2026-11-02T09:00:00+08:00',
      filedAt: '2027-01-03T09:00:00+08:00',
    });
    t.clock.set(sh('2026-11-02T09:00:00'));
  });

  it('a plan first filed after its month began is on file, marked late', async () => {
    t.clock.set(sh('2026-12-02T10:00:00'));
    const id = await draftGroupPlan(
      t,
      '2026-12',
      {
        group: 'west',
        operations: (groupPlanBody('2026-12').operations as Array<Record<string, unknown>>).map(
          (o: Record<string, unknown>, i: number) => ({ ...o, leadSquad: ['xintiandi', 'huaihailu'][i] }),
        ),
      },
      'xintiandi.leader',
    );
    await sendPlan(t, id, 1, 'FILE', {}, 'xintiandi.leader');
    expect((await t.as('commander').get(`/api/v1/group-plans/${id}`)).body).toMatchObject({
      state: 'filed',
      filedLate: true,
    });
    t.clock.set(sh('2026-11-02T09:00:00'));
  });

  it('is read by the group and the managers only', async () => {
    const { body } = await t.as('duty').get('/api/v1/group-plans?group=north&month=2026-12').expect(200);
    const id = body.items[0].id;
    await t.as('waitan.officer').get(`/api/v1/group-plans/${id}`).expect(200);
    await t.as('commander').get(`/api/v1/group-plans/${id}`).expect(200);
    for (const who of ['yuyuan.leader', 'inspector', 'legal']) {
      const res = await t.as(who).get(`/api/v1/group-plans/${id}`);
      expect({ who, status: res.status, reason: res.body.error?.reason }).toEqual({
        who,
        status: 403,
        reason: 'not_group_or_manager',
      });
    }
    const mine = (await t.as('yuyuan.leader').get('/api/v1/group-plans').expect(200)).body.items.map(
      (p: { group: string }) => p.group,
    );
    expect(new Set(mine)).toEqual(new Set(['oldcity']));
    const all = (await t.as('duty').get('/api/v1/group-plans?year=2026').expect(200)).body.items.map(
      (p: { group: string }) => p.group,
    );
    expect(new Set(all)).toEqual(new Set(['north', 'oldcity', 'west']));
    await t.as('yuyuan.leader').get('/api/v1/group-plans?group=north').expect(403);
  });

  it('the state, version and allowed events agree with what the server accepts', async () => {
    const id = await draftGroupPlan(t, '2027-02', {}, 'nanjinglu-walk.leader');
    const stale = await t
      .as('waitan.leader')
      .post(`/api/v1/group-plans/${id}/events`, { type: 'FILE', expectedVersion: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    await sendPlan(t, id, 1, 'FILE');
    const again = await t
      .as('waitan.leader')
      .post(`/api/v1/group-plans/${id}/events`, { type: 'FILE', expectedVersion: 2 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('event_not_accepted');
  });
});

describe('monthly plans are announced', () => {
  it('a filed plan reaches the duty officers’ notifications; a returned one the group’s squad leaders, with the reason', async () => {
    const created = await t.as('huaihaizhonglu.leader').post(
      '/api/v1/group-plans',
      groupPlanBody('2027-02', {
        group: 'west',
        operations: [
          { date: '2027-02-03', title: '新天地夜市占道', leadSquad: 'xintiandi' },
          { date: '2027-02-17', title: '淮海路跨门营业', leadSquad: 'huaihailu' },
        ],
      }),
    );
    expect(created.status).toBe(201);
    const v = await sendPlan(t, created.body.id, 1, 'FILE', {}, 'huaihaizhonglu.leader');
    await sendPlan(t, created.body.id, v, 'RETURN', { reason: '请量化二月目标' }, 'duty');
    await t.services.outbox.drain();
    const duty2 = (await t.as('duty2').get('/api/v1/notifications').expect(200)).body.items;
    expect(duty2).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ topic: 'group_plan.filed', link: `/group-plans/${created.body.id}` }),
      ]),
    );
    const leader = (await t.as('xintiandi.leader').get('/api/v1/notifications').expect(200)).body.items;
    expect(leader).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          topic: 'group_plan.returned',
          text: '月度计划被退回修改：西片 2027-02',
          note: '说明：请量化二月目标',
        }),
      ]),
    );
  });
});
