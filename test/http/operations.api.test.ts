import { createOperation, eventBody, planBody, resultsBody, send, systemActorOf } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
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

const post = (who: string, id: number, body: Record<string, unknown>) =>
  t.as(who).post(`/api/v1/operations/${id}/events`, body);

describe('the organisation', () => {
  it('lists the reference squads and groups by code', async () => {
    const api = t.as('duty');
    const squads = await api.get('/api/v1/squads').expect(200);
    expect(squads.body.items).toHaveLength(17);
    expect(squads.body.items.filter((s: { kind: string }) => s.kind === 'street')).toHaveLength(10);
    expect(squads.body.items.find((s: { code: string }) => s.code === 'mobile-1')).toMatchObject({
      kind: 'mobile',
      group: null,
    });
    const groups = await api.get('/api/v1/groups').expect(200);
    expect(groups.body.items.map((g: { code: string }) => g.code)).toEqual(['north', 'oldcity', 'south', 'west']);
    expect(groups.body.items[0].squads).toEqual(['waitan', 'nanjingdonglu', 'nanjinglu-walk', 'bund-scenic']);
  });

  it('refuses a request without a token, or with a bad one (401)', async () => {
    const request = (await import('supertest')).default;
    const none = await request(t.app).get('/api/v1/squads').expect(401);
    expect(none.body.error.code).toBe('unauthenticated');
    const bad = await request(t.app).get('/api/v1/squads').set('Authorization', 'Bearer ld_nope').expect(401);
    expect(bad.body.error).toMatchObject({ code: 'unauthenticated', fields: {} });
  });

  it('answers /healthz', async () => {
    const request = (await import('supertest')).default;
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  });
});

describe('an operation from plan to holding, through the API (the issue’s “done when”)', () => {
  it('is created, filed, approved, started, completed and reaches holding; /history shows every step', async () => {
    const leader = t.as('waitan.leader');
    const created = await leader.post('/api/v1/operations', planBody(t.clock.now())).expect(201);
    expect(created.headers.location).toBe(`/api/v1/operations/${created.body.id}`);
    expect(created.body).toMatchObject({
      state: 'draft',
      version: 1,
      group: 'north',
      leadSquad: 'waitan',
      hostSquad: 'waitan',
      squads: ['waitan', 'nanjingdonglu', 'bund-scenic'],
      allowedEvents: expect.arrayContaining(['FILE', 'EDIT_PLAN', 'CANCEL']),
    });
    const id = created.body.id;

    let res = await post('waitan.leader', id, { type: 'FILE', expectedVersion: 1 }).expect(200);
    expect(res.body).toEqual({ id, event: 'FILE', state: 'filed', version: 2 });

    const asDuty = t.as('duty');
    expect((await asDuty.get(`/api/v1/operations/${id}`).expect(200)).body.allowedEvents.sort()).toEqual([
      'APPROVE',
      'CANCEL',
      'RETURN',
    ]);
    res = await post('duty', id, { type: 'APPROVE', expectedVersion: 2 }).expect(200);
    expect(res.body.state).toBe('approved');

    t.clock.advance(24 * HOUR);
    res = await post('waitan.leader', id, { type: 'START', expectedVersion: 3 }).expect(200);
    expect(res.body.state).toBe('in_progress');

    await post('nanjingdonglu.officer', id, {
      type: 'LOG_INCIDENT',
      expectedVersion: 4,
      ...eventBody('LOG_INCIDENT', t.clock.now()),
    }).expect(200);

    t.clock.advance(4.5 * HOUR);
    res = await post('waitan.leader', id, { type: 'COMPLETE', expectedVersion: 5, results: resultsBody() }).expect(200);
    expect(res.body).toMatchObject({ state: 'holding', version: 6 });

    const op = (await leader.get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(op).toMatchObject({
      state: 'holding',
      actualHours: 4.5,
      countsTowardMinimum: true,
      holdingRound: 1,
      commanders: [{ username: 'waitan.leader', displayName: '外滩中队领导' }],
      filedBy: { username: 'waitan.leader' },
      approvedBy: { username: 'duty' },
    });
    expect(op.results).toHaveLength(3);
    expect(op.results[0]).toEqual({
      squad: 'waitan',
      officers: 5,
      vehicles: 1,
      educated: 10,
      handled: 2,
      goodsDetained: 0,
    });
    expect(op.incidents).toEqual([
      expect.objectContaining({
        incidentType: 'verbal_abuse',
        reportedBy: expect.objectContaining({ username: 'nanjingdonglu.officer' }),
      }),
    ]);
    // R12: holding lasts the planned 7 days from the end of the operation.
    expect(Date.parse(op.holdingDeadline) - Date.parse(op.actualEnd)).toBe(7 * 24 * HOUR);
    expect(op.timeLimits.map((d: { kind: string; outcome: string | null }) => [d.kind, d.outcome])).toEqual([
      ['decision', 'met'],
      ['results', 'met'],
      ['holding_end', null],
    ]);

    const history = (await leader.get(`/api/v1/operations/${id}/history`).expect(200)).body.items;
    expect(
      history.map((h: { seq: number; event: string; from: string; to: string; actor: string; role: string }) => [
        h.seq,
        h.event,
        h.from,
        h.to,
        h.actor,
        h.role,
      ]),
    ).toEqual([
      [1, 'CREATE', null, 'draft', 'waitan.leader', 'squad_leader'],
      [2, 'FILE', 'draft', 'filed', 'waitan.leader', 'squad_leader'],
      [3, 'APPROVE', 'filed', 'approved', 'duty', 'duty_officer'],
      [4, 'START', 'approved', 'in_progress', 'waitan.leader', 'squad_leader'],
      [5, 'LOG_INCIDENT', 'in_progress', 'in_progress', 'nanjingdonglu.officer', 'officer'],
      [6, 'COMPLETE', 'in_progress', 'holding', 'waitan.leader', 'squad_leader'],
    ]);
    expect(history[5].payload.results).toHaveLength(3);
  });
});

describe('each wrong caller and wrong moment gets the documented error', () => {
  it('a squad leader of another squad cannot file the plan (403, the rule named)', async () => {
    const { id } = await createOperation(t);
    const res = await post('nanjingdonglu.leader', id, { type: 'FILE', expectedVersion: 1 }).expect(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', reason: 'not_lead_squad_leader' });
    expect(res.body.error.message).toContain('牵头中队');
  });

  it('a squad leader cannot draft a plan for another squad (403)', async () => {
    const res = await t.as('yuyuan.leader').post('/api/v1/operations', planBody(t.clock.now())).expect(403);
    expect(res.body.error.reason).toBe('not_lead_squad_leader');
  });

  it('approving a draft is not accepted in that state (409 event_not_accepted)', async () => {
    const { id } = await createOperation(t);
    const res = await post('duty', id, { type: 'APPROVE', expectedVersion: 1 }).expect(409);
    expect(res.body.error).toMatchObject({ code: 'event_not_accepted', event: 'APPROVE', currentState: 'draft' });
  });

  it('a stale expectedVersion is refused (409 stale_version) with the current version', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    const res = await post('duty', id, { type: 'APPROVE', expectedVersion: 1 }).expect(409);
    expect(res.body.error).toMatchObject({ code: 'stale_version', currentVersion: 2, currentState: 'filed' });
  });

  it('filing an incomplete plan is refused by the rule (422), every problem named', async () => {
    const { id } = await createOperation(t, { plannedHours: 3, contingency: '' });
    const res = await post('waitan.leader', id, { type: 'FILE', expectedVersion: 1 }).expect(422);
    expect(res.body.error.code).toBe('rule_violation');
    expect(res.body.error.fields).toEqual({ plannedHours: expect.stringContaining('4'), contingency: '必填' });
    expect(res.body.error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'planned_hours_below_minimum', rule: 'R6', field: 'plannedHours' }),
      ]),
    );
  });

  it('English is answered to those who ask for it', async () => {
    const { id } = await createOperation(t);
    const res = await t
      .as('nanjingdonglu.leader')
      .post(`/api/v1/operations/${id}/events`, { type: 'FILE', expectedVersion: 1 })
      .set('Accept-Language', 'en-GB,en;q=0.9')
      .expect(403);
    expect(res.body.error.message).toBe('Only the lead squad’s leader may do this with the plan');
  });

  it('a user cannot send the end of holding: only the system does (403)', async () => {
    const { id, version } = await createOperationInHolding();
    const res = await post('commander', id, { type: 'HOLDING_ELAPSED', expectedVersion: version }).expect(403);
    expect(res.body.error.reason).toBe('system_only');
  });

  it('an inspector of the host squad cannot spot-check its holding (403); another inspector can', async () => {
    const { id, version } = await createOperationInHolding();
    const body = { type: 'SPOT_CHECK', expectedVersion: version, findings: '岗点有人', reboundObserved: false };
    expect((await post('inspector2', id, body).expect(403)).body.error.reason).toBe('inspector_of_host_squad');
    await post('inspector', id, body).expect(200);
  });

  it('an operation of 3.5 h needs a reason, then does not count toward the monthly minimum', async () => {
    const { id } = await createOperation(t);
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    t.clock.advance(24 * HOUR);
    v = await send(t, id, v, 'START');
    t.clock.advance(3.5 * HOUR);
    const refused = await post('waitan.leader', id, {
      type: 'COMPLETE',
      expectedVersion: v,
      results: resultsBody(),
    }).expect(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({ code: 'short_reason_required', rule: 'R6', field: 'shortReason' }),
    ]);
    await post('waitan.leader', id, {
      type: 'COMPLETE',
      expectedVersion: v,
      results: resultsBody(),
      shortReason: '暴雨提前收队',
    }).expect(200);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op).toMatchObject({ actualHours: 3.5, countsTowardMinimum: false, shortReason: '暴雨提前收队' });
  });

  it('an unknown operation is 404, and so is one of another brigade', async () => {
    expect((await t.as('duty').get('/api/v1/operations/999999').expect(404)).body.error.code).toBe('not_found');
    await t.as('duty').get('/api/v1/operations/abc').expect(404);
  });
});

describe('the end of holding, audit and its failure', () => {
  it('the system ends holding; an inspector fails the audit and holding restarts; then passes it and the operation closes', async () => {
    const { id, version } = await createOperationInHolding();
    const system = await systemActorOf(t);
    const wf = t.services.workflows.operation;
    await expect(t.services.engine.send(wf, id, system, { type: 'HOLDING_ELAPSED' })).rejects.toMatchObject({
      code: 'rule_violation',
    });
    t.clock.advance(8 * 24 * HOUR);
    const ended = await t.services.engine.send(
      wf,
      id,
      system,
      { type: 'HOLDING_ELAPSED' },
      { expectedVersion: version },
    );
    expect(ended.state).toBe('awaiting_audit');
    await post('inspector', id, {
      type: 'AUDIT_FAIL',
      expectedVersion: ended.version,
      findings: '两个岗点无人',
      rectification: '每日增派两人',
      holdingDays: 3,
    }).expect(200);
    const again = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(again).toMatchObject({ state: 'holding', holdingRound: 2 });
    t.clock.advance(3 * 24 * HOUR);
    const v = (await t.services.engine.send(wf, id, system, { type: 'HOLDING_ELAPSED' })).version;
    await post('inspector', id, {
      type: 'AUDIT_PASS',
      expectedVersion: v,
      findings: '整改到位',
      coverageReason: '整改期间督察每日暗访',
    }).expect(200);
    const closed = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(closed.state).toBe('closed');
    expect(closed.allowedEvents).toEqual([]);
    expect(closed.holdingRecords.map((h: { kind: string; round: number }) => [h.kind, h.round])).toEqual([
      ['audit_fail', 1],
      ['audit_pass', 2],
    ]);
  });
});

describe('listing operations', () => {
  it('pages through the brigade’s operations with a cursor and filters by state and group', async () => {
    const api = t.as('duty');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createOperation(t, { title: `翻页 ${i}` })).id);
    const first = (await api.get('/api/v1/operations?state=draft&group=north&limit=2').expect(200)).body;
    expect(first.items).toHaveLength(2);
    expect(first.items[0].id).toBeGreaterThan(first.items[1].id);
    const second = (
      await api.get(`/api/v1/operations?state=draft&group=north&limit=2&cursor=${first.nextCursor}`).expect(200)
    ).body;
    expect(second.items[0].id).toBeLessThan(first.items[1].id);
    const all: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: number }>; nextCursor: string | null } = (
        await api.get(`/api/v1/operations?limit=3${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
      ).body;
      all.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(new Set(all).size).toBe(all.length);
    const none = (await api.get('/api/v1/operations?group=south').expect(200)).body;
    expect(none.items).toEqual([]);
    expect((await api.get('/api/v1/operations?state=flying').expect(400)).body.error.fields).toHaveProperty('state');
    expect((await api.get('/api/v1/operations?group=nowhere').expect(400)).body.error.fields).toHaveProperty('group');
  });

  it('filters by planned start between dates (brigade time)', async () => {
    const api = t.as('duty');
    const start = t.clock.now();
    const { id } = await createOperation(t, { plannedStart: '2026-12-24T09:00:00+08:00', title: '圣诞' });
    const res = (await api.get('/api/v1/operations?from=2026-12-24&to=2026-12-25').expect(200)).body;
    expect(res.items.map((o: { id: number }) => o.id)).toEqual([id]);
    expect(res.items[0].plannedStart).toBe('2026-12-24T09:00:00+08:00');
    expect(start).toBeDefined();
  });
});

describe('editing a draft', () => {
  it('the lead squad edits the draft with PATCH; other squads may not; a filed plan may not be edited', async () => {
    const { id } = await createOperation(t);
    const leader = t.as('waitan.leader');
    const edited = (
      await leader
        .patch(`/api/v1/operations/${id}`, { expectedVersion: 1, title: '修订后的标题', plannedHours: 5 })
        .expect(200)
    ).body;
    expect(edited).toMatchObject({
      title: '修订后的标题',
      plannedHours: 5,
      version: 2,
      squads: ['waitan', 'nanjingdonglu', 'bund-scenic'],
    });
    await t
      .as('nanjingdonglu.leader')
      .patch(`/api/v1/operations/${id}`, { expectedVersion: 2, title: 'x' })
      .expect(403);
    await send(t, id, 2, 'FILE');
    const refused = await leader.patch(`/api/v1/operations/${id}`, { expectedVersion: 3, title: 'y' }).expect(409);
    expect(refused.body.error.code).toBe('event_not_accepted');
  });

  it('a designated commander must be a squad leader or a commander (R4)', async () => {
    const { id } = await createOperation(t);
    const res = await post('commander', id, {
      type: 'DESIGNATE_COMMANDER',
      expectedVersion: 1,
      commander: 'waitan.officer',
    }).expect(422);
    expect(res.body.error.problems[0]).toMatchObject({ code: 'not_eligible_commander', rule: 'R4' });
    await post('commander', id, { type: 'DESIGNATE_COMMANDER', expectedVersion: 1, commander: 'nobody' }).expect(400);
    await post('commander', id, {
      type: 'DESIGNATE_COMMANDER',
      expectedVersion: 1,
      commander: 'nanjingdonglu.leader',
    }).expect(200);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op.commanders).toEqual([{ username: 'nanjingdonglu.leader', displayName: '南京东路中队领导' }]);
  });
});

async function createOperationInHolding() {
  const { id } = await createOperation(t);
  let v = await send(t, id, 1, 'FILE');
  v = await send(t, id, v, 'APPROVE');
  t.clock.advance(24 * HOUR);
  v = await send(t, id, v, 'START');
  t.clock.advance(5 * HOUR);
  v = await send(t, id, v, 'COMPLETE');
  return { id, version: v };
}
