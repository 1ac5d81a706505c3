import { createOperation, runOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, signedIn } from '../support/web';

let t: TestApp;
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();
let duty: Agent;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-01T08:00:00') });
  await runOperation(t, 'north', { start: sh('2026-11-05T09:00:00'), hours: 5 });
  await runOperation(t, 'north', { start: sh('2026-11-12T09:00:00'), hours: 4.5 });
  await runOperation(t, 'oldcity', { start: sh('2026-11-10T09:00:00'), hours: 5 });
  await runOperation(t, 'oldcity', { start: sh('2026-11-24T09:00:00'), hours: 3.5 });
  await runOperation(t, 'west', { start: sh('2026-11-20T09:00:00'), hours: 6, kind: 'ad_hoc' });
  t.clock.set(sh('2026-12-01T01:10:00'));
  await t.services.jobs.run('monthly-minimum', { via: 'cli' });
  duty = await signedIn(t, 'duty');
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

describe('flags in the API', () => {
  it('lists flags by period, group and status, each with the figures in a sentence', async () => {
    const res = await t.as('duty').get('/api/v1/flags?period=2026-11&status=open').expect(200);
    const groups = res.body.items.map((f: { group: string }) => f.group).sort();
    expect(groups).toEqual(['oldcity', 'south', 'west']);
    const oldcity = res.body.items.find((f: { group: string }) => f.group === 'oldcity');
    expect(oldcity).toMatchObject({ rule: 'R6', kind: 'monthly_minimum', period: '2026-11', status: 'open' });
    expect(oldcity.summary).toMatch(
      /老城厢本月达标联动 1 次，应不少于 2 次；〔2026〕第 \d+ 号 \S+（5 小时）计入；〔2026〕第 \d+ 号 \S+ 不计入：实际 3.5 小时，不足 4 小时/,
    );
    const west = (await t.as('duty').get('/api/v1/flags?group=west').set('Accept-Language', 'en').expect(200)).body
      .items[0];
    expect(west.summary).toMatch(/West: 0 of 2 qualifying operations; No. \d+\/2026 \S+ did not count: ad-hoc/);
    expect((await t.as('duty').get('/api/v1/flags?group=atlantis').expect(400)).body.error.fields).toHaveProperty(
      'group',
    );
    expect((await t.as('duty').get('/api/v1/flags?status=maybe').expect(400)).body.error.fields).toHaveProperty(
      'status',
    );
  });

  it('a manager resolves a flag with a note; others are refused; an empty note is refused naming it', async () => {
    const [flag] = (await t.as('duty').get('/api/v1/flags?group=south').expect(200)).body.items;
    expect(
      (await t.as('bansongyuanlu.leader').post(`/api/v1/flags/${flag.id}/resolve`, { note: 'x' }).expect(403)).body
        .error.reason,
    ).toBe('not_manager');
    expect(
      (await t.as('duty').post(`/api/v1/flags/${flag.id}/resolve`, { note: ' ' }).expect(400)).body.error.fields,
    ).toHaveProperty('note');
    const done = (
      await t.as('commander').post(`/api/v1/flags/${flag.id}/resolve`, { note: '南片承担专项保障' }).expect(200)
    ).body;
    expect(done).toMatchObject({ status: 'resolved', resolvedBy: 'commander', resolutionNote: '南片承担专项保障' });
    expect(
      (await t.as('duty').post(`/api/v1/flags/${flag.id}/resolve`, { note: 'again' }).expect(422)).body.error.code,
    ).toBe('rule_violation');
  });
});

describe('compliance in the API', () => {
  it('gives each group’s qualifying operations per month of the year, met or missed, with flags', async () => {
    const res = (await t.as('waitan.leader').get('/api/v1/compliance?year=2026').expect(200)).body;
    expect(res.months).toHaveLength(12);
    const cell = (g: string, m: string) =>
      res.groups.find((x: { group: string }) => x.group === g).months.find((c: { month: string }) => c.month === m);
    expect(cell('north', '2026-11')).toMatchObject({ qualifying: 2, status: 'met', flags: [] });
    expect(cell('oldcity', '2026-11')).toMatchObject({
      qualifying: 1,
      notCounting: 1,
      status: 'missed',
      flags: [expect.objectContaining({ kind: 'monthly_minimum', status: 'open' })],
    });
    expect(cell('north', '2026-12')).toMatchObject({ status: 'open' });
    expect(cell('north', '2026-10')).toMatchObject({ status: 'before' });
  });

  it('lists one group’s month: what counted and what did not, and why', async () => {
    const res = (await t.as('duty').get('/api/v1/compliance/oldcity/2026-11').expect(200)).body;
    expect(res).toMatchObject({ group: 'oldcity', month: '2026-11', minimum: 2, qualifying: 1, met: false });
    expect(res.counted).toEqual([expect.objectContaining({ actualHours: 5 })]);
    expect(res.notCounted).toEqual([expect.objectContaining({ actualHours: 3.5, reason: 'short' })]);
    await t.as('duty').get('/api/v1/compliance/nowhere/2026-11').expect(404);
    await t.as('duty').get('/api/v1/compliance/north/2026-13').expect(400);
  });
});

describe('jobs in the API', () => {
  it('managers list the jobs with their latest runs and run one by hand; others may not', async () => {
    const list = (await t.as('duty').get('/api/v1/jobs').expect(200)).body;
    expect(list.items.map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(['monthly-minimum', 'holding', 'time-limits']),
    );
    expect(list.runs[0]).toMatchObject({ job: 'monthly-minimum', via: 'cli', status: 'ok' });
    const run = (await t.as('commander').post('/api/v1/jobs/time-limits/run', {}).expect(200)).body;
    expect(run).toMatchObject({ job: 'time-limits', status: 'ok' });
    await t.as('waitan.leader').get('/api/v1/jobs').expect(403);
    await t.as('inspector').post('/api/v1/jobs/holding/run', {}).expect(403);
    await t.as('duty').post('/api/v1/jobs/nothing/run', {}).expect(404);
    expect(
      (await t.as('duty').post('/api/v1/jobs/monthly-minimum/run', { period: '2026-13' }).expect(400)).body.error
        .fields,
    ).toHaveProperty('period');
  });
});

describe('oversight pages', () => {
  it('the flags page lists open flags with their sentences; the navigation counts them for managers and for the group’s leaders', async () => {
    const page = (await duty.get('/flags').expect(200)).text;
    expect(page).toContain('老城厢本月达标联动 1 次');
    expect(page).toMatch(/data-testid="flag-count">\d+</);
    const leader = await signedIn(t, 'yuyuan.leader');
    const own = (await leader.get('/').expect(200)).text;
    expect(own).toMatch(/data-testid="flag-count">1</);
    const other = await signedIn(t, 'waitan.leader');
    expect((await other.get('/').expect(200)).text).not.toContain('data-testid="flag-count"');
  });

  it('a manager resolves a flag on its page; a refused resolution keeps the note typed; a squad leader sees no form and is refused', async () => {
    const [flag] = (await t.as('duty').get('/api/v1/flags?group=oldcity&status=open').expect(200)).body.items;
    const page = (await duty.get(`/flags/${flag.id}`).expect(200)).text;
    expect(page).toContain('data-testid="resolve-form"');
    const leader = await signedIn(t, 'yuyuan.leader');
    const leaderPage = (await leader.get(`/flags/${flag.id}`).expect(200)).text;
    expect(leaderPage).not.toContain('data-testid="resolve-form"');
    await leader
      .post(`/flags/${flag.id}/resolve`)
      .type('form')
      .send({ _csrf: csrfOf(leaderPage), note: '自己销号' })
      .expect(403);
    const empty = await duty
      .post(`/flags/${flag.id}/resolve`)
      .type('form')
      .send({ _csrf: csrfOf(page), note: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/data-error-for="note">必填/);
    const ok = await duty
      .post(`/flags/${flag.id}/resolve`)
      .type('form')
      .send({ _csrf: csrfOf(page), note: '已约谈老城厢小组，12 月补足' });
    expect(ok.status).toBe(303);
    const after = (await duty.get(`/flags/${flag.id}`).expect(200)).text;
    expect(after).toContain('已约谈老城厢小组，12 月补足');
    expect(after).toMatch(/data-testid="flag-status">[\s\S]*已处理/);
  });

  it('the compliance view colours each group’s months and leads to the operations behind a cell', async () => {
    const grid = (await duty.get('/compliance?year=2026').expect(200)).text;
    expect(grid).toMatch(/<tr data-group="north">[\s\S]*?data-month="2026-11" data-status="met"/);
    expect(grid).toMatch(/<tr data-group="oldcity">[\s\S]*?data-month="2026-11" data-status="missed"/);
    const month = (await duty.get('/compliance/oldcity/2026-11').expect(200)).text;
    expect(month).toContain('未达标：1 次达标联动（应不少于 2 次）');
    expect(month).toMatch(/data-testid="not-counted">[\s\S]*实际 3.5 小时，不足 4 小时/);
  });

  it('the jobs page is for managers: it runs a job and shows the run in the log', async () => {
    const page = (await duty.get('/jobs').expect(200)).text;
    const res = await duty
      .post('/jobs/holding/run')
      .type('form')
      .send({ _csrf: csrfOf(page) })
      .expect(200);
    expect(res.text).toMatch(/“固守期满与督察超时”已运行：发现 \d+，处理 \d+/);
    expect(res.text).toMatch(
      /data-testid="job-log">[\s\S]*data-job="holding"><td>\d+<\/td><td>固守期满与督察超时<\/td>[\s\S]*手动/,
    );
    const leader = await signedIn(t, 'waitan.leader');
    await leader.get('/jobs').expect(403);
  });

  it('a waiting record shows its clock as a light in the inbox, the list and its page', async () => {
    // A filing waits 48 hours for a decision: at 40 hours (83 %) it is amber.
    const filed = await createOperation(t, { plannedStart: sh('2026-12-25T09:00:00') });
    await send(t, filed.id, 1, 'FILE');
    t.clock.advance(40 * 3_600_000);
    const manager = await signedIn(t, 'duty2');
    const inbox = (await manager.get('/').expect(200)).text;
    expect(inbox).toMatch(new RegExp(`data-operation="${filed.id}"[\\s\\S]*?data-light="amber"`));
    const list = (await manager.get('/operations?state=filed').expect(200)).text;
    expect(list).toMatch(new RegExp(`data-operation="${filed.id}"[\\s\\S]*?data-light="amber"`));
    t.clock.advance(10 * 3_600_000);
    const page = (await (await signedIn(t, 'duty2')).get(`/operations/${filed.id}`).expect(200)).text;
    expect(page).toContain('data-light="red"');
    const api = (await t.as('duty').get(`/api/v1/operations/${filed.id}`).expect(200)).body;
    expect(api.timeLimits).toEqual([expect.objectContaining({ kind: 'decision', light: 'red' })]);
  });
});
