import type { TestApp } from './test-app';

/** A complete plan of group north for `month`: a target and two operations led by its squads. */
export function groupPlanBody(month: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    group: 'north',
    month,
    targets: ['外滩沿线无证设摊下降五成', '南京东路跨门营业基本消除'],
    operations: [
      {
        date: `${month}-05`,
        title: '中山东一路无证设摊整治',
        leadSquad: 'waitan',
        location: '中山东一路',
        problemSource: 'hotspot',
      },
      {
        date: `${month}-19`,
        title: '南京东路跨门营业整治',
        leadSquad: 'nanjingdonglu',
        location: '南京东路',
        problemSource: 'hotline_12319',
      },
    ],
    notes: '每周五通报进度',
    ...overrides,
  };
}

/** Drafts a plan through the API; returns its id. */
export async function draftGroupPlan(
  t: TestApp,
  month: string,
  overrides: Record<string, unknown> = {},
  as = 'waitan.leader',
): Promise<number> {
  const res = await t.as(as).post('/api/v1/group-plans', groupPlanBody(month, overrides));
  if (res.status !== 201) throw new Error(`plan draft failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** Sends an event to a group plan, expecting success; returns the new version. */
export async function sendPlan(
  t: TestApp,
  id: number,
  version: number,
  type: string,
  extra: Record<string, unknown> = {},
  as = 'waitan.leader',
): Promise<number> {
  const res = await t.as(as).post(`/api/v1/group-plans/${id}/events`, { type, expectedVersion: version, ...extra });
  if (res.status !== 200) throw new Error(`${type} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}

/** Shanghai wall-clock time as an ISO instant. */
export const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

/**
 * Arranges and records a group meeting at `local` (Shanghai time), convened by
 * whoever the rotation names, as a leader of that squad; the clock is left
 * just after the meeting. Returns the meeting's id and its convener's code.
 */
export async function holdGroupMeeting(
  t: TestApp,
  group: string,
  local: string,
  opts: { attendees?: string[] } = {},
): Promise<{ id: number; convener: string }> {
  const leader = await leaderOfNext(t, group);
  t.clock.set(sh(`${local.slice(0, 10)}T08:00:00`));
  const at = sh(local);
  const created = await t
    .as(`${leader}.leader`)
    .post('/api/v1/meetings', { kind: 'group', group, plannedStart: at, place: '会议室', agenda: '本月联动内容' });
  if (created.status !== 201) throw new Error(`meeting failed: ${created.status} ${JSON.stringify(created.body)}`);
  t.clock.set(new Date(Date.parse(at) + 2 * 3_600_000));
  const members = (await t.as('duty').get('/api/v1/groups')).body.items.find((g: { code: string }) => g.code === group)
    .squads as string[];
  const recorded = await t.as(`${leader}.leader`).post(`/api/v1/meetings/${created.body.id}/events`, {
    type: 'RECORD',
    expectedVersion: 1,
    heldAt: at,
    attendeeSquads: opts.attendees ?? members,
    attendees: ['各中队领导'],
    minutes: '通报上月联动情况，安排本月联动',
    decisions: ['按计划开展两次联合整治'],
  });
  if (recorded.status !== 200) throw new Error(`record failed: ${recorded.status} ${JSON.stringify(recorded.body)}`);
  return { id: created.body.id as number, convener: created.body.convenerSquad as string };
}

/** The squad the rotation names to convene the group's next meeting. */
export async function leaderOfNext(t: TestApp, group: string): Promise<string> {
  const res = await t.as('duty').get(`/api/v1/meetings/rotation?group=${group}`);
  if (res.status !== 200) throw new Error(`rotation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.next as string;
}
