import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { runOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, signedIn } from '../support/web';

/**
 * R6, one judgement of a month everywhere: a year played through the real
 * workflow API, then every view of a group's month compared cell by cell —
 * the compliance grid page and its API, each month's own API, the annual
 * report, the figures' groups chart, and the monthly-minimum job's flags.
 */

const sh = (local: string) => new Date(`${local}+08:00`).toISOString();
const GROUPS = ['north', 'oldcity', 'south', 'west'] as const;
type Group = (typeof GROUPS)[number];
const MONTHS = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);

let t: TestApp;
let names: Record<Group, string>;
/** Oldcity's November operation, under way at the end of the play. */
let underWay: { id: number; version: number };

/** The monthly-minimum job as the scheduler runs it, just after `month` ended (it judges the month before). */
async function nightAfter(month: string) {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  t.clock.set(sh(`${next}-01T01:10:00`));
  const run = await t.services.jobs.run('monthly-minimum', { via: 'schedule' });
  expect(run).toMatchObject({ status: 'ok', period: month });
}

const op = (
  group: Group,
  start: string,
  hours: number,
  extra: { kind?: string; until?: 'approved' | 'in_progress' } = {},
) => runOperation(t, group, { start: sh(start), hours, ...extra });

beforeAll(async () => {
  // The brigade starts using Liandong in January 2026 (its since month, from its creation).
  t = await startTestApp({ now: sh('2026-01-02T09:00:00') });
  names = Object.fromEntries(
    ((await t.as('duty').get('/api/v1/groups').expect(200)).body.items as Array<{ code: Group; name: string }>).map(
      (g) => [g.code, g.name],
    ),
  ) as Record<Group, string>;

  // January: north runs two.
  await op('north', '2026-01-10T09:00:00', 5);
  await op('north', '2026-01-20T14:00:00', 4.5);
  await nightAfter('2026-01');
  // February: north two; oldcity one and a short one; south only an ad-hoc and a short one; west none.
  await op('north', '2026-02-05T09:00:00', 5);
  await op('oldcity', '2026-02-08T09:00:00', 5);
  await op('south', '2026-02-12T19:00:00', 6, { kind: 'ad_hoc' });
  await op('north', '2026-02-18T09:00:00', 4);
  await op('oldcity', '2026-02-22T09:00:00', 3.5);
  await op('south', '2026-02-25T09:00:00', 3);
  await nightAfter('2026-02');
  // March: north three, oldcity two, south one.
  await op('north', '2026-03-04T09:00:00', 4);
  await op('oldcity', '2026-03-06T09:00:00', 5);
  await op('south', '2026-03-10T09:00:00', 5);
  await op('north', '2026-03-14T09:00:00', 6);
  await op('oldcity', '2026-03-20T14:00:00', 4);
  await op('north', '2026-03-24T09:00:00', 4.5);
  for (const month of ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08']) await nightAfter(month);
  // September: west two.
  await op('west', '2026-09-09T09:00:00', 5);
  await op('west', '2026-09-23T09:00:00', 5);
  await nightAfter('2026-09');
  // October: south one, and one begun on the last evening, still under way when the month is judged, completed after.
  await op('south', '2026-10-15T09:00:00', 5);
  const late = await op('south', '2026-10-31T22:00:00', 5, { until: 'approved' });
  t.clock.set(sh('2026-10-31T22:20:00'));
  const v = await send(
    t,
    late.id,
    late.version,
    'START',
    { actualStart: sh('2026-10-31T22:00:00') },
    'bansongyuanlu.leader',
  );
  await nightAfter('2026-10');
  t.clock.set(sh('2026-11-01T03:30:00'));
  const results = ['bansongyuanlu', 'wuliqiao'].map((squad) => ({
    squad,
    officers: 4,
    vehicles: 1,
    educated: 5,
    handled: 1,
    goodsDetained: 0,
  }));
  await send(t, late.id, v, 'COMPLETE', { actualEnd: sh('2026-11-01T03:00:00'), results }, 'bansongyuanlu.leader');
  // November, the month in progress: north one done, oldcity one under way, west one approved for later.
  await op('north', '2026-11-05T09:00:00', 5);
  underWay = await op('oldcity', '2026-11-10T09:00:00', 5, { until: 'in_progress' });
  await op('west', '2026-11-25T09:00:00', 4, { until: 'approved' });
  // 20 November: the daily run looks at October again (its open flags), and the administrator says the brigade
  // really began using Liandong in February: January is no longer judged.
  t.clock.set(sh('2026-11-20T01:10:00'));
  expect(await t.services.jobs.run('monthly-minimum', { via: 'schedule' })).toMatchObject({ status: 'ok' });
  t.clock.set(sh('2026-11-20T10:00:00'));
  expect((await t.as('admin').patch('/api/v1/brigade', { since: '2026-02' }).expect(200)).body).toMatchObject({
    since: '2026-02',
  });
}, 180_000);
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

interface Cell {
  month: string;
  qualifying: number;
  notCounting: number;
  status: string;
}

/** What the year should look like, by the rule: q qualifying, n not counting. */
function expected(since: string): Record<Group, Cell[]> {
  const counts: Record<Group, Record<string, [number, number]>> = {
    north: { '2026-01': [2, 0], '2026-02': [2, 0], '2026-03': [3, 0], '2026-11': [1, 0] },
    oldcity: { '2026-02': [1, 1], '2026-03': [2, 0], '2026-11': [0, 1] },
    south: { '2026-02': [0, 2], '2026-03': [1, 0], '2026-10': [2, 0] },
    west: { '2026-09': [2, 0] },
  };
  const out = {} as Record<Group, Cell[]>;
  for (const g of GROUPS) {
    out[g] = MONTHS.map((month) => {
      const [qualifying, notCounting] = counts[g][month] ?? [0, 0];
      const status =
        month < since
          ? 'before'
          : month > '2026-11'
            ? 'future'
            : month === '2026-11'
              ? 'open'
              : qualifying >= 2
                ? 'met'
                : 'missed';
      return { month, qualifying, notCounting, status };
    });
  }
  return out;
}

const metOfJudged = (cells: Cell[]) =>
  `${cells.filter((c) => c.status === 'met').length} / ${cells.filter((c) => c.status === 'met' || c.status === 'missed').length}`;

/** The compliance grid page, read back: each group's cells (the number shown, if any) and its "met / judged". */
function gridPage(
  html: string,
): Record<
  Group,
  { cells: Array<{ month: string; status: string; shown: number | null; notCounting: number }>; metOfJudged: string }
> {
  const out = {} as ReturnType<typeof gridPage>;
  for (const g of GROUPS) {
    const row = new RegExp(`<tr data-group="${g}">([\\s\\S]*?)</tr>`).exec(html)![1];
    const cells = [
      ...row.matchAll(/<td class="cell cell-(\w+)" data-month="([\d-]+)" data-status="(\w+)">([\s\S]*?)<\/td>/g),
    ].map((m) => {
      const shown = /">(\d+)(?:<small class="muted">\+(\d+)<\/small>)?<\/a>/.exec(m[4]);
      expect(m[1]).toBe(m[3]);
      return {
        month: m[2],
        status: m[3],
        shown: shown ? Number(shown[1]) : null,
        notCounting: shown?.[2] ? Number(shown[2]) : 0,
      };
    });
    out[g] = { cells, metOfJudged: /<td>(\d+ \/ \d+)<\/td>\s*$/.exec(row.trim())![1] };
  }
  return out;
}

/** A groups chart (figures page, annual report): the bar of each group and month is titled "<group> · <n> 月: <count>". */
function chartCounts(html: string, g: Group): number[] {
  return MONTHS.map((mo) =>
    Number(new RegExp(`<title>${names[g]} · ${Number(mo.slice(5))} 月: (\\d+)</title>`).exec(html)?.[1] ?? NaN),
  );
}

async function openR6Flags(): Promise<string[]> {
  const items = (await t.as('duty').get('/api/v1/flags?kind=monthly_minimum&status=open&limit=1000').expect(200)).body
    .items as Array<{ group: string; period: string; figures: { qualifying: number } }>;
  return items.map((f) => `${f.group} ${f.period} ${f.figures.qualifying}`).sort();
}

describe('a year of one brigade, every view of a group’s month', () => {
  let duty: Agent;
  beforeAll(async () => {
    duty = await signedIn(t, 'duty');
  });

  it('the compliance API judges each month by the rule: met, missed (short and ad-hoc ones do not count), the month in progress open, before the since month, the future', async () => {
    const api = (await t.as('waitan.officer').get('/api/v1/compliance?year=2026').expect(200)).body;
    const want = expected('2026-02');
    expect(api).toMatchObject({ year: 2026, minimum: 2, since: '2026-02', months: MONTHS });
    for (const g of GROUPS) {
      const row = api.groups.find((x: { group: string }) => x.group === g);
      expect([
        g,
        row.months.map(({ month, qualifying, notCounting, status }: Cell) => ({
          month,
          qualifying,
          notCounting,
          status,
        })),
      ]).toEqual([g, want[g]]);
      expect([g, `${row.met} / ${row.judged}`]).toEqual([g, metOfJudged(want[g])]);
    }
  });

  it('the grid page, each month’s own API, the annual report, the figures’ chart and the job’s flags agree with it, cell by cell', async () => {
    const api = (await t.as('duty').get('/api/v1/compliance?year=2026').expect(200)).body;
    const grid = gridPage((await duty.get('/compliance?year=2026').expect(200)).text);
    const annual = (await duty.get('/figures/annual?year=2026').expect(200)).text;
    const figures = (await duty.get('/figures?period=2026').expect(200)).text;
    const flagged = new Set(await openR6Flags());
    const missed: string[] = [];
    for (const g of GROUPS) {
      const cells: Cell[] = api.groups.find((x: { group: string }) => x.group === g).months;
      // The grid page: the same status in every cell, and the same numbers where it shows them (never for a month before since or to come).
      expect([g, grid[g].cells.map((c) => c.status)]).toEqual([g, cells.map((c) => c.status)]);
      for (const [i, c] of grid[g].cells.entries()) {
        const shows = c.status !== 'before' && c.status !== 'future';
        expect([g, c.month, c.shown, c.notCounting]).toEqual([
          g,
          c.month,
          shows ? cells[i].qualifying : null,
          shows ? cells[i].notCounting : 0,
        ]);
      }
      const row = api.groups.find((x: { group: string }) => x.group === g);
      expect([g, grid[g].metOfJudged]).toEqual([g, `${row.met} / ${row.judged}`]);
      // The annual report: the same months met of months judged, and its chart the same counts.
      expect([
        g,
        new RegExp(`<tr><th scope="row">${names[g]}</th>.*?<td>(\\d+ / \\d+)</td></tr>`, 's').exec(annual)![1],
      ]).toEqual([g, `${row.met} / ${row.judged}`]);
      expect([g, chartCounts(annual, g)]).toEqual([g, cells.map((c) => c.qualifying)]);
      // The figures page's groups chart: the same counts, month by month.
      expect([g, chartCounts(figures, g)]).toEqual([g, cells.map((c) => c.qualifying)]);
      for (const c of cells) {
        // Each month's own API: the same standing, and as many operations listed as it counts.
        const month = (await t.as('duty').get(`/api/v1/compliance/${g}/${c.month}`).expect(200)).body;
        expect([
          g,
          c.month,
          month.status,
          month.qualifying,
          month.counted.length,
          month.notCounted.length,
          month.met,
        ]).toEqual([g, c.month, c.status, c.qualifying, c.qualifying, c.notCounting, c.status === 'met']);
        if (c.status === 'missed') missed.push(`${g} ${c.month} ${c.qualifying}`);
      }
    }
    // The job: a group missed a month ⇔ it has an open R6 flag for it (with the same count).
    expect([...flagged].sort()).toEqual(missed.sort());
    expect(missed).toContain('south 2026-02 0');
    expect(missed).not.toContain('south 2026-10 1');
  });

  it('the month in progress is counted as it changes, everywhere at once (its kept count is never left behind)', async () => {
    const oldcityNovember = async () => {
      const api = (await t.as('duty').get('/api/v1/compliance?year=2026').expect(200)).body;
      const cell = api.groups.find((x: { group: string }) => x.group === 'oldcity').months[10];
      const figures = (await duty.get('/figures?period=2026').expect(200)).text;
      const month = (await t.as('duty').get('/api/v1/compliance/oldcity/2026-11').expect(200)).body;
      const grid = gridPage((await duty.get('/compliance?year=2026').expect(200)).text).oldcity.cells[10];
      return {
        api: [cell.status, cell.qualifying, cell.notCounting],
        chart: chartCounts(figures, 'oldcity')[10],
        month: [month.status, month.qualifying, month.counted.length],
        grid: [grid.status, grid.shown, grid.notCounting],
      };
    };
    // Read twice: the month in progress is kept once counted.
    expect(await oldcityNovember()).toEqual({
      api: ['open', 0, 1],
      chart: 0,
      month: ['open', 0, 0],
      grid: ['open', 0, 1],
    });
    expect(await oldcityNovember()).toEqual({
      api: ['open', 0, 1],
      chart: 0,
      month: ['open', 0, 0],
      grid: ['open', 0, 1],
    });
    t.clock.set(sh('2026-11-20T10:05:00'));
    const results = ['yuyuan', 'xiaodongmen'].map((squad) => ({
      squad,
      officers: 4,
      vehicles: 1,
      educated: 3,
      handled: 1,
      goodsDetained: 0,
    }));
    await send(
      t,
      underWay.id,
      underWay.version,
      'COMPLETE',
      { actualEnd: sh('2026-11-10T14:00:00'), results },
      'yuyuan.leader',
    );
    expect(await oldcityNovember()).toEqual({
      api: ['open', 1, 0],
      chart: 1,
      month: ['open', 1, 1],
      grid: ['open', 1, 0],
    });
  });

  it('the month pages say how the month stands: not judged before the since month, under way, met or missed', async () => {
    const before = (await duty.get('/compliance/north/2026-01').expect(200)).text;
    expect(before).toMatch(
      /data-testid="month-verdict" data-status="before">不评：本大队自 2026-02 起使用联动，此前月份不评（该月有 2 次达标联动）/,
    );
    const open = (await duty.get('/compliance/north/2026-11').set('Accept-Language', 'en').expect(200)).text;
    expect(open).toMatch(/data-status="open">Under way: 1 qualifying operations so far/);
    expect((await duty.get('/compliance/south/2026-02').expect(200)).text).toMatch(
      /data-status="missed">未达标：0 次达标联动/,
    );
    expect((await duty.get('/compliance/south/2026-10').expect(200)).text).toMatch(
      /data-status="met">达标：2 次达标联动/,
    );
  });

  it('the legend explains every mark of the grid, “—” with the since month, in both languages; the annual report says what is judged', async () => {
    const zh = (await duty.get('/compliance?year=2026').expect(200)).text;
    const legend = /<ul class="legend small" data-testid="compliance-legend">([\s\S]*?)<\/ul>/.exec(zh)![1];
    for (const mark of ['met', 'missed', 'open', 'future', 'before', 'numbers', 'flag', 'met-of-judged'])
      expect(legend).toContain(`data-mark="${mark}"`);
    expect(legend).toContain('— 本大队自 2026-02 起使用联动，此前月份不评');
    expect(legend).toContain('· 尚未开始的月份');
    expect(legend).toContain('⚑');
    // Only those who may change the since month are offered to.
    expect(legend).not.toContain('href="/admin/brigade"');
    const admin = await signedIn(t, 'admin');
    expect((await admin.get('/compliance?year=2026').expect(200)).text).toMatch(
      /data-mark="before">[^<]*<a href="\/admin\/brigade">更改<\/a>/,
    );
    const en = (await duty.get('/compliance?year=2026').set('Accept-Language', 'en').expect(200)).text;
    expect(en).toContain('— before the brigade used Liandong (since 2026-02): not judged');
    const annual = (await duty.get('/figures/annual?year=2026').expect(200)).text;
    expect(annual).toMatch(
      /data-testid="annual-legend">达标月数 &#x3D; 达标月份 \/ 已评月份（2026-02 起、已结束的月份/,
    );
  });
});

describe('the since month', () => {
  it('any user of the brigade reads it; only an administrator may change it', async () => {
    expect((await t.as('waitan.officer').get('/api/v1/brigade').expect(200)).body).toMatchObject({
      code: 'huangpu',
      since: '2026-02',
      timeZone: 'Asia/Shanghai',
      allowedActions: [],
    });
    expect((await t.as('admin').get('/api/v1/brigade').expect(200)).body.allowedActions).toEqual(['update']);
    for (const user of ['duty', 'commander', 'waitan.leader']) {
      const res = await t.as(user).patch('/api/v1/brigade', { since: '2026-01' }).expect(403);
      expect(res.body.error.reason).toBe('admin_only');
    }
    expect((await t.as('duty').get('/api/v1/brigade').expect(200)).body.since).toBe('2026-02');
  });

  it('a bad since is refused naming the field: not YYYY-MM, after this month, or beside an unknown field', async () => {
    for (const since of ['2026-13', '26-01', '2026-1', '', 202601, null]) {
      const res = await t.as('admin').patch('/api/v1/brigade', { since }).expect(400);
      expect([since, Object.keys(res.body.error.fields)]).toEqual([since, ['since']]);
    }
    const future = await t
      .as('admin')
      .patch('/api/v1/brigade', { since: '2026-12' })
      .set('Accept-Language', 'en')
      .expect(400);
    expect(future.body.error.fields).toEqual({ since: 'Cannot be later than this month (2026-11)' });
    const zh = await t.as('admin').patch('/api/v1/brigade', { since: '2027-01' }).expect(400);
    expect(zh.body.error.fields).toEqual({ since: '不能晚于本月（2026-11）' });
    expect(
      (await t.as('admin').patch('/api/v1/brigade', { since: '2026-02', name: 'x' }).expect(400)).body.error.fields,
    ).toHaveProperty('name');
    expect((await t.as('admin').get('/api/v1/brigade').expect(200)).body.since).toBe('2026-02');
  });

  it('the OpenAPI document describes the brigade as the server sends it, and agrees with the server on which changes are well-formed', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
    const brigade = ajv.compile(doc.components.schemas.Brigade);
    for (const user of ['admin', 'waitan.officer'])
      expect([user, brigade((await t.as(user).get('/api/v1/brigade').expect(200)).body)]).toEqual([user, true]);
    const patch = ajv.compile(doc.components.schemas.BrigadePatch);
    // Well-formed (the future month is well-formed, and refused by the rule, naming the field all the same).
    for (const [body, valid] of [
      [{ since: '2026-02' }, true],
      [{}, true],
      [{ since: '2026-13' }, false],
      [{ since: 202602 }, false],
      [{ since: '2026-02', name: 'x' }, false],
    ] as const) {
      expect({ body, valid: patch(body) }).toEqual({ body, valid });
      const res = await t.as('admin').patch('/api/v1/brigade', body);
      expect({ body, status: res.status }).toEqual({ body, status: valid ? 200 : 400 });
    }
    expect(doc.paths['/api/v1/brigade'].patch.responses).toHaveProperty('403');
  });

  it('changing it changes what is judged: months it moves over are judged (and flagged) or no longer', async () => {
    const statuses = async (g: Group) =>
      (
        (await t.as('duty').get('/api/v1/compliance?year=2026').expect(200)).body.groups.find(
          (x: { group: string }) => x.group === g,
        ).months as Cell[]
      ).map((c) => c.status);
    expect((await t.as('admin').patch('/api/v1/brigade', { since: '2026-01' }).expect(200)).body.since).toBe('2026-01');
    expect((await statuses('north')).slice(0, 3)).toEqual(['met', 'met', 'met']);
    expect((await statuses('west')).slice(0, 2)).toEqual(['missed', 'missed']);
    // January judged again: the groups that missed it have their flags (opened again), north none.
    let flags = await openR6Flags();
    expect(flags.filter((f) => f.includes(' 2026-01 '))).toEqual([
      'oldcity 2026-01 0',
      'south 2026-01 0',
      'west 2026-01 0',
    ]);
    const api = (await t.as('duty').get('/api/v1/compliance?year=2026').expect(200)).body;
    expect(api.groups.map((r: { met: number; judged: number }) => `${r.met} / ${r.judged}`)).toEqual([
      '3 / 10',
      '1 / 10',
      '1 / 10',
      '1 / 10',
    ]);

    expect((await t.as('admin').patch('/api/v1/brigade', { since: '2026-04' }).expect(200)).body.since).toBe('2026-04');
    expect((await statuses('north')).slice(0, 4)).toEqual(['before', 'before', 'before', 'missed']);
    flags = await openR6Flags();
    expect(flags.filter((f) => f.split(' ')[1] < '2026-04')).toEqual([]);
    const page = (await (await signedIn(t, 'duty')).get('/compliance?year=2026').expect(200)).text;
    expect(
      gridPage(page)
        .north.cells.slice(0, 4)
        .map((c) => [c.status, c.shown]),
    ).toEqual([
      ['before', null],
      ['before', null],
      ['before', null],
      ['missed', 0],
    ]);
    expect(page).toContain('— 本大队自 2026-04 起使用联动，此前月份不评');
  });

  it('an administrator shows and changes it on the admin pages; a bad month comes back with the field marked', async () => {
    const admin = await signedIn(t, 'admin');
    const page = (await admin.get('/admin/brigade').expect(200)).text;
    expect(page).toMatch(/data-testid="brigade-since">2026-04</);
    expect(page).toMatch(/<input type="month" name="since" value="2026-04" max="2026-11"/);
    const bad = await admin
      .post('/admin/brigade')
      .type('form')
      .send({ _csrf: csrfOf(page), since: '2026-12' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/data-error-for="since">不能晚于本月（2026-11）/);
    expect(bad.text).toMatch(/name="since" value="2026-12"/);
    const ok = await admin
      .post('/admin/brigade')
      .type('form')
      .send({ _csrf: csrfOf(page), since: '2026-02' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/brigade?done=brigade_saved');
    expect((await admin.get('/admin/brigade?done=brigade_saved').expect(200)).text).toContain('大队设置已保存。');
    expect((await t.as('duty').get('/api/v1/compliance?year=2026').expect(200)).body.since).toBe('2026-02');
    // The admin pages are the administrator's.
    await (await signedIn(t, 'duty')).get('/admin/brigade').expect(403);
  });
});
