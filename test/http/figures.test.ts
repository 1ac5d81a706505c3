import ExcelJS from 'exceljs';
import request from 'supertest';
import { createOperation, runOperation, send, systemActorOf } from '../support/factories';
import { registerGoods, sendGoods } from '../support/goods';
import { startTestApp, type TestApp } from '../support/test-app';
import { signedIn } from '../support/web';
import { INDICATORS } from '../../src/domain/figures/indicators';

let t: TestApp;
/** The south group's operation left in progress (begun 12 May 2026). */
let southOp: { id: number; version: number };
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();
const HOUR = 3_600_000;

/** Raw rows, read plainly, for totals computed here independently of the figures' SQL. */
async function raw() {
  const q = (s: string) => t.services.db.dataSource.query(s);
  const ops: Array<Record<string, unknown>> = await q(
    'SELECT id, kind, state, actual_start, actual_hours, counts_toward_minimum, group_id FROM operations',
  );
  const lines: Array<Record<string, unknown>> = await q(
    'SELECT operation_id, squad_id, officers, vehicles, educated, handled FROM operation_squads',
  );
  const squads: Array<Record<string, unknown>> = await q('SELECT id, code, group_id FROM squads');
  const incidents: Array<Record<string, unknown>> = await q(
    'SELECT operation_id, occurred_at FROM operation_incidents',
  );
  const history: Array<Record<string, unknown>> = await q('SELECT instance_id, event, at FROM workflow_history');
  return { ops, lines, squads, incidents, history };
}

const toDate = (v: unknown) => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));
const COMPLETED = ['holding', 'awaiting_audit', 'closed'];

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-01-02T08:00:00') });
  // September 2025, north: one operation with known times between its steps (where operations wait longest).
  const at = (local: string) => t.clock.set(sh(local));
  at('2025-09-01T09:00:00');
  const { id: waited } = await createOperation(t, { plannedStart: sh('2025-09-03T09:00:00') });
  let w = await send(t, waited, 1, 'FILE');
  at('2025-09-01T19:00:00');
  w = await send(t, waited, w, 'APPROVE');
  at('2025-09-03T09:00:00');
  w = await send(t, waited, w, 'START', { actualStart: sh('2025-09-03T09:00:00') });
  at('2025-09-03T14:00:00');
  w = await send(t, waited, w, 'COMPLETE');
  at('2025-09-04T14:00:00');
  w = await send(t, waited, w, 'LOG_HOLDING_CHECK');
  at('2025-09-05T14:00:00');
  await send(t, waited, w, 'LOG_HOLDING_CHECK');
  // 2026, Shanghai time. North: three 5 h operations and one of 3.5 h; oldcity: two, one ad hoc; south: one left in progress.
  const march = await runOperation(t, 'north', { start: sh('2026-03-05T09:00:00'), hours: 5 });
  // Detained goods (R13), kept by Waitan: two in March (one confiscated, one returned), two in June (one disposed of, one still held).
  const [tricycle, oranges] = await registerGoods(t, march.id);
  t.clock.set(sh('2026-03-06T10:00:00'));
  await sendGoods(t, oranges, 'waitan.leader', { type: 'CONFISCATE', decisionRef: '黄城管罚〔2026〕12号' });
  t.clock.set(sh('2026-03-10T10:00:00'));
  await sendGoods(t, tricycle, 'waitan.leader', { type: 'RETURN_TO_OWNER', receivedBy: '王某' });
  await runOperation(t, 'north', { start: sh('2026-03-19T09:00:00'), hours: 5 });
  const june = await runOperation(t, 'north', { start: sh('2026-06-02T14:00:00'), hours: 3.5 });
  const [cart] = await registerGoods(t, june.id);
  t.clock.set(sh('2026-06-03T10:00:00'));
  await sendGoods(t, cart, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '无人认领，已公告' });
  await sendGoods(t, cart, 'waitan.leader', { type: 'DISPOSE', method: 'destroyed' });
  // Began at 23:30 on 31 October, Shanghai time (15:30 UTC): October's, though it ended in November.
  await runOperation(t, 'north', { start: sh('2026-10-31T23:30:00'), hours: 5 });
  await runOperation(t, 'oldcity', { start: sh('2026-04-10T09:00:00'), hours: 6 });
  const adhoc = await runOperation(t, 'oldcity', { start: sh('2026-04-20T09:00:00'), hours: 4, kind: 'ad_hoc' });
  southOp = await runOperation(t, 'south', { start: sh('2026-05-12T09:00:00'), hours: 5, until: 'in_progress' });
  // An incident in the ad-hoc one (logged while it ran is not possible now; log one in a new operation under way).
  const live = await runOperation(t, 'west', { start: sh('2026-07-07T09:00:00'), hours: 5, until: 'in_progress' });
  await send(
    t,
    live.id,
    live.version,
    'LOG_INCIDENT',
    { incidentType: 'assault', severity: 'serious', injuries: 1, description: '推搡', response: '报警' },
    'ruijinerlu.officer',
  );
  // A return, and a cancellation.
  t.clock.set(sh('2026-08-01T09:00:00'));
  const returned = await createOperation(t, { plannedStart: sh('2026-08-20T09:00:00') });
  const v = await send(t, returned.id, 1, 'FILE');
  await send(t, returned.id, v, 'RETURN', { reason: '预案不全' }, 'duty');
  const cancelled = await createOperation(t, { plannedStart: sh('2026-08-21T09:00:00') });
  await send(t, cancelled.id, 1, 'CANCEL', { reason: '天气' }, 'waitan.leader');
  void adhoc;
  t.clock.set(sh('2027-01-05T09:00:00'));
});
afterAll(async () => {
  await t.close();
});

describe('figures equal the totals computed independently from the raw rows', () => {
  it.each([
    ['the brigade', ''],
    ['group north', '&group=north'],
    ['squad waitan', '&squad=waitan'],
  ])('for %s in 2026', async (_label, scope) => {
    const res = (await t.as('duty').get(`/api/v1/figures?period=2026${scope}`).expect(200)).body;
    const fig = (id: string) => res.indicators.find((i: { id: string }) => i.id === id).current.value;
    const { ops, lines, squads, incidents, history } = await raw();
    const start = new Date(sh('2026-01-01T00:00:00'));
    const end = new Date(sh('2027-01-01T00:00:00'));
    const inYear = (d: unknown) => d !== null && toDate(d) >= start && toDate(d) < end;
    const scopeSquads = squads
      .filter((s) =>
        scope.includes('group=north')
          ? Number(s.group_id) === 1
          : scope.includes('squad=waitan')
            ? s.code === 'waitan'
            : true,
      )
      .map((s) => Number(s.id));
    const tookPart = (opId: unknown) =>
      lines.some((l) => l.operation_id === opId && scopeSquads.includes(Number(l.squad_id)));
    const began = ops.filter((o) => o.state !== 'cancelled' && inYear(o.actual_start) && tookPart(o.id));
    expect(fig('operations')).toBe(began.length);
    expect(fig('operations_qualifying')).toBe(
      began.filter((o) => COMPLETED.includes(String(o.state)) && Number(o.counts_toward_minimum) === 1).length,
    );
    const done = new Set(began.filter((o) => COMPLETED.includes(String(o.state))).map((o) => o.id));
    const sum = (col: string) =>
      lines
        .filter((l) => done.has(l.operation_id) && scopeSquads.includes(Number(l.squad_id)))
        .reduce((a, l) => a + Number(l[col] ?? 0), 0);
    expect(fig('person_times')).toBe(sum('officers'));
    expect(fig('vehicle_times')).toBe(sum('vehicles'));
    expect(fig('educated')).toBe(sum('educated'));
    expect(fig('handled')).toBe(sum('handled'));
    expect(fig('incidents')).toBe(incidents.filter((i) => inYear(i.occurred_at) && tookPart(i.operation_id)).length);
    const events = (e: string) =>
      history.filter(
        (h) => h.event === e && inYear(h.at) && ops.some((o) => o.id === h.instance_id) && tookPart(h.instance_id),
      ).length;
    expect(fig('returns')).toBe(events('RETURN'));
    expect(fig('cancellations')).toBe(events('CANCEL'));
    // Known by construction for the brigade: 8 began (the cancelled never did), 4 qualify (3 of north at ≥ 4 h incl. the 31 October one, oldcity’s 6 h).
    if (!scope) {
      expect(fig('operations')).toBe(8);
      expect(fig('operations_qualifying')).toBe(4);
      expect(fig('returns')).toBe(1);
      expect(fig('cancellations')).toBe(1);
      expect(fig('incidents')).toBe(1);
    }
  });

  it('an operation begun at 23:30 on 31 October, Shanghai time, belongs to October, not November', async () => {
    const oct = (await t.as('duty').get('/api/v1/figures?period=2026-10&group=north').expect(200)).body;
    const nov = (await t.as('duty').get('/api/v1/figures?period=2026-11&group=north').expect(200)).body;
    const ops = (r: { indicators: Array<{ id: string; current: { value: number } }> }) =>
      r.indicators.find((i) => i.id === 'operations')!.current.value;
    expect(ops(oct)).toBe(1);
    expect(ops(nov)).toBe(0);
  });

  it('gives the previous period and the same period last year beside each figure, and from/to ranges', async () => {
    const q = (await t.as('duty').get('/api/v1/figures?period=2026-Q2').expect(200)).body;
    expect(q.previous.key).toBe('2026-Q1');
    expect(q.lastYear.key).toBe('2025-Q2');
    const opsRow = q.indicators.find((i: { id: string }) => i.id === 'operations');
    expect(opsRow.current.value).toBe(4);
    expect(opsRow.previous.value).toBe(2);
    expect(opsRow.lastYear.value).toBe(0);
    const range = (await t.as('duty').get('/api/v1/figures?from=2026-03&to=2026-04').expect(200)).body;
    expect(range.period.key).toBe('2026-03..2026-04');
    expect(range.previous.key).toBe('2026-01..2026-02');
    expect(range.indicators.find((i: { id: string }) => i.id === 'operations').current.value).toBe(4);
    expect((await t.as('duty').get('/api/v1/figures?period=2026-13').expect(400)).body.error.fields).toHaveProperty(
      'period',
    );
    expect((await t.as('duty').get('/api/v1/figures').expect(400)).body.error.fields).toHaveProperty('period');
  });

  it('a ratio over too few cases says so instead of a rate', async () => {
    const res = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body;
    const rate = res.indicators.find((i: { id: string }) => i.id === 'audit_pass_rate');
    expect(rate.current).toMatchObject({ value: null, tooFew: true });
  });
});

describe('every figure is traceable to the records behind it', () => {
  it.each([
    'operations',
    'operations_qualifying',
    'person_times',
    'educated',
    'handled',
    'incidents',
    'returns',
    'cancellations',
  ])('the records of %s add up to the figure, page after page', async (id) => {
    const fig = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body.indicators.find(
      (i: { id: string }) => i.id === id,
    ).current.value;
    let total = 0;
    let rows = 0;
    let url = `/api/v1/figures/${id}/records?period=2026&limit=2`;
    for (;;) {
      const page = (await t.as('duty').get(url).expect(200)).body;
      for (const item of page.items) {
        total += item.value;
        rows++;
        expect(item.why).toEqual(expect.any(String));
        expect(item.link).toMatch(/^\/(operations|flags)\/\d+$/);
      }
      if (!page.nextCursor) break;
      url = `/api/v1/figures/${id}/records?period=2026&limit=2&cursor=${page.nextCursor}`;
    }
    expect(total).toBe(fig);
    expect(rows).toBeGreaterThanOrEqual(fig > 0 ? 1 : 0);
  });

  it('says why each record counts or not (a 3.5 h operation, an ad-hoc one, one not completed)', async () => {
    const items = (
      await t.as('duty').get('/api/v1/figures/operations_qualifying/records?period=2026&limit=50').expect(200)
    ).body.items;
    const whys = items.map((i: { why: string; value: number }) => `${i.value} ${i.why}`);
    expect(whys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0 实际 3.5 小时，不足 4 小时/),
        expect.stringMatching(/^0 不定期联动/),
        expect.stringMatching(/^0 尚未完成/),
        expect.stringMatching(/^1 已完成，5 小时/),
      ]),
    );
  });
});

describe('exports carry the same numbers as the page', () => {
  it('CSV and spreadsheet of the view, with headers in the user’s language', async () => {
    const json = (await t.as('duty').get('/api/v1/figures?period=2026&group=north').expect(200)).body;
    const csv = await t.as('duty').get('/api/v1/figures?period=2026&group=north&format=csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^指标,本期 2026,上期 2025,去年同期 2025,口径$/);
    const personLine = lines.find((l: string) => l.startsWith('出动人次'))!;
    expect(personLine.split(',')[1]).toBe(
      String(json.indicators.find((i: { id: string }) => i.id === 'person_times').current.value),
    );
    const xlsx = await request(t.app)
      .get('/api/v1/figures?period=2026&group=north&format=xlsx')
      .set('Authorization', `Bearer ${t.token('duty')}`)
      .set('Accept-Language', 'en')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as Parameters<typeof wb.xlsx.load>[0]);
    const ws = wb.worksheets[0];
    expect(ws.getRow(3).values).toEqual([
      undefined,
      'Indicator',
      'This period 2026',
      'Previous 2025',
      'Same period last year 2025',
      'Definition',
    ]);
    const person = ws.getRows(4, ws.rowCount - 3)!.find((r) => r.getCell(1).value === 'Person-times')!;
    expect(person.getCell(2).value).toBe(
      json.indicators.find((i: { id: string }) => i.id === 'person_times').current.value,
    );
  });

  it('CSV of a drill-down holds every record, with its contribution', async () => {
    const csv = await t.as('duty').get('/api/v1/figures/person_times/records?period=2026&format=csv').expect(200);
    const rows = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
      .slice(1);
    const total = rows.reduce((a: number, r: string) => a + Number(r.split(',')[2]), 0);
    const fig = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body.indicators.find(
      (i: { id: string }) => i.id === 'person_times',
    ).current.value;
    expect(total).toBe(fig);
  });
});

describe('the groups chart against the minimum (R6)', () => {
  it('counts each group’s qualifying operations per month as the compliance view (and the monthly-minimum job) does, from kept months too', async () => {
    const brigade = await t.services.org.brigadeByCode('huangpu');
    const duty = await t.services.org.userByUsername(brigade.id, 'duty');
    const p = await t.services.org.principalFor(duty!.user.id);
    const grid = await t.services.compliance.year(p, 2026);
    const agent = await signedIn(t, 'duty');
    for (let round = 0; round < 2; round++) {
      // The figures page's chart: a bar per group and month, titled "<group> · <n> 月: <count>".
      const page = (await agent.get('/figures?period=2026').expect(200)).text;
      for (const row of grid.rows) {
        const chart = grid.months.map((mo) =>
          Number(new RegExp(`<title>${row.group.name} · ${Number(mo.slice(5))} 月: (\\d+)</title>`).exec(page)?.[1]),
        );
        expect([row.group.code, chart]).toEqual([row.group.code, row.cells.map((c) => c.qualifying)]);
      }
    }
    expect(
      grid.rows.find((r) => r.group.code === 'north')!.cells.reduce((a, c) => a + c.qualifying, 0),
    ).toBeGreaterThan(0);
    // The annual report judges each group's months as the compliance view does.
    const report = (await (await signedIn(t, 'duty')).get('/figures/annual?year=2026').expect(200)).text;
    for (const row of grid.rows) {
      const tr = new RegExp(`<tr><th scope="row">${row.group.name}</th>.*?</tr>`, 's').exec(report)![0];
      expect([row.group.code, tr.includes(`<td>${row.met} / ${row.judged}</td>`)]).toEqual([row.group.code, true]);
    }
  });
});

describe('detained goods (R13)', () => {
  it('registered, returned, confiscated and disposed of in the period add up; held is what was held at its end; each lists its items', async () => {
    const items: Array<Record<string, unknown>> = await t.services.db.dataSource.query(
      'SELECT id, state, registered_at, closed_at FROM goods_items',
    );
    const within = (v: unknown, from: string, to: string) =>
      v !== null && toDate(v) >= new Date(sh(from)) && toDate(v) < new Date(sh(to));
    const expected = (from: string, to: string) => ({
      goods_registered: items.filter((i) => within(i.registered_at, from, to)).length,
      goods_returned: items.filter((i) => i.state === 'returned' && within(i.closed_at, from, to)).length,
      goods_confiscated: items.filter((i) => i.state === 'confiscated' && within(i.closed_at, from, to)).length,
      goods_disposed: items.filter((i) => i.state === 'disposed' && within(i.closed_at, from, to)).length,
      goods_held: items.filter(
        (i) =>
          toDate(i.registered_at) < new Date(sh(to)) &&
          (i.closed_at === null || toDate(i.closed_at) >= new Date(sh(to))),
      ).length,
    });
    const figures = async (q: string) => {
      const body = (await t.as('duty').get(`/api/v1/figures?${q}`).expect(200)).body;
      return Object.fromEntries(
        ['goods_registered', 'goods_returned', 'goods_confiscated', 'goods_disposed', 'goods_held'].map((id) => [
          id,
          fig(body, id),
        ]),
      );
    };
    const fig = (body: { indicators: Array<{ id: string; current: { value: number } }> }, id: string) =>
      body.indicators.find((i) => i.id === id)!.current.value;
    expect(await figures('period=2026')).toEqual(expected('2026-01-01T00:00:00', '2027-01-01T00:00:00'));
    expect(await figures('period=2026')).toEqual({
      goods_registered: 4,
      goods_returned: 1,
      goods_confiscated: 1,
      goods_disposed: 1,
      goods_held: 1,
    });
    expect(await figures('period=2026-Q1')).toEqual({
      goods_registered: 2,
      goods_returned: 1,
      goods_confiscated: 1,
      goods_disposed: 0,
      goods_held: 0,
    });
    expect(await figures('period=2026-Q2&squad=waitan')).toEqual(
      expected('2026-04-01T00:00:00', '2026-07-01T00:00:00'),
    );
    expect((await figures('period=2026&group=oldcity')).goods_registered).toBe(0);
    // Each figure's list holds exactly its items, each saying why.
    for (const id of ['goods_registered', 'goods_held', 'goods_returned', 'goods_confiscated', 'goods_disposed']) {
      const list = (await t.as('duty').get(`/api/v1/figures/${id}/records?period=2026`).expect(200)).body;
      expect(list.items.reduce((a: number, r: { value: number }) => a + r.value, 0)).toBe(
        (await figures('period=2026'))[id],
      );
      for (const r of list.items) {
        expect(r.link).toMatch(/^\/goods\/\d+$/);
        expect(r.why).toMatch(/王某/);
      }
    }
  });
});

describe('where operations wait longest', () => {
  it('gives the hours an operation spent in each state in all: a holding check does not start a new stay', async () => {
    const res = (await t.as('duty').get('/api/v1/figures?period=2025-09&group=north').expect(200)).body;
    const hours = Object.fromEntries(
      res.dwell.map((d: { state: string; hours: number; operations: number }) => [d.state, d.hours]),
    );
    // Drafted and filed at once, filed 10 h, approved 38 h, under way 5 h, held 48 h so far (two checks a day apart: still one stay); still holding, so the last day is not yet counted.
    expect(hours).toEqual({ draft: 0, filed: 10, approved: 38, in_progress: 5, holding: 48 });
    expect(res.dwell.every((d: { operations: number }) => d.operations === 1)).toBe(true);
  });
});

describe('the figures pages', () => {
  it('show each figure with its definition, the comparisons and the charts; a figure leads to its records', async () => {
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/figures?period=2026').expect(200)).text;
    expect(page).not.toMatch(/⟦/);
    for (const ind of INDICATORS) expect(page).toContain(`data-indicator="${ind.id}"`);
    expect(page).toContain('样本过少，不评');
    expect(page.match(/<svg class="chart"/g)!.length).toBeGreaterThanOrEqual(2);
    const link = /href="(\/figures\/operations_qualifying\?[^"]+)"/
      .exec(page)![1]
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const drill = (await duty.get(link).expect(200)).text;
    expect(drill).toMatch(/data-testid="drill-figure">4</);
  });

  it('the annual assessment shows each squad’s score with how it was reached, and idle participation', async () => {
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/figures/assessment?year=2026').expect(200)).text;
    expect(page).not.toMatch(/⟦/);
    expect(page).toMatch(/data-testid="score-waitan">[\d.]+</);
    expect(page).toContain('参加 ');
    const report = (await duty.get('/figures/annual?year=2026').expect(200)).text;
    expect(report).not.toMatch(/⟦/);
    expect(report).toContain('2026 年区域联动工作年度报告');
  });

  it('the API gives the same assessment: every squad, scores that are the sum of their parts, best first', async () => {
    const res = (await t.as('commander').get('/api/v1/figures/assessment?year=2026').expect(200)).body;
    expect(res.items).toHaveLength(17);
    for (const a of res.items) {
      const sum = a.components.reduce((s: number, c: { points: number }) => s + c.points, 0);
      expect(Math.abs(sum - a.score)).toBeLessThan(0.11);
      expect(a.components.every((c: { how: string }) => c.how.length > 0 && !c.how.startsWith('assessment.'))).toBe(
        true,
      );
    }
    expect(res.items.map((a: { score: number }) => a.score)).toEqual(
      [...res.items.map((a: { score: number }) => a.score)].sort((x, y) => y - x),
    );
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get('/figures/assessment?year=2026').expect(200)).text;
    const waitan = res.items.find((a: { squad: string }) => a.squad === 'waitan');
    expect(page).toContain(`data-testid="score-waitan">${waitan.score}<`);
    expect(
      (await t.as('duty').get('/api/v1/figures/assessment?year=20x6').expect(400)).body.error.fields,
    ).toHaveProperty('year');
  });
});

describe('the indicator registry', () => {
  it('every indicator has a name and a written definition in both languages', async () => {
    const zh = (await t.as('duty').get('/api/v1/figures/indicators').expect(200)).body.items;
    const en = (await t.as('duty').get('/api/v1/figures/indicators').set('Accept-Language', 'en').expect(200)).body
      .items;
    expect(zh).toHaveLength(INDICATORS.length);
    for (const [i, ind] of zh.entries()) {
      expect(ind.definition).not.toMatch(/^indicator\./);
      expect(en[i].definition).not.toBe(ind.definition);
      expect(en[i].name).not.toBe(ind.name);
    }
  });
});

describe('months are kept once over, and never read stale', () => {
  const fig = (body: { indicators: Array<{ id: string; current: { value: number } }> }, id: string) =>
    body.indicators.find((i) => i.id === id)!.current.value;
  const kept = async (scopeKey: string, month: string) =>
    Number(
      (
        await t.services.db.dataSource.query(
          'SELECT COUNT(*) AS c FROM figure_month_facts WHERE scope_key = ? AND month = ?',
          [scopeKey, month],
        )
      )[0].c,
    );

  it('a year read from kept months equals the year computed afresh from the rows', async () => {
    await t.as('duty').get('/api/v1/figures?period=2026').expect(200);
    expect(await kept('brigade', '2026-03')).toBe(1);
    const warm = (await t.as('duty').get('/api/v1/figures?period=2026&format=json').expect(200)).body;
    await t.services.db.dataSource.query('DELETE FROM figure_month_facts');
    const cold = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body;
    expect(warm).toEqual(cold);
    // The assessment keeps its months too, and reads the same again.
    const a1 = (await (await signedIn(t, 'duty')).get('/figures/assessment?year=2026').expect(200)).text;
    expect(await kept('squads', '2026-03')).toBe(1);
    const a2 = (await (await signedIn(t, 'duty')).get('/figures/assessment?year=2026').expect(200)).text;
    const scores = (html: string) =>
      [...html.matchAll(/data-testid="score-([\w-]+)">([\d.]+)</g)].map((m) => `${m[1]}=${m[2]}`);
    expect(scores(a2)).toEqual(scores(a1));
  });

  it('a kept month is read again from the rows when an operation begun in it moves on', async () => {
    const before = (await t.as('duty').get('/api/v1/figures?period=2026-05').expect(200)).body;
    expect(await kept('brigade', '2026-05')).toBe(1);
    expect(fig(before, 'operations_qualifying')).toBe(0);
    // The south operation, begun in May, is completed in January: May's figures change.
    const results = ['bansongyuanlu', 'wuliqiao'].map((squad) => ({
      squad,
      officers: 4,
      vehicles: 1,
      educated: 6,
      handled: 2,
      goodsDetained: 0,
    }));
    await send(t, southOp.id, southOp.version, 'COMPLETE', { results }, 'bansongyuanlu.leader');
    const after = (await t.as('duty').get('/api/v1/figures?period=2026-05').expect(200)).body;
    expect(fig(after, 'operations_qualifying')).toBe(1);
    expect(fig(after, 'person_times')).toBe(fig(before, 'person_times') + 8);
    const year = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body;
    expect(fig(year, 'operations_qualifying')).toBe(5);
  });

  it('a group’s kept months are not read once its squads change', async () => {
    const before = (await t.as('duty').get('/api/v1/figures?period=2026&group=north').expect(200)).body;
    expect(await kept(`group:1`, '2026-03')).toBe(1);
    await t
      .as('admin')
      .patch('/api/v1/groups/north')
      .send({ squads: ['waitan', 'nanjinglu-walk', 'bund-scenic'] })
      .expect(200);
    const after = (await t.as('duty').get('/api/v1/figures?period=2026&group=north').expect(200)).body;
    // East Nanjing Road's lines (4 officers in each of the four completed north operations) no longer count to North.
    expect(fig(after, 'person_times')).toBe(fig(before, 'person_times') - 16);
    expect(fig(after, 'operations')).toBe(fig(before, 'operations'));
  });

  it('a change to an old record recomputes only the months its facts lie in, not every month since it began', async () => {
    const computedAt = async (month: string) =>
      String(
        (
          await t.services.db.dataSource.query(
            "SELECT computed_at FROM figure_month_facts WHERE scope_key = 'brigade' AND month = ?",
            [month],
          )
        )[0]?.computed_at,
      );
    t.clock.set(sh('2027-01-05T09:00:00'));
    await t.services.db.dataSource.query('DELETE FROM figure_month_facts');
    await t.as('duty').get('/api/v1/figures?period=2026').expect(200);
    const before = {
      aug: await computedAt('2026-08'),
      oct: await computedAt('2026-10'),
      mar: await computedAt('2026-03'),
    };
    // Ten minutes on, the plan returned in August 2026 is cancelled (a draft: no start; its one limit fell due in August).
    t.clock.set(sh('2027-01-05T09:10:00'));
    const [draft] = await t.services.db.dataSource.query(
      "SELECT id FROM operations WHERE state = 'draft' ORDER BY id LIMIT 1",
    );
    const version = (await t.as('waitan.leader').get(`/api/v1/operations/${draft.id}`).expect(200)).body.version;
    await send(t, Number(draft.id), version, 'CANCEL', { reason: '任务调整，不再实施' }, 'waitan.leader');
    const fresh = (await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body;
    // August (where its limit lies) is computed again; October and March, where nothing of it lies, are read as kept.
    expect(await computedAt('2026-08')).not.toBe(before.aug);
    expect(await computedAt('2026-10')).toBe(before.oct);
    expect(await computedAt('2026-03')).toBe(before.mar);
    await t.services.db.dataSource.query('DELETE FROM figure_month_facts');
    expect((await t.as('duty').get('/api/v1/figures?period=2026').expect(200)).body).toEqual(fresh);
    t.clock.set(sh('2027-01-05T09:00:00'));
  });

  it('the month in progress is computed at most once a minute (figures.liveMonthSeconds), and then says as of when', async () => {
    t.clock.set(sh('2027-01-10T09:00:00'));
    const first = (await t.as('duty').get('/api/v1/figures?period=2027-01').expect(200)).body;
    expect(first.asOf).toBeNull();
    await runOperation(t, 'oldcity', { start: sh('2027-01-08T09:00:00'), hours: 5 });
    t.clock.set(sh('2027-01-10T09:00:30'));
    const soon = (await t.as('duty').get('/api/v1/figures?period=2027-01').expect(200)).body;
    expect(fig(soon, 'operations')).toBe(fig(first, 'operations'));
    expect(soon.asOf).toBe('2027-01-10T09:00:00+08:00');
    const page = (await (await signedIn(t, 'duty')).get('/figures?period=2027-01').expect(200)).text;
    expect(page).toContain('data-testid="as-of"');
    t.clock.set(sh('2027-01-10T09:01:01'));
    const later = (await t.as('duty').get('/api/v1/figures?period=2027-01').expect(200)).body;
    expect(fig(later, 'operations')).toBe(fig(first, 'operations') + 1);
    expect(later.asOf).toBeNull();
    // Once the month is over it is computed afresh, not read from a computation made while it ran.
    t.clock.set(sh('2027-02-01T00:00:10'));
    const over = (await t.as('duty').get('/api/v1/figures?period=2027-01').expect(200)).body;
    expect(over.asOf).toBeNull();
    expect(fig(over, 'operations')).toBe(fig(later, 'operations'));
    t.clock.set(sh('2027-01-05T09:00:00'));
  });
});

void HOUR;
void systemActorOf;
