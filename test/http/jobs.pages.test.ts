import { DICTIONARIES } from '../../src/i18n';
import { JOBS } from '../../src/jobs';
import { startTestApp, type TestApp } from '../support/test-app';
import { signedIn } from '../support/web';

/**
 * The jobs page for people (issue 12): every job named in words, a run's details read as lines
 * instead of raw JSON, and the scheduled runs that found nothing new folded into one line per job
 * so the log shows the runs that matter.
 */

let t: TestApp;
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T08:00:00') });
  t.clock.set(sh('2026-12-01T01:10:00'));
  // R6: a month without operations — every group is flagged (a run that did something).
  await t.services.jobs.run('monthly-minimum', { via: 'cli' });
  // The quarter-hourly holding check, with nothing to do, a day long.
  for (let i = 0; i < 20; i++) {
    t.clock.advance(15 * 60_000);
    await t.services.jobs.run('holding', { via: 'schedule' });
  }
  // The outbox every 5 s: the instance's housekeeping, no brigade's page shows it.
  for (let i = 0; i < 3; i++) await t.services.jobs.run('outbox', { via: 'schedule' });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

function logTable(html: string): string {
  return /<table class="small" data-testid="job-log">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
}

describe('every job has a name in words', () => {
  it.each(JOBS.map((j) => j.name))('%s, in both languages, and what it checks', (name) => {
    for (const dict of Object.values(DICTIONARIES)) {
      expect({ name, title: dict[`job.${name}`] }).toEqual({ name, title: expect.stringMatching(/\S/) });
      expect({ name, what: dict[`job_what.${name}`] }).toEqual({ name, what: expect.stringMatching(/\S/) });
    }
  });
});

describe('the jobs page', () => {
  it('names each job in the user’s language, says what it checks, and keeps the rule for the tooltip', async () => {
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/jobs').expect(200)).text;
    for (const job of t.services.jobs.brigadeJobs) {
      expect(page).toContain(
        `<tr data-job="${job.name}">\n      <th scope="row">${DICTIONARIES['zh-CN'][`job.${job.name}`]}</th>`,
      );
      expect(page).toContain(`<td title="${job.description}">${DICTIONARIES['zh-CN'][`job_what.${job.name}`]}</td>`);
    }
    expect(page).not.toMatch(/>job\.[a-z-]+</);
    await duty.get('/lang/en?next=/jobs').expect(303);
    const en = (await duty.get('/jobs').expect(200)).text;
    expect(en).toContain('<th scope="row">End of holding and overdue audits</th>');
    expect(en).toContain('<th scope="row">Monthly plans and meetings</th>');
  });

  it('reads a run’s details as lines, never as raw JSON', async () => {
    const duty = await signedIn(t, 'duty');
    const log = logTable((await duty.get('/jobs').expect(200)).text);
    const row = /<tr class="run-ok" data-run="\d+" data-job="monthly-minimum">[\s\S]*?<\/tr>/.exec(log)![0];
    expect(row).toContain('<td>每月联动次数检查</td>');
    expect(row).toMatch(
      /<dl class="run-details"><dt>2026-11<\/dt><dd>联动小组 4；未达标小组 4；新增预警 4<\/dd><\/dl>/,
    );
    expect(log).not.toMatch(/\{&quot;|&quot;:|[{}]/);
  });

  it('folds the scheduled runs that found nothing new into one line per job; the log keeps the runs that matter', async () => {
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/jobs').expect(200)).text;
    const routine =
      /<ul class="routine-runs" data-testid="routine-runs">[\s\S]*?<\/ul>\s*<\/details>\s*<\/li>\s*<\/ul>/.exec(
        page,
      )![0];
    expect(routine).toContain('<summary>固守期满与督察超时：过去 24 小时定时运行 20 次，均正常，无新增处理</summary>');
    // The latest five behind the line, the others only counted.
    expect(routine.match(/<li data-run="\d+">/g)).toHaveLength(5);
    const log = logTable(page);
    expect(log).not.toContain('data-job="holding"');
    expect(log).toContain('data-job="monthly-minimum"');
    // The instance's outbox is no brigade's: neither listed nor folded (the page's own queue of unsent entries is another thing).
    expect(page).not.toContain('data-job="outbox"');
    expect(page).not.toContain(DICTIONARIES['zh-CN']['job.outbox']);
    // A run by hand is always in the log, whatever it found.
    const ran = await duty
      .post('/jobs/holding/run')
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] })
      .expect(200);
    expect(logTable(ran.text)).toMatch(
      /data-job="holding"><td>\d+<\/td><td>固守期满与督察超时<\/td>[\s\S]*?手动[\s\S]*?无新情况/,
    );
  });

  it('counts only the last 24 hours’ routine runs', async () => {
    t.clock.advance(25 * 3_600_000);
    await t.services.jobs.run('holding', { via: 'schedule' });
    await t.services.jobs.run('holding', { via: 'schedule' });
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/jobs').expect(200)).text;
    expect(page).toContain('<summary>固守期满与督察超时：过去 24 小时定时运行 2 次，均正常，无新增处理</summary>');
  });
});
