import type { Principal } from '../../src/domain/org/org.service';
import type { EventInput, PlanInput } from '../../src/domain/operations/operation.inputs';
import { evaluateMonth } from '../../src/domain/oversight/compliance';
import { MonthStandings } from '../../src/domain/oversight/month-standing';
import { LinkageGroup } from '../../src/persistence/entities';
import { planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * R6 asked directly (no HTTP): MonthStandings.of and evaluateMonth over
 * operations made here through the operation service — every count below is
 * worked out by hand from them.
 */

let t: TestApp;
const HOUR = 3_600_000;
const sh = (local: string) => new Date(`${local}+08:00`);
const TZ = 'Asia/Shanghai';

async function as(username: string): Promise<Principal> {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

/** An operation of two squads of a group, approved and begun at `start`; its id, version and leader. */
async function begun(group: string, squads: [string, string], start: Date, opts: { kind?: 'regular' | 'ad_hoc' } = {}) {
  const [lead, other] = squads;
  t.clock.set(new Date(start.getTime() - 24 * HOUR));
  const leader = await as(`${lead}.leader`);
  const plan = planBody(t.clock.now(), {
    group,
    kind: opts.kind ?? 'regular',
    leadSquad: lead,
    hostSquad: lead,
    squads: [lead, other],
    forces: [
      { squad: lead, officers: 5, vehicles: 1 },
      { squad: other, officers: 4, vehicles: 1 },
    ],
    plannedStart: start.toISOString(),
    plannedHours: 4,
  }) as unknown as PlanInput;
  const id = await t.services.operations.create(leader, plan);
  const ops = t.services.operations;
  let v = (await ops.send(leader, id, { type: 'FILE', expectedVersion: 1 })).version;
  v = (await ops.send(await as('duty'), id, { type: 'APPROVE', expectedVersion: v })).version;
  t.clock.set(new Date(start.getTime() + HOUR));
  v = (await ops.send(leader, id, { type: 'START', expectedVersion: v, actualStart: start.toISOString() })).version;
  return { id, v, leader, squads };
}

/** Completes a begun operation `hours` after its start (under 4 hours: with the reason), recorded an hour after its end or at `recordedAt`. */
async function complete(
  op: Awaited<ReturnType<typeof begun>>,
  start: Date,
  hours: number,
  recordedAt?: Date,
): Promise<void> {
  const end = new Date(start.getTime() + hours * HOUR);
  t.clock.set(recordedAt ?? new Date(end.getTime() + HOUR));
  const results = op.squads.map((squad) => ({
    squad,
    officers: 3,
    vehicles: 1,
    educated: 2,
    handled: 1,
    goodsDetained: 0,
  }));
  const input = {
    type: 'COMPLETE',
    expectedVersion: op.v,
    actualEnd: end.toISOString(),
    results,
    ...(hours < 4 ? { shortReason: '突降暴雨，提前收队。' } : {}),
  };
  await t.services.operations.send(op.leader, op.id, input as EventInput);
}

const groupId = async (code: string) => (await t.services.db.manager.findOneByOrFail(LinkageGroup, { code })).id;

let northQualifying: number;
let northShort: number;
let northAdHoc: number;
let southOpen: Awaited<ReturnType<typeof begun>>;
const southStart = sh('2026-03-25T09:00:00');

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-01T00:00:00.000Z' });
  // March 2026, north: one that qualifies (5 h), one short (3.5 h), one ad hoc (5 h) — one qualifying of three.
  const a = sh('2026-03-03T09:00:00');
  const opA = await begun('north', ['waitan', 'nanjingdonglu'], a);
  await complete(opA, a, 5);
  northQualifying = opA.id;
  const b = sh('2026-03-10T14:00:00');
  const opB = await begun('north', ['nanjingdonglu', 'waitan'], b);
  await complete(opB, b, 3.5);
  northShort = opB.id;
  const c = sh('2026-03-12T19:00:00');
  const opC = await begun('north', ['waitan', 'nanjingdonglu'], c, { kind: 'ad_hoc' });
  await complete(opC, c, 5);
  northAdHoc = opC.id;
  // Old city: two that qualify (met). South: one begun and never completed (in progress).
  for (const day of ['2026-03-05', '2026-03-19']) {
    const s = sh(`${day}T09:00:00`);
    await complete(await begun('oldcity', ['yuyuan', 'xiaodongmen'], s), s, 4.5);
  }
  southOpen = await begun('south', ['wuliqiao', 'dapuqiao'], southStart);
  // April 2026: one of north's, under way in the month in progress.
  const april = sh('2026-04-02T09:00:00');
  await complete(await begun('north', ['waitan', 'nanjingdonglu'], april), april, 6);
  t.clock.set(sh('2026-04-10T12:00:00'));
});

afterAll(async () => {
  await t.close();
});

describe('how a linkage group’s month stands (R6), asked of the domain', () => {
  const months = ['2026-02', '2026-03', '2026-04', '2026-05'];
  const brigade = async () => ({
    id: (await t.services.org.brigadeByCode('huangpu')).id,
    timeZone: TZ,
    since: '2026-03',
  });

  it('counts each group’s qualifying operations of a month and judges the months over against the minimum of two', async () => {
    const standings = await new MonthStandings(t.services.db, t.services.config, t.clock).of(await brigade(), months);
    expect([standings.minimum, standings.current, standings.since]).toEqual([2, '2026-04', '2026-03']);
    const row = async (code: string) =>
      standings.of(await groupId(code)).map((s) => [s.month, s.qualifying, s.notCounting, s.status]);
    expect(await row('north')).toEqual([
      ['2026-02', 0, 0, 'before'],
      // A qualifies; B (3.5 h) and C (ad hoc) began in March and do not count.
      ['2026-03', 1, 2, 'missed'],
      // Under way: not judged until it is over.
      ['2026-04', 1, 0, 'open'],
      ['2026-05', 0, 0, 'future'],
    ]);
    expect(await row('oldcity')).toEqual([
      ['2026-02', 0, 0, 'before'],
      ['2026-03', 2, 0, 'met'],
      ['2026-04', 0, 0, 'open'],
      ['2026-05', 0, 0, 'future'],
    ]);
    // South's one operation has begun but is not completed: it counts for nothing yet.
    expect((await row('south'))[1]).toEqual(['2026-03', 0, 1, 'missed']);
    expect((await row('west'))[1]).toEqual(['2026-03', 0, 0, 'missed']);
  });

  it('lists the month’s operations per group, each not counting with its reason — the same rule as the counts', async () => {
    const [north, south, oldcity] = [await groupId('north'), await groupId('south'), await groupId('oldcity')];
    const month = await evaluateMonth(t.services.db.manager, (await brigade()).id, '2026-03', TZ, [
      north,
      south,
      oldcity,
    ]);
    expect(month.get(north)!.counted.map((o) => o.id)).toEqual([northQualifying]);
    expect(month.get(north)!.notCounted.map((o) => [o.id, o.reason])).toEqual([
      [northShort, 'short'],
      [northAdHoc, 'ad_hoc'],
    ]);
    expect(month.get(north)!.counted[0].actualHours).toBe(5);
    expect(month.get(south)!.notCounted.map((o) => [o.id, o.reason])).toEqual([[southOpen.id, 'not_completed']]);
    expect(month.get(oldcity)!.counted).toHaveLength(2);
  });

  it('judges a kept month afresh when an operation that began in it changes (completed later, it qualifies)', async () => {
    const standingsOf = new MonthStandings(t.services.db, t.services.config, t.clock);
    const south = await groupId('south');
    // Read (and kept) first: south's March has none that qualifies.
    expect((await standingsOf.of(await brigade(), months)).of(south)[1]).toMatchObject({
      qualifying: 0,
      notCounting: 1,
    });
    // Its results are recorded today, after the month was kept.
    await complete(southOpen, southStart, 4, sh('2026-04-10T12:30:00'));
    t.clock.set(sh('2026-04-10T13:00:00'));
    expect((await standingsOf.of(await brigade(), months)).of(south)[1]).toEqual({
      month: '2026-03',
      qualifying: 1,
      notCounting: 0,
      status: 'missed',
    });
  });
});
