import { holdGroupMeeting, leaderOfNext, sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-12-20T09:00:00') });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const principal = (username: string) => t.services.org.authenticateToken(t.token(username));
const dutiesOf = async (username: string) =>
  (await t.services.duties.duties(await principal(username))).map((d) => `${d.key} ${d.period}`);

describe('meeting rotation over a year, including a membership change (R9: 轮值召集)', () => {
  const conveners: string[] = [];

  it('January to June: the first member squad convenes the first meeting, then member order, wrapping round', async () => {
    expect(await leaderOfNext(t, 'north')).toBe('waitan');
    for (const month of ['01', '02', '03', '04', '05', '06'])
      conveners.push((await holdGroupMeeting(t, 'north', `2027-${month}-10T14:00:00`)).convener);
    expect(conveners).toEqual(['waitan', 'nanjingdonglu', 'nanjinglu-walk', 'bund-scenic', 'waitan', 'nanjingdonglu']);
  });

  it('after June, bund-scenic leaves north and yuyuan-scenic joins it second: the queue says who is next, and why', async () => {
    await t
      .as('admin')
      .patch('/api/v1/groups/oldcity', { squads: ['yuyuan', 'xiaodongmen', 'laoximen'] })
      .expect(200);
    await t
      .as('admin')
      .patch('/api/v1/groups/north', { squads: ['waitan', 'yuyuan-scenic', 'nanjingdonglu', 'nanjinglu-walk'] })
      .expect(200);
    const { body } = await t.as('yuyuan-scenic.leader').get('/api/v1/meetings/rotation?group=north').expect(200);
    expect(body).toMatchObject({
      group: 'north',
      next: 'nanjinglu-walk',
      lastConvenerSquad: 'nanjingdonglu',
      meetingsCounted: 6,
    });
    expect(body.queue.map((q: { squad: string; waiting: string }) => [q.squad, q.waiting])).toEqual([
      ['nanjinglu-walk', 'convened'],
      ['waitan', 'convened'],
      ['yuyuan-scenic', 'joined'],
      ['nanjingdonglu', 'convened'],
    ]);
    // The newcomer waits as if it had convened June's meeting, and goes before the squad that did (member order after it).
    expect(body.queue[2]).toMatchObject({ memberOrder: 2, since: { period: '2027-06' }, tiedOnWaiting: true });
    expect(body.queue[0].since).toMatchObject({ period: '2027-03', convenerSquad: 'nanjinglu-walk' });
  });

  it('the inbox of the next convener shows the duty; the others’ do not', async () => {
    t.clock.set(sh('2027-07-01T09:00:00'));
    expect(await dutiesOf('nanjinglu-walk.leader')).toContain('meeting_to_convene 2027-07');
    for (const other of ['waitan.leader', 'yuyuan-scenic.leader', 'nanjingdonglu.leader', 'bund-scenic.leader']) {
      expect(await dutiesOf(other)).not.toContain('meeting_to_convene 2027-07');
    }
  });

  it('July to December: every member takes its turn, the newcomer once, nobody twice before another', async () => {
    for (const month of ['07', '08', '09', '10', '11', '12'])
      conveners.push((await holdGroupMeeting(t, 'north', `2027-${month}-10T14:00:00`)).convener);
    expect(conveners.slice(6)).toEqual([
      'nanjinglu-walk',
      'waitan',
      'yuyuan-scenic',
      'nanjingdonglu',
      'nanjinglu-walk',
      'waitan',
    ]);
    const { body } = await t.as('duty').get('/api/v1/meetings?group=north&year=2027').expect(200);
    expect(body.items).toHaveLength(12);
    expect(body.items.every((x: { state: string }) => x.state === 'held')).toBe(true);
    expect(body.items.map((x: { period: string }) => x.period).reverse()).toEqual(
      ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2027-${m}`),
    );
  });

  it('oldcity, which lost its fourth member, goes on in member order without it', async () => {
    // oldcity had no meetings: its first member convenes the first one.
    expect(await leaderOfNext(t, 'oldcity')).toBe('yuyuan');
  });
});

describe('arranging and recording a group meeting (R9)', () => {
  beforeAll(() => t.clock.set(sh('2028-01-05T09:00:00')));

  it('the convener defaults to the rotation’s; another member squad needs a reason; a squad outside the group is refused', async () => {
    const next = await leaderOfNext(t, 'south');
    expect(next).toBe('bansongyuanlu');
    const base = { kind: 'group', group: 'south', plannedStart: sh('2028-01-12T14:00:00'), agenda: '一月联动内容' };
    const other = await t.as('wuliqiao.leader').post('/api/v1/meetings', { ...base, convenerSquad: 'wuliqiao' });
    expect(other.status).toBe(422);
    expect(other.body.error.problems).toEqual([
      expect.objectContaining({ code: 'convener_reason_required', field: 'convenerReason', rule: 'R9' }),
    ]);
    const outside = await t
      .as('wuliqiao.leader')
      .post('/api/v1/meetings', { ...base, convenerSquad: 'waitan', convenerReason: '借用会议室' });
    expect(outside.status).toBe(422);
    expect(outside.body.error.problems).toEqual([expect.objectContaining({ code: 'convener_not_member' })]);
    const stood = await t
      .as('wuliqiao.leader')
      .post('/api/v1/meetings', { ...base, convenerSquad: 'wuliqiao', convenerReason: '半淞园路中队承担防汛任务' });
    expect(stood.status).toBe(201);
    expect(stood.body).toMatchObject({
      state: 'scheduled',
      convenerSquad: 'wuliqiao',
      rotationConvenerSquad: 'bansongyuanlu',
      convenerReason: '半淞园路中队承担防汛任务',
      period: '2028-01',
    });
    // The squad that stood in has convened: the others have waited equally long, and member order goes on after it.
    expect(await leaderOfNext(t, 'south')).toBe('dapuqiao');
    const { body } = await t.as('duty').get('/api/v1/meetings/rotation?group=south').expect(200);
    expect(body.queue.map((q: { squad: string }) => q.squad)).toEqual(['dapuqiao', 'bansongyuanlu', 'wuliqiao']);
  });

  it('an officer, a leader of another group or a manager does not arrange a group’s meeting', async () => {
    for (const who of ['wuliqiao.officer', 'waitan.leader', 'duty']) {
      const res = await t.as(who).post('/api/v1/meetings', {
        kind: 'group',
        group: 'south',
        plannedStart: sh('2028-01-20T14:00:00'),
        agenda: 'x',
      });
      expect({ who, status: res.status, reason: res.body.error.reason }).toEqual({
        who,
        status: 403,
        reason: 'not_group_leader',
      });
    }
  });

  it('is recorded once held — not in the future, with at least one squad of the group — by any leader of the group', async () => {
    const { body } = await t.as('duty').get('/api/v1/meetings?group=south&period=2028-01').expect(200);
    const id = body.items[0].id;
    const record = {
      type: 'RECORD',
      expectedVersion: 1,
      attendeeSquads: ['bansongyuanlu', 'wuliqiao', 'dapuqiao'],
      attendees: ['王队长', '街道城管科李科长'],
      minutes: '研究一月份联动安排',
      decisions: ['15日联合整治鲁班路', '20日前完成固守检查'],
    };
    const future = await t
      .as('dapuqiao.leader')
      .post(`/api/v1/meetings/${id}/events`, { ...record, heldAt: sh('2028-01-12T14:00:00') });
    expect(future.status).toBe(422);
    expect(future.body.error.problems).toEqual([expect.objectContaining({ code: 'in_future', field: 'heldAt' })]);
    const nobody = await t.as('dapuqiao.leader').post(`/api/v1/meetings/${id}/events`, {
      ...record,
      heldAt: sh('2028-01-05T08:00:00'),
      attendeeSquads: ['mobile-1'],
    });
    expect(nobody.body.error.problems).toEqual([expect.objectContaining({ code: 'no_member_attended' })]);
    t.clock.set(sh('2028-01-12T17:00:00'));
    const held = await t
      .as('dapuqiao.leader')
      .post(`/api/v1/meetings/${id}/events`, { ...record, heldAt: sh('2028-01-12T14:00:00') });
    expect(held.status).toBe(200);
    const got = await t.as('wuliqiao.officer').get(`/api/v1/meetings/${id}`).expect(200);
    expect(got.body).toMatchObject({
      state: 'held',
      heldAt: '2028-01-12T14:00:00+08:00',
      attendeeSquads: ['bansongyuanlu', 'wuliqiao', 'dapuqiao'],
      decisions: ['15日联合整治鲁班路', '20日前完成固守检查'],
      recordedBy: { username: 'dapuqiao.leader' },
      allowedEvents: [],
    });
    const history = await t.as('duty').get(`/api/v1/meetings/${id}/history`).expect(200);
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual(['CREATE', 'RECORD']);
  });

  it('a cancelled meeting does not count in the rotation', async () => {
    const before = await leaderOfNext(t, 'west');
    const res = await t
      .as(`${before}.leader`)
      .post('/api/v1/meetings', { kind: 'group', group: 'west', plannedStart: sh('2028-01-25T14:00:00'), agenda: 'x' });
    await t
      .as('duty')
      .post(`/api/v1/meetings/${res.body.id}/events`, { type: 'CANCEL', expectedVersion: 1, reason: '寒潮预警，改期' })
      .expect(200);
    expect(await leaderOfNext(t, 'west')).toBe(before);
  });

  it('a group’s meetings are the group’s and the managers’ to read', async () => {
    const { body } = await t.as('duty').get('/api/v1/meetings?group=south').expect(200);
    await t.as('commander').get(`/api/v1/meetings/${body.items[0].id}`).expect(200);
    const other = await t.as('waitan.leader').get(`/api/v1/meetings/${body.items[0].id}`);
    expect(other.status).toBe(403);
    expect(other.body.error.reason).toBe('not_group_or_manager');
    await t.as('waitan.leader').get('/api/v1/meetings/rotation?group=south').expect(403);
  });
});

describe('the HQ’s half-yearly summary meeting (R9)', () => {
  it('is arranged and recorded by the Duty Command Section, read by everyone in the brigade', async () => {
    t.clock.set(sh('2028-06-20T09:00:00'));
    expect(await dutiesOf('duty')).toContain('hq_meeting_to_arrange 2028-H1');
    const refused = await t.as('waitan.leader').post('/api/v1/meetings', {
      kind: 'hq_summary',
      plannedStart: sh('2028-06-28T09:00:00'),
      agenda: '上半年联动工作总结',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.reason).toBe('not_manager');
    const res = await t.as('duty').post('/api/v1/meetings', {
      kind: 'hq_summary',
      plannedStart: sh('2028-06-28T09:00:00'),
      place: '大队会议室',
      agenda: '上半年联动工作总结',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'hq_summary', group: null, period: '2028-H1', convenerSquad: null });
    expect(await dutiesOf('duty')).not.toContain('hq_meeting_to_arrange 2028-H1');
    t.clock.set(sh('2028-06-28T12:00:00'));
    expect(await dutiesOf('commander')).toContain('hq_meeting_to_record 2028-H1');
    await t
      .as('commander')
      .post(`/api/v1/meetings/${res.body.id}/events`, {
        type: 'RECORD',
        expectedVersion: 1,
        attendeeSquads: ['waitan', 'yuyuan', 'mobile-1'],
        minutes: '总结上半年',
        decisions: ['下半年重点整治新开河地区'],
      })
      .expect(200);
    const seen = await t.as('yuyuan.officer').get(`/api/v1/meetings/${res.body.id}`).expect(200);
    expect(seen.body).toMatchObject({ state: 'held', heldAt: '2028-06-28T12:00:00+08:00' });
    const listed = await t.as('legal').get('/api/v1/meetings').expect(200);
    expect(listed.body.items.map((x: { kind: string }) => x.kind)).toEqual(['hq_summary']);
  });
});
