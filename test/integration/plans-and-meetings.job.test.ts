import type { FindOptionsWhere } from 'typeorm';
import { Flag } from '../../src/persistence/entities';
import { draftGroupPlan, groupPlanBody, holdGroupMeeting, leaderOfNext, sendPlan, sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  // The brigade starts using Liandong on 2 November 2026.
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
});
afterAll(async () => {
  await t.close();
});

const run = (period?: string) => t.services.jobs.run('plans-and-meetings', { via: 'cli', period });
const flags = (where: FindOptionsWhere<Flag> = {}) => t.services.db.manager.find(Flag, { where, order: { id: 'ASC' } });
const groupIds = async () => new Map((await t.services.org.groups(1)).map((g) => [g.group.id, g.group.code]));
/** The open flags of a kind and period, as group codes (or `hq`). */
async function flagged(kind: string, period: string, status = 'open'): Promise<string[]> {
  const codes = await groupIds();
  return (await flags({ kind, period, status })).map((f) => (f.groupId === null ? 'hq' : codes.get(f.groupId)!)).sort();
}
const lines = (month: string, leads: [string, string]) =>
  (groupPlanBody(month).operations as Array<Record<string, unknown>>).map((o, i) => ({ ...o, leadSquad: leads[i] }));

describe('the plans-and-meetings job (R5, R9) with a moved clock', () => {
  it('judges nothing the brigade could not have done: November began, and October ended, before it used Liandong', async () => {
    t.clock.set(sh('2026-11-15T01:15:00'));
    expect(await run()).toMatchObject({ status: 'ok', period: '2026-11', found: 0 });
    await run('2026-10');
    expect(await flags()).toEqual([]);
  });

  it('on 1 December: groups without a filed December plan are flagged (R5); months without a meeting held (R9), even one arranged but not recorded', async () => {
    // North files December's plan in good time and holds November's meeting; oldcity drafts but does not file, and arranges a meeting it never records.
    t.clock.set(sh('2026-11-25T10:00:00'));
    const north = await draftGroupPlan(t, '2026-12');
    await sendPlan(t, north, 1, 'FILE');
    await draftGroupPlan(
      t,
      '2026-12',
      { group: 'oldcity', operations: lines('2026-12', ['yuyuan', 'laoximen']) },
      'yuyuan.leader',
    );
    await holdGroupMeeting(t, 'north', '2026-11-20T14:00:00');
    t.clock.set(sh('2026-11-26T10:00:00'));
    const convener = await leaderOfNext(t, 'oldcity');
    const arranged = await t.as(`${convener}.leader`).post('/api/v1/meetings', {
      kind: 'group',
      group: 'oldcity',
      plannedStart: sh('2026-11-28T14:00:00'),
      agenda: '十二月联动',
    });
    expect(arranged.status).toBe(201);

    t.clock.set(sh('2026-12-01T01:15:00'));
    const r = await run();
    expect(r).toMatchObject({ status: 'ok', period: '2026-12', found: 6 });
    expect(await flagged('plan_missing', '2026-12')).toEqual(['oldcity', 'south', 'west']);
    expect(await flagged('meeting_missing', '2026-11')).toEqual(['oldcity', 'south', 'west']);
    const codes = await groupIds();
    const oldcityId = [...codes].find(([, c]) => c === 'oldcity')![0];
    const [plan] = await flags({ kind: 'plan_missing', groupId: oldcityId });
    expect(plan).toMatchObject({ rule: 'R5', figures: { month: '2026-12', plan: { state: 'draft' } } });
    const [meeting] = await flags({ kind: 'meeting_missing', groupId: oldcityId });
    expect(meeting).toMatchObject({
      rule: 'R9',
      figures: { held: 0, scheduled: [expect.objectContaining({ id: arranged.body.id })] },
    });
    // No half-year has ended yet.
    expect(await flags({ kind: 'hq_meeting_missing' })).toEqual([]);
  });

  it('re-running never duplicates a flag', async () => {
    const before = await flags();
    const again = await run();
    expect(again.did).toBe(0);
    expect(await flags()).toEqual(before);
  });

  it('a plan filed late and a meeting recorded after the fact resolve their flags by data on the next run', async () => {
    t.clock.set(sh('2026-12-03T10:00:00'));
    const { body } = await t.as('yuyuan.leader').get('/api/v1/group-plans?group=oldcity&month=2026-12').expect(200);
    await sendPlan(t, body.items[0].id, 1, 'FILE', {}, 'xiaodongmen.leader');
    expect((await t.as('duty').get(`/api/v1/group-plans/${body.items[0].id}`)).body.filedLate).toBe(true);
    const { body: m } = await t.as('duty').get('/api/v1/meetings?group=oldcity&period=2026-11').expect(200);
    await t
      .as('yuyuan.leader')
      .post(`/api/v1/meetings/${m.items[0].id}/events`, {
        type: 'RECORD',
        expectedVersion: 1,
        heldAt: sh('2026-11-28T14:00:00'),
        attendeeSquads: ['yuyuan', 'xiaodongmen', 'laoximen'],
        minutes: '补记：十一月例会如期召开',
      })
      .expect(200);
    const r = await run();
    expect(r.summary).toMatchObject({
      huangpu: { plan_missing: { resolvedByData: 1 }, meeting_missing: { resolvedByData: 1 } },
    });
    expect(await flagged('plan_missing', '2026-12', 'resolved_by_data')).toEqual(['oldcity']);
    expect(await flagged('meeting_missing', '2026-11', 'resolved_by_data')).toEqual(['oldcity']);
    expect(await flagged('plan_missing', '2026-12')).toEqual(['south', 'west']);
  });

  it('a plan returned during its month is no longer on file: its flag opens again', async () => {
    t.clock.set(sh('2026-12-05T10:00:00'));
    const { body } = await t.as('duty').get('/api/v1/group-plans?group=oldcity&month=2026-12').expect(200);
    await sendPlan(t, body.items[0].id, 2, 'RETURN', { reason: '目标须量化' }, 'duty');
    await run();
    expect(await flagged('plan_missing', '2026-12')).toEqual(['oldcity', 'south', 'west']);
  });

  it('on 1 January: the half-year without the HQ’s summary meeting is flagged; recording one held in December resolves it', async () => {
    t.clock.set(sh('2027-01-01T01:15:00'));
    await run();
    expect(await flagged('hq_meeting_missing', '2026-H2')).toEqual(['hq']);
    expect((await flags({ kind: 'hq_meeting_missing' }))[0]).toMatchObject({
      rule: 'R9',
      groupId: null,
      figures: { halfYear: '2026-H2', held: 0 },
    });
    // No group held a meeting in December.
    expect(await flagged('meeting_missing', '2026-12')).toEqual(['north', 'oldcity', 'south', 'west']);
    expect(await flagged('plan_missing', '2027-01')).toEqual(['north', 'oldcity', 'south', 'west']);
    // Recorded on 2 January, held on 29 December: it counts for 2026-H2.
    t.clock.set(sh('2027-01-02T10:00:00'));
    const hq = await t.as('duty').post('/api/v1/meetings', {
      kind: 'hq_summary',
      plannedStart: sh('2026-12-29T09:00:00'),
      agenda: '下半年联动工作总结',
    });
    expect(hq.body.period).toBe('2026-H2');
    await t
      .as('duty')
      .post(`/api/v1/meetings/${hq.body.id}/events`, {
        type: 'RECORD',
        expectedVersion: 1,
        heldAt: sh('2026-12-29T09:00:00'),
        attendeeSquads: ['waitan'],
        minutes: '总结',
      })
      .expect(200);
    await run();
    expect(await flagged('hq_meeting_missing', '2026-H2', 'resolved_by_data')).toEqual(['hq']);
  });

  it('a manager resolves a flag with a note, and later runs leave it so', async () => {
    const southId = [...(await groupIds())].find(([, c]) => c === 'south')![0];
    const [south] = await flags({ kind: 'meeting_missing', period: '2026-11', groupId: southId });
    expect(south.status).toBe('open');
    const duty = await t.services.org.authenticateToken(t.token('duty'));
    await t.services.flags.resolve(duty, south.id, '南片十一月承担进博会保障，例会顺延');
    await run('2026-11');
    expect((await flags({ id: south.id }))[0].status).toBe('resolved');
  });
});
