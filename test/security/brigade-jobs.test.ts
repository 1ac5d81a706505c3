import { In } from 'typeorm';
import type { BrigadeJob } from '../../src/jobs/job';
import { JobRunner } from '../../src/jobs/job-runner';
import { timeLimitsJob } from '../../src/jobs/time-limits.job';
import { Flag, JobRun, JobRunBrigade } from '../../src/persistence/entities';
import { type SecondBrigade, secondBrigade } from '../support/brigades';
import { runOperation } from '../support/factories';
import { sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';
import { csrfOf, signedIn } from '../support/web';

/**
 * Issue 11, finding 4: everything about the oversight jobs is the caller's
 * brigade's. A run by hand works on the caller's brigade only; the log and the
 * summaries a brigade sees are its own part; the scheduler's runs still cover
 * every brigade.
 */
let t: TestApp;
let b: SecondBrigade;
let huangpu: number;
let jingan: number;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-01T08:00:00') });
  b = await secondBrigade(t);
  huangpu = (await t.services.org.brigadeByCode('huangpu')).id;
  jingan = (await t.services.org.brigadeByCode(b.code)).id;
  // November: north runs one qualifying operation (one short of R6); the second brigade runs none.
  await runOperation(t, 'north', { start: sh('2026-11-05T09:00:00'), hours: 5 });
  t.clock.set(sh('2026-12-01T10:00:00'));
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const flagsOf = (brigadeId: number) =>
  t.services.db.manager.find(Flag, { where: { brigadeId, kind: 'monthly_minimum' }, order: { id: 'ASC' } });
/** What a first-brigade reader would recognise as theirs. */
const FIRST = /huangpu|北片|老城厢|南片|西片|waitan|north|oldcity/;

describe('a run by hand works on the caller’s brigade only', () => {
  it('the second brigade’s duty officer runs monthly-minimum: its own group is flagged, nothing of the first brigade is', async () => {
    const res = await b.as('duty').post('/api/v1/jobs/monthly-minimum/run', {}).expect(200);
    expect(res.body).toMatchObject({ job: 'monthly-minimum', period: '2026-11', status: 'ok' });
    expect(Object.keys(res.body.summary)).toEqual([b.code]);
    expect(JSON.stringify(res.body)).not.toMatch(FIRST);
    expect(await flagsOf(huangpu)).toEqual([]);
    expect((await flagsOf(jingan)).map((f) => f.period)).toEqual(['2026-11']);
    // The log: this run has one part, the second brigade's.
    const parts = await t.services.db.manager.find(JobRunBrigade, { where: { runId: res.body.id } });
    expect(parts.map((p) => p.brigadeId)).toEqual([jingan]);
  });

  it('the first brigade’s page and API never show the second brigade’s run by hand', async () => {
    const [own] = await t.services.db.manager.find(JobRun, {
      where: { via: 'manual' },
      order: { id: 'DESC' },
      take: 1,
    });
    const list = (await t.as('duty').get('/api/v1/jobs').expect(200)).body;
    expect(list.runs.map((r: { id: number }) => r.id)).not.toContain(own.id);
    expect(JSON.stringify(list)).not.toContain(b.code);
  });

  it('the web button runs it for the signed-in manager’s brigade only', async () => {
    const duty = await signedIn(t, b.users.duty, 'second-brigade-pw');
    const page = (await duty.get('/jobs').expect(200)).text;
    const before = await t.services.db.manager.count(Flag, { where: { brigadeId: huangpu } });
    const res = await duty
      .post('/jobs/plans-and-meetings/run')
      .type('form')
      .send({ _csrf: csrfOf(page) })
      .expect(200);
    expect(res.text).toMatch(/“月度计划与联席会议检查”已运行/);
    expect(res.text).not.toMatch(FIRST);
    expect(await t.services.db.manager.count(Flag, { where: { brigadeId: huangpu } })).toBe(before);
    expect(
      await t.services.db.manager.count(Flag, {
        where: { brigadeId: jingan, kind: In(['plan_missing', 'meeting_missing']) },
      }),
    ).toBeGreaterThan(0);
  });

  it('only managers run a job by hand, decided in the domain: squad leaders, administrators and inspectors are refused', async () => {
    for (const role of ['leader', 'admin', 'inspector', 'officer']) {
      expect([role, (await b.as(role).post('/api/v1/jobs/holding/run', {})).status]).toEqual([role, 403]);
      expect([role, (await b.as(role).get('/api/v1/jobs')).status]).toEqual([role, 403]);
    }
    const leader = await t.services.org.authenticateToken(b.token('leader'));
    await expect(t.services.jobs.run('holding', { via: 'manual', by: leader })).rejects.toMatchObject({
      status: 403,
      reason: 'not_manager',
    });
    await expect(t.services.jobs.recentFor(leader)).rejects.toMatchObject({ status: 403 });
  });

  it('the instance’s housekeeping (outbox, sessions) is no brigade’s to run by hand, nor listed to it', async () => {
    await b.as('duty').post('/api/v1/jobs/outbox/run', {}).expect(404);
    await b.as('duty').post('/api/v1/jobs/sessions/run', {}).expect(404);
    const names = (await b.as('duty').get('/api/v1/jobs').expect(200)).body.items.map((j: { name: string }) => j.name);
    expect(names).not.toContain('outbox');
    expect(names).toEqual(
      expect.arrayContaining([
        'monthly-minimum',
        'holding',
        'time-limits',
        'plans-and-meetings',
        'goods-limits',
        'history-anchor',
        'figures',
      ]),
    );
  });
});

describe('the scheduler’s runs cover every brigade; each brigade sees its own part', () => {
  it('a scheduled run flags the first brigade too; the second brigade sees the run with its own part only', async () => {
    const run = await t.services.jobs.run('monthly-minimum', { via: 'schedule' });
    expect(Object.keys(run.summary as object).sort()).toEqual(['huangpu', b.code].sort());
    expect((await flagsOf(huangpu)).map((f) => f.period)).toEqual(['2026-11', '2026-11', '2026-11', '2026-11']);
    const theirs = (await b.as('duty').get('/api/v1/jobs').expect(200)).body;
    const seen = theirs.runs.find((r: { id: number }) => r.id === run.id);
    expect(seen).toMatchObject({ via: 'schedule', status: 'ok', found: 1, summary: { [b.code]: expect.any(Object) } });
    expect(Object.keys(seen.summary)).toEqual([b.code]);
    expect(JSON.stringify(theirs)).not.toMatch(FIRST);
    const ours = (await t.as('duty').get('/api/v1/jobs').expect(200)).body.runs.find(
      (r: { id: number }) => r.id === run.id,
    );
    expect(ours).toMatchObject({ found: 4, summary: { huangpu: expect.any(Object) } });
    expect(Object.keys(ours.summary)).toEqual(['huangpu']);
  });

  it('the second brigade’s jobs page shows its part of each run and nothing of the first brigade', async () => {
    const run = await t.services.jobs.run('time-limits', { via: 'cli' });
    const duty = await signedIn(t, b.users.duty, 'second-brigade-pw');
    const page = (await duty.get('/jobs').expect(200)).text;
    // Its part of the run, in words (the part under its own code): the run's row, its details read as nothing new.
    expect(page).toMatch(
      new RegExp(
        `data-testid="job-log">[\\s\\S]*<tr class="run-ok" data-run="${run.id}" data-job="time-limits">[\\s\\S]*?无新情况`,
      ),
    );
    expect(page).not.toMatch(FIRST);
  });

  it('a failure in one brigade’s part does not stop the other’s, and each brigade sees only its own error', async () => {
    const broken: BrigadeJob = {
      ...timeLimitsJob,
      async runFor(ctx, brigade) {
        if (brigade.code === 'huangpu') throw new Error('the first brigade’s data is broken');
        return timeLimitsJob.runFor(ctx, brigade);
      },
    };
    const runner = new JobRunner(
      { ...t.services, config: { ...t.services.config, jobs: { ...t.services.config.jobs, attempts: 1 } } },
      [broken],
    );
    const run = await runner.run('time-limits', { via: 'cli' });
    expect(run).toMatchObject({ status: 'failed', error: 'huangpu: Error: the first brigade’s data is broken' });
    const theirs = (await b.as('duty').get('/api/v1/jobs').expect(200)).body.runs.find(
      (r: { id: number }) => r.id === run.id,
    );
    expect(theirs).toMatchObject({ status: 'ok', error: null, summary: { [b.code]: { pastLimit: 0 } } });
    const ours = (await t.as('duty').get('/api/v1/jobs').expect(200)).body.runs.find(
      (r: { id: number }) => r.id === run.id,
    );
    expect(ours).toMatchObject({ status: 'failed', error: 'Error: the first brigade’s data is broken' });
    expect(t.logged.splice(0).map((l) => [l.message, l.data?.brigade])).toEqual([['job failed', 'huangpu']]);
  });
});

describe('an administrator moving their brigade’s since month judges their brigade’s months only', () => {
  it('the months it moved over are judged for the second brigade; the first brigade’s flags stay as they were', async () => {
    const before = await flagsOf(huangpu);
    t.clock.set(sh('2027-01-05T10:00:00'));
    await b.as('admin').patch('/api/v1/brigade', { since: '2026-10' }).expect(200);
    expect(await flagsOf(huangpu)).toEqual(before);
    const [run] = await t.services.db.manager.find(JobRun, { where: { via: 'since' }, order: { id: 'DESC' }, take: 1 });
    expect(run).toMatchObject({ job: 'monthly-minimum', period: '2026-10' });
    expect(Object.keys(run.summary as object)).toEqual([b.code]);
    expect(
      (await t.services.db.manager.find(JobRunBrigade, { where: { runId: run.id } })).map((p) => p.brigadeId),
    ).toEqual([jingan]);
  });
});
