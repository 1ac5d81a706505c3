import type { Principal } from '../../src/domain/org/org.service';
import type { EventInput, PlanInput } from '../../src/domain/operations/operation.inputs';
import { planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/db';

/**
 * The figures service asked directly (no HTTP): operations made here through the
 * operation service, with results chosen so every total below is worked out by hand.
 */

let t: TestApp;
const HOUR = 3_600_000;
const sh = (local: string) => new Date(`${local}+08:00`);

async function as(username: string): Promise<Principal> {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

interface Line {
  squad: string;
  officers: number;
  vehicles: number;
  educated: number;
  handled: number;
}

/** An operation of a group's two squads, filed the day before `start`, begun then and completed `hours` later with `lines`. */
async function completedOperation(
  group: string,
  squads: [string, string],
  start: Date,
  hours: number,
  lines: Line[],
): Promise<number> {
  const [lead, other] = squads;
  t.clock.set(new Date(start.getTime() - 24 * HOUR));
  const leader = await as(`${lead}.leader`);
  const plan = planBody(t.clock.now(), {
    group,
    leadSquad: lead,
    hostSquad: lead,
    squads: [lead, other],
    forces: [
      { squad: lead, officers: 5, vehicles: 1 },
      { squad: other, officers: 4, vehicles: 1 },
    ],
    plannedStart: start.toISOString(),
    plannedHours: Math.max(4, hours),
  }) as unknown as PlanInput;
  const id = await t.services.operations.create(leader, plan);
  const ops = t.services.operations;
  let v = (await ops.send(leader, id, { type: 'FILE', expectedVersion: 1 })).version;
  v = (await ops.send(await as('duty'), id, { type: 'APPROVE', expectedVersion: v })).version;
  t.clock.set(new Date(start.getTime() + hours * HOUR));
  v = (await ops.send(leader, id, { type: 'START', expectedVersion: v, actualStart: start.toISOString() })).version;
  const results = lines.map((l) => ({ ...l, goodsDetained: 0 }));
  await ops.send(leader, id, { type: 'COMPLETE', expectedVersion: v, results } as EventInput);
  return id;
}

let marchNorth: number;
let marchOldCity: number;
let mayNorth: number;
let returnedThenCancelled: number;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-01T00:00:00.000Z' });
  // March 2026: north (Waitan 4 officers, Nanjing East Road 3 sent who educated and handled nothing) and old city.
  marchNorth = await completedOperation('north', ['waitan', 'nanjingdonglu'], sh('2026-03-05T09:00:00'), 5, [
    { squad: 'waitan', officers: 4, vehicles: 1, educated: 6, handled: 2 },
    { squad: 'nanjingdonglu', officers: 3, vehicles: 2, educated: 0, handled: 0 },
  ]);
  marchOldCity = await completedOperation('oldcity', ['yuyuan', 'xiaodongmen'], sh('2026-03-20T14:00:00'), 5, [
    { squad: 'yuyuan', officers: 5, vehicles: 1, educated: 10, handled: 1 },
    { squad: 'xiaodongmen', officers: 2, vehicles: 0, educated: 3, handled: 0 },
  ]);
  // May 2026 (the second quarter): one more of north's.
  mayNorth = await completedOperation('north', ['waitan', 'nanjingdonglu'], sh('2026-05-10T09:00:00'), 5, [
    { squad: 'waitan', officers: 6, vehicles: 1, educated: 1, handled: 1 },
    { squad: 'nanjingdonglu', officers: 1, vehicles: 0, educated: 1, handled: 0 },
  ]);
  // 12 April: a plan filed, returned by the duty officer, then cancelled by its squad leader.
  t.clock.set(sh('2026-04-12T10:00:00'));
  const leader = await as('waitan.leader');
  returnedThenCancelled = await t.services.operations.create(leader, planBody(t.clock.now()) as unknown as PlanInput);
  let v = (await t.services.operations.send(leader, returnedThenCancelled, { type: 'FILE', expectedVersion: 1 }))
    .version;
  v = (
    await t.services.operations.send(await as('duty'), returnedThenCancelled, {
      type: 'RETURN',
      expectedVersion: v,
      reason: '应急预案不完整',
    })
  ).version;
  await t.services.operations.send(leader, returnedThenCancelled, {
    type: 'CANCEL',
    expectedVersion: v,
    reason: '整治点位已纳入其他行动',
  });
  t.clock.set(sh('2026-07-01T09:00:00'));
});
afterAll(async () => {
  await t.close();
});

async function values(
  username: string,
  q: { period?: string; from?: string; to?: string; group?: string; squad?: string },
) {
  const view = await t.services.figures.view(await as(username), q);
  return Object.fromEntries(
    view.rows.map((r) => [
      r.indicator.id,
      { current: r.current.value, previous: r.previous.value, lastYear: r.lastYear.value },
    ]),
  );
}

describe(`FiguresService (${TEST_DB})`, () => {
  it("sums a month's operations and result lines over the brigade", async () => {
    const v = await values('duty', { period: '2026-03' });
    expect(v.operations.current).toBe(2);
    expect(v.person_times.current).toBe(4 + 3 + 5 + 2);
    expect(v.vehicle_times.current).toBe(1 + 2 + 1 + 0);
    expect(v.educated.current).toBe(6 + 0 + 10 + 3);
    expect(v.handled.current).toBe(2 + 0 + 1 + 0);
    expect(v.idle_lines.current).toBe(1);
    // February had none, nor did March 2025.
    expect(v.operations.previous).toBe(0);
    expect(v.operations.lastYear).toBe(0);
  });

  it("a group's figures count its operations and only its squads' lines; a squad's only its own line", async () => {
    const north = await values('duty', { period: '2026-03', group: 'north' });
    expect(north.operations.current).toBe(1);
    expect(north.person_times.current).toBe(4 + 3);
    const yuyuan = await values('duty', { period: '2026-03', squad: 'yuyuan' });
    expect(yuyuan.operations.current).toBe(1);
    expect(yuyuan.person_times.current).toBe(5);
    expect(yuyuan.educated.current).toBe(10);
  });

  it('quarters, a year and a range of months', async () => {
    expect((await values('duty', { period: '2026-Q1' })).operations.current).toBe(2);
    const q2 = await values('duty', { period: '2026-Q2' });
    expect(q2.operations.current).toBe(1);
    expect(q2.operations.previous).toBe(2);
    expect(q2.person_times.current).toBe(6 + 1);
    expect(q2.returns.current).toBe(1);
    expect(q2.cancellations.current).toBe(1);
    const year = await values('duty', { period: '2026' });
    expect(year.operations.current).toBe(3);
    expect(year.person_times.current).toBe(14 + 7);
    expect((await values('duty', { from: '2026-04', to: '2026-05' })).operations.current).toBe(1);
  });

  it("drills into a result figure: one row per operation, each its scope's lines' sum, adding up to the figure", async () => {
    const duty = await as('duty');
    const page = await t.services.figures.drill(duty, { period: '2026-03', indicator: 'person_times' });
    expect(page.rows.map((r) => [r.id, r.value])).toEqual([
      [marchOldCity, 5 + 2],
      [marchNorth, 4 + 3],
    ]);
    expect(page.rows.every((r) => r.why.key === 'why.result_lines')).toBe(true);
    expect(page.nextCursor).toBeNull();
    const north = await t.services.figures.drill(duty, { period: '2026-03', indicator: 'educated', group: 'north' });
    expect(north.rows.map((r) => [r.id, r.value])).toEqual([[marchNorth, 6]]);
  });

  it('drills into the idle lines: the operation, the squad that sent officers and did nothing', async () => {
    const page = await t.services.figures.drill(await as('duty'), { period: '2026-03', indicator: 'idle_lines' });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({
      id: marchNorth,
      link: `/operations/${marchNorth}`,
      value: 1,
      why: { key: 'why.idle', params: { squad: '南京东路中队', others: 0, officers: 3 } },
    });
  });

  it('pages operations newest first with a cursor', async () => {
    const duty = await as('duty');
    const first = await t.services.figures.drill(duty, { period: '2026', indicator: 'operations', limit: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([mayNorth, marchOldCity]);
    expect(first.nextCursor).not.toBeNull();
    const second = await t.services.figures.drill(duty, {
      period: '2026',
      indicator: 'operations',
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.rows.map((r) => r.id)).toEqual([marchNorth]);
    expect(second.nextCursor).toBeNull();
    const all = await t.services.figures.drillAll(duty, { period: '2026', indicator: 'operations' });
    expect(all.rows.map((r) => r.id)).toEqual([mayNorth, marchOldCity, marchNorth]);
  });

  it('drills into the returns and cancellations with their reasons', async () => {
    const duty = await as('duty');
    const returns = await t.services.figures.drill(duty, { period: '2026-04', indicator: 'returns' });
    expect(returns.rows.map((r) => [r.link, r.why.key, r.why.params.reason])).toEqual([
      [`/operations/${returnedThenCancelled}`, 'why.returned', '应急预案不完整'],
    ]);
    const cancelled = await t.services.figures.drill(duty, { period: '2026-04', indicator: 'cancellations' });
    expect(cancelled.rows.map((r) => [r.link, r.why.key, r.why.params.reason])).toEqual([
      [`/operations/${returnedThenCancelled}`, 'why.cancelled', '整治点位已纳入其他行动'],
    ]);
  });

  it('refuses an officer, an unknown indicator and a bad cursor', async () => {
    await expect(t.services.figures.view(await as('waitan.officer'), { period: '2026-03' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      t.services.figures.drill(await as('duty'), { period: '2026-03', indicator: 'nope' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      t.services.figures.drill(await as('duty'), { period: '2026-03', indicator: 'operations', cursor: 'x' }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
