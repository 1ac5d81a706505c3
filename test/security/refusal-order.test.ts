import { createOperation, operationIn, send } from '../support/factories';
import { registerGoods } from '../support/goods';
import { draftGroupPlan, sh } from '../support/plans-meetings';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { proposeTransfer, registerCase } from '../support/transfers';

/**
 * Issue 11, finding 8: the order of refusals. Existence (404) first, then who
 * may (403), then the version (409 stale_version), then whether the state takes
 * the event (409 event_not_accepted), then the rules (422). A caller who may
 * not act learns nothing of a record's version or state; a caller who may act
 * is told the record moved on, or that its state does not take the event.
 */
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

/** A refusal that tells nothing of the record's state or version. */
function expectForbidden(res: { status: number; body: { error?: Record<string, unknown> } }, reason?: string) {
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'forbidden' });
  expect(res.body.error).not.toHaveProperty('currentVersion');
  expect(res.body.error).not.toHaveProperty('currentState');
  if (reason) expect(res.body.error!.reason).toBe(reason);
}

describe('a caller who may not read a record learns nothing of its version or state', () => {
  it('a leader of another group gets 403 on a group plan’s event and edit, whatever expectedVersion says', async () => {
    const id = await draftGroupPlan(t, '2026-12');
    const outsider = t.as('yuyuan.leader');
    expectForbidden(await outsider.post(`/api/v1/group-plans/${id}/events`, { type: 'FILE', expectedVersion: 9 }));
    expectForbidden(await outsider.post(`/api/v1/group-plans/${id}/events`, { type: 'FILE', expectedVersion: 1 }));
    expectForbidden(await outsider.patch(`/api/v1/group-plans/${id}`, { expectedVersion: 9, notes: '改' }));
    // An edit naming a squad of no one's: still 403, not a 400 about the line.
    expectForbidden(
      await outsider.patch(`/api/v1/group-plans/${id}`, {
        expectedVersion: 9,
        operations: [{ date: '2026-12-05', title: 'x', leadSquad: 'nowhere' }],
      }),
    );
    expectForbidden(await outsider.get(`/api/v1/group-plans/${id}`));
    expectForbidden(await outsider.get(`/api/v1/group-plans/${id}/history`));
    // Unknown: 404 before anything.
    expect(
      (await outsider.post(`/api/v1/group-plans/999999/events`, { type: 'FILE', expectedVersion: 9 })).status,
    ).toBe(404);
  });

  it('a leader of another group gets 403 on a group meeting’s events and edits', async () => {
    const created = await t.as('waitan.leader').post('/api/v1/meetings', {
      kind: 'group',
      group: 'north',
      plannedStart: sh('2026-11-20T14:00:00'),
      place: '外滩中队会议室',
      agenda: '本月联动内容',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const outsider = t.as('yuyuan.leader');
    expectForbidden(
      await outsider.post(`/api/v1/meetings/${id}/events`, { type: 'CANCEL', expectedVersion: 9, reason: '改期' }),
    );
    expectForbidden(
      await outsider.post(`/api/v1/meetings/${id}/events`, {
        type: 'RECORD',
        expectedVersion: 9,
        attendeeSquads: ['nowhere'],
        minutes: '纪要',
      }),
    );
    expectForbidden(await outsider.patch(`/api/v1/meetings/${id}`, { expectedVersion: 9, place: '别处' }));
    expectForbidden(await outsider.get(`/api/v1/meetings/${id}`));
    // The group's own leader with a stale version is told it moved on.
    const stale = await t
      .as('nanjingdonglu.leader')
      .post(`/api/v1/meetings/${id}/events`, { type: 'CANCEL', expectedVersion: 9, reason: '改期' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale_version', currentVersion: 1, currentState: 'scheduled' });
  });
});

describe('who may act comes before the version, for every kind of record', () => {
  it('operation: an officer who may never approve gets 403, not the version', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    expectForbidden(
      await t.as('waitan.officer').post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: 9 }),
      'not_manager',
    );
    expectForbidden(
      await t.as('yuyuan.leader').patch(`/api/v1/operations/${id}`, { expectedVersion: 9, title: '改' }),
      'not_lead_squad_leader',
    );
  });

  it('operation: the lead squad’s leader who cancelled the draft they read is told someone acted first (409), not refused', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    // They read version 1 (a draft they may cancel); it was filed meanwhile.
    const stale = await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${id}/events`, { type: 'CANCEL', expectedVersion: 1, reason: '天气原因' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale_version', currentVersion: 2, currentState: 'filed' });
    // At the version they now read, a filed plan is the managers' to cancel.
    expectForbidden(
      await t
        .as('waitan.leader')
        .post(`/api/v1/operations/${id}/events`, { type: 'CANCEL', expectedVersion: 2, reason: '天气原因' }),
      'not_manager',
    );
  });

  it('operation: a manager approving what is already approved is told the state does not take it', async () => {
    const { id, version } = await operationIn(t, 'approved');
    const res = await t
      .as('duty2')
      .post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: version });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'event_not_accepted', event: 'APPROVE', currentState: 'approved' });
    // And the lead squad's leader cancelling a closed-for-them step: the state takes no CANCEL once under way.
    t.clock.advance(24 * 3_600_000);
    const started = await send(t, id, version, 'START');
    const late = await t
      .as('duty')
      .post(`/api/v1/operations/${id}/events`, { type: 'CANCEL', expectedVersion: started, reason: '取消' });
    expect(late.body.error).toMatchObject({ code: 'event_not_accepted', currentState: 'in_progress' });
  });

  it('hard problem: a leader of a squad not at the border gets 403 (not 409, not a 422 about the payload)', async () => {
    const { id } = await reportProblem(t, { location: '福州路·山东中路口' });
    const outsider = t.as('yuyuan.leader');
    expectForbidden(await outsider.post(`/api/v1/problems/${id}/events`, { type: 'ACCEPT', expectedVersion: 9 }));
    expectForbidden(
      await outsider.post(`/api/v1/problems/${id}/events`, { type: 'MERGE', expectedVersion: 9, into: id }),
    );
    expectForbidden(
      await outsider.post(`/api/v1/problems/${id}/events`, {
        type: 'RESOLVE',
        expectedVersion: 9,
        note: '已清',
        operation: 999999,
      }),
    );
  });

  it('border notice: a leader of another group gets 403 on CLOSE whatever the version', async () => {
    const res = await t.as('waitan.officer').post('/api/v1/border-notices', {
      location: '九江路·河南中路口',
      what: '流动摊贩在两中队交界处流窜',
      squads: ['waitan', 'nanjingdonglu'],
    });
    expect(res.status).toBe(201);
    expectForbidden(
      await t
        .as('yuyuan.leader')
        .post(`/api/v1/border-notices/${res.body.id}/events`, { type: 'CLOSE', expectedVersion: 9, reason: '非本组' }),
      'not_group_leader',
    );
  });

  it('detained goods: a leader of a squad that does not keep the item gets 403, also for a MOVE naming no squad', async () => {
    const { id: op } = await operationIn(t, 'in_progress');
    const [cart] = await registerGoods(t, op);
    const other = t.as('nanjingdonglu.leader');
    expectForbidden(
      await other.post(`/api/v1/goods/${cart}/events`, {
        type: 'RETURN_TO_OWNER',
        expectedVersion: 9,
        receivedBy: '王某',
      }),
      'not_custodian_leader',
    );
    expectForbidden(
      await other.post(`/api/v1/goods/${cart}/events`, {
        type: 'MOVE',
        expectedVersion: 9,
        custodianSquad: 'nowhere',
        storagePlace: '仓库',
      }),
      'not_custodian_leader',
    );
  });

  it('case transfer: anyone but the legal section gets 403 on DESIGNATE, also naming no squad', async () => {
    const id = await proposeTransfer(t, await registerCase(t));
    await t
      .as('nanjingdonglu.leader')
      .post(`/api/v1/transfers/${id}/events`, { type: 'DISPUTE', expectedVersion: 1, reason: '发生地不在本辖区' })
      .expect(200);
    expectForbidden(
      await t.as('commander').post(`/api/v1/transfers/${id}/events`, {
        type: 'DESIGNATE',
        expectedVersion: 9,
        squad: 'yuyuan',
        reason: '属地',
      }),
      'not_legal',
    );
    expectForbidden(
      await t.as('commander').post(`/api/v1/transfers/${id}/events`, {
        type: 'DESIGNATE',
        expectedVersion: 9,
        squad: 'nowhere',
        reason: '属地',
      }),
      'not_legal',
    );
    const stale = await t.as('legal').post(`/api/v1/transfers/${id}/events`, {
      type: 'DESIGNATE',
      expectedVersion: 1,
      squad: 'yuyuan',
      reason: '属地',
    });
    expect(stale.body.error).toMatchObject({ code: 'stale_version', currentVersion: 2 });
  });
});
