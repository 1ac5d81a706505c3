import { createOperation, operationIn, planForm, rowCounts, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, fieldValue, signedIn, submitForm } from '../support/web';

let t: TestApp;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

describe('the plan form', () => {
  let leader: Agent;
  beforeAll(async () => {
    leader = await signedIn(t, 'waitan.leader');
  });

  it('drafts a plan laid out as an operations order, which the API then reads the same', async () => {
    const res = await submitForm(leader, '/operations/new', '/operations', planForm(t.clock.now()));
    expect(res.status).toBe(303);
    const id = Number(/\/operations\/(\d+)/.exec(res.headers.location)![1]);
    const api = (await t.as('waitan.leader').get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(api).toMatchObject({
      state: 'draft',
      squads: ['waitan', 'nanjingdonglu', 'bund-scenic'],
      plannedHours: 4,
      holdingDays: 7,
    });
    expect(api.forces).toEqual([
      { squad: 'waitan', officers: 6, vehicles: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
      { squad: 'bund-scenic', officers: 3, vehicles: 0 },
    ]);
    // The datetime typed in the form is brigade (Shanghai) time: 09:00 there is 01:00 UTC.
    expect(api.plannedStart).toBe('2026-11-03T09:00:00+08:00');
    const page = (await leader.get(res.headers.location).expect(200)).text;
    expect(page).toContain('计划已保存为草稿');
  });

  it('refuses bad input and shows the form again with everything typed and the problems beside the fields', async () => {
    const before = await rowCounts(t);
    const res = await submitForm(
      leader,
      '/operations/new',
      '/operations',
      planForm(t.clock.now(), {
        title: '',
        plannedHours: 'abc',
        location: '南京东路步行街东段',
        mission: '清除 5 处占道',
      }),
    );
    expect(res.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
    expect(fieldValue(res.text, 'location')).toBe('南京东路步行街东段');
    expect(fieldValue(res.text, 'mission')).toBe('清除 5 处占道');
    expect(fieldValue(res.text, 'plannedHours')).toBe('abc');
    expect(fieldValue(res.text, 'forces[nanjingdonglu][officers]')).toBe('4');
    expect(res.text).toMatch(/data-error-for="title">必填</);
    expect(res.text).toMatch(/data-error-for="plannedHours">类型不正确/);
    expect(res.text).toMatch(/name="squads" value="bund-scenic" id="sq-bund-scenic" checked/);
  });

  it('a plan whose squads break a rule is refused naming the rule’s problem, input kept', async () => {
    const res = await submitForm(
      leader,
      '/operations/new',
      '/operations',
      planForm(t.clock.now(), { squads: ['waitan', 'yuyuan'], 'forces[yuyuan][officers]': '2' }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/data-error-for="squads">常规联动的中队必须属于本联动小组/);
    expect(res.text).toMatch(/name="squads" value="yuyuan" id="sq-yuyuan" checked/);
  });

  it('edits a draft; a stale edit says so and keeps the changes typed', async () => {
    const { id } = await createOperation(t);
    const form = (await leader.get(`/operations/${id}/edit`).expect(200)).text;
    expect(fieldValue(form, 'title')).toBe('中山东一路无证设摊联合整治');
    const ok = await leader
      .post(`/operations/${id}/edit`)
      .type('form')
      .send(planForm(t.clock.now(), { _csrf: csrfOf(form), expectedVersion: '1', title: '修订一' }));
    expect(ok.status).toBe(303);
    const stale = await leader
      .post(`/operations/${id}/edit`)
      .type('form')
      .send(planForm(t.clock.now(), { _csrf: csrfOf(form), expectedVersion: '1', title: '修订二' }));
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('计划已被他人修改');
    expect(fieldValue(stale.text, 'title')).toBe('修订二');
    expect(fieldValue(stale.text, 'expectedVersion')).toBe('1');
    const api = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(api).toMatchObject({ title: '修订一', version: 2 });
  });
});

describe('event forms', () => {
  it('are shown only when this user may send the event now (the engine’s allowedEvents)', async () => {
    const { id } = await operationIn(t, 'filed');
    const forms = async (who: string) =>
      [
        ...decode((await (await signedIn(t, who)).get(`/operations/${id}`)).text).matchAll(
          /<form[^>]*data-event="(\w+)"/g,
        ),
      ]
        .map((m) => m[1])
        .sort();
    expect(await forms('duty')).toEqual(['APPROVE', 'CANCEL', 'RETURN']);
    expect(await forms('waitan.leader')).toEqual([]);
    expect(await forms('commander')).toEqual(['APPROVE', 'CANCEL', 'DESIGNATE_COMMANDER', 'RETURN']);
    expect(await forms('inspector')).toEqual([]);
  });

  it('a post for an event the user may not send is refused exactly as the API refuses it, even though no button was shown', async () => {
    const { id, version } = await operationIn(t, 'filed');
    const leader = await signedIn(t, 'waitan.leader');
    const before = await rowCounts(t);
    const res = await submitForm(leader, `/operations/${id}`, `/operations/${id}/events/APPROVE`, {
      expectedVersion: String(version),
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain('只有勤务指挥科或总指挥可以操作');
    const api = await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: version });
    expect(api.status).toBe(403);
    expect(api.body.error.reason).toBe('not_manager');
    expect(await rowCounts(t)).toEqual(before);
  });

  it('an event the state does not take is refused (409) and nothing changes', async () => {
    const { id } = await createOperation(t);
    const duty = await signedIn(t, 'duty');
    const res = await submitForm(duty, `/operations/${id}`, `/operations/${id}/events/APPROVE`, {
      expectedVersion: '1',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('当前状态（草稿）已不能执行此操作');
  });

  it('completing with bad numbers re-renders the results with what was typed and the problem beside the cell', async () => {
    const { id, version } = await operationIn(t, 'in_progress');
    t.clock.advance(5 * HOUR);
    const leader = await signedIn(t, 'waitan.leader');
    const before = await rowCounts(t);
    const fields = {
      expectedVersion: String(version),
      'results[0][squad]': 'waitan',
      'results[0][officers]': 'x',
      'results[0][vehicles]': '1',
      'results[0][educated]': '7',
      'results[0][handled]': '2',
      'results[0][goodsDetained]': '0',
      'results[1][squad]': 'nanjingdonglu',
      'results[1][officers]': '4',
      'results[1][vehicles]': '1',
      'results[1][educated]': '3',
      'results[1][handled]': '1',
      'results[1][goodsDetained]': '0',
      'results[2][squad]': 'bund-scenic',
      'results[2][officers]': '3',
      'results[2][vehicles]': '0',
      'results[2][educated]': '2',
      'results[2][handled]': '0',
      'results[2][goodsDetained]': '0',
      summary: '总体顺利',
    };
    const res = await submitForm(leader, `/operations/${id}`, `/operations/${id}/events/COMPLETE`, fields);
    expect(res.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
    expect(fieldValue(res.text, 'results[0][officers]')).toBe('x');
    expect(fieldValue(res.text, 'results[0][educated]')).toBe('7');
    expect(fieldValue(res.text, 'summary')).toBe('总体顺利');
    expect(res.text).toMatch(/data-error-for="results\[0\]\[officers\]">类型不正确/);
    expect(res.text).toMatch(/<details class="event-form tone-primary" id="event-COMPLETE" open>/);
    const ok = await submitForm(leader, `/operations/${id}`, `/operations/${id}/events/COMPLETE`, {
      ...fields,
      'results[0][officers]': '5',
    });
    expect(ok.status).toBe(303);
    const api = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(api.results[0]).toMatchObject({ squad: 'waitan', officers: 5, educated: 7 });
    expect(api.countsTowardMinimum).toBe(true);
  });

  it('an operation under 4 hours asks for the reason beside its field, keeping the results typed (R6)', async () => {
    const { id, version } = await operationIn(t, 'in_progress');
    t.clock.advance(2 * HOUR);
    const leader = await signedIn(t, 'waitan.leader');
    const fields = {
      expectedVersion: String(version),
      'results[0][squad]': 'waitan',
      'results[0][officers]': '5',
      'results[0][vehicles]': '1',
      'results[0][educated]': '9',
      'results[0][handled]': '2',
      'results[0][goodsDetained]': '0',
      'results[1][squad]': 'nanjingdonglu',
      'results[1][officers]': '4',
      'results[1][vehicles]': '1',
      'results[1][educated]': '3',
      'results[1][handled]': '1',
      'results[1][goodsDetained]': '0',
      'results[2][squad]': 'bund-scenic',
      'results[2][officers]': '3',
      'results[2][vehicles]': '0',
      'results[2][educated]': '2',
      'results[2][handled]': '0',
      'results[2][goodsDetained]': '0',
    };
    const res = await submitForm(leader, `/operations/${id}`, `/operations/${id}/events/COMPLETE`, fields);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/data-error-for="shortReason">行动不足 4 小时，须说明原因/);
    expect(fieldValue(res.text, 'results[0][educated]')).toBe('9');
    const ok = await submitForm(leader, `/operations/${id}`, `/operations/${id}/events/COMPLETE`, {
      ...fields,
      shortReason: '暴雨提前收队',
    });
    expect(ok.status).toBe(303);
    const page = (await leader.get(`/operations/${id}`)).text;
    expect(page).toContain('不计入每月两次');
  });

  it('a stale page (someone acted first) says so plainly, shows the current state, and keeps what was typed', async () => {
    const { id, version } = await operationIn(t, 'filed');
    const duty = await signedIn(t, 'duty');
    const duty2 = await signedIn(t, 'duty2');
    const page2 = (await duty2.get(`/operations/${id}`)).text;
    await submitForm(duty, `/operations/${id}`, `/operations/${id}/events/APPROVE`, {
      expectedVersion: String(version),
      note: '同意',
    });
    const res = await duty2
      .post(`/operations/${id}/events/RETURN`)
      .type('form')
      .send({ _csrf: csrfOf(page2), expectedVersion: String(version), reason: '请补充岗点分工' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('在您填写期间，他人已处理此行动（当前状态：已批准）');
    expect(res.text).toContain('data-state="approved"');
    expect(res.text).toContain('请补充岗点分工');
    expect(res.text).toContain('data-testid="lost-input"');
  });

  it('every step of the main line through forms, each user on their own page', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const created = await submitForm(leader, '/operations/new', '/operations', planForm(t.clock.now()));
    const id = Number(/\/operations\/(\d+)/.exec(created.headers.location)![1]);
    const step = async (agent: Agent, type: string, fields: Record<string, unknown> = {}) => {
      const got = await agent.get(`/operations/${id}`);
      expect({ type, page: got.status }).toEqual({ type, page: 200 });
      const page = got.text;
      const version = /data-version="(\d+)"/.exec(page)![1];
      const res = await agent
        .post(`/operations/${id}/events/${type}`)
        .type('form')
        .send({ _csrf: csrfOf(page), expectedVersion: version, ...fields });
      expect({ type, status: res.status }).toEqual({ type, status: 303 });
      return (await agent.get(res.headers.location)).text;
    };
    await step(leader, 'FILE');
    const duty = await signedIn(t, 'duty');
    await step(duty, 'APPROVE', { note: '同意，注意安全' });
    // Recorded after the fact: it began at its planned time, five hours ago (brigade time in the form).
    t.clock.advance(29 * HOUR);
    const commander = await signedIn(t, 'waitan.leader');
    const startLocal = new Date(t.clock.now().getTime() - 5 * HOUR + 8 * HOUR).toISOString().slice(0, 16);
    await step(commander, 'START', { actualStart: startLocal });
    const officer = await signedIn(t, 'nanjingdonglu.officer');
    await step(officer, 'LOG_INCIDENT', {
      incidentType: 'obstruction',
      severity: 'minor',
      injuries: '0',
      description: '摊主阻挠',
      response: '劝离',
    });
    const results: Record<string, string> = {};
    ['waitan', 'nanjingdonglu', 'bund-scenic'].forEach((squad, i) => {
      Object.assign(results, {
        [`results[${i}][squad]`]: squad,
        [`results[${i}][officers]`]: '3',
        [`results[${i}][vehicles]`]: '1',
        [`results[${i}][educated]`]: '4',
        [`results[${i}][handled]`]: '1',
        [`results[${i}][goodsDetained]`]: '0',
      });
    });
    const completed = await step(commander, 'COMPLETE', results);
    expect(completed).toContain('行动已结束，进入固守');
    const keeper = await signedIn(t, 'waitan.officer');
    // The form offers today's date (brigade time), as the browser would send it.
    const today = fieldValue((await keeper.get(`/operations/${id}`)).text, 'date');
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await step(keeper, 'LOG_HOLDING_CHECK', { date: today, officersOnPost: '2', notes: '未见回潮' });
    const inspector = await signedIn(t, 'inspector');
    const checked = await step(inspector, 'SPOT_CHECK', { findings: '岗点有人', reboundObserved: '1' });
    expect(checked).toContain('发现回潮');
    const api = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(api).toMatchObject({ state: 'holding', actualHours: 5, countsTowardMinimum: true });
    expect(api.holdingRecords.map((h: { kind: string }) => h.kind)).toEqual(['holding_check', 'spot_check']);
    await send(t, id, api.version, 'SPOT_CHECK', {}, 'inspector');
  });
});
