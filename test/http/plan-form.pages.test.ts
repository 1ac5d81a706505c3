import { createOperation, operationIn, planForm as planFormFields, send, systemActorOf } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { fieldValue, signedIn, submitForm } from '../support/web';

/**
 * A plan fit to file, through the forms (issue 10): 保存并报备 in one step,
 * every problem beside its field in one pass, the "ready to file" checklist,
 * the return reason on top, no edit form once filed; and the record pages
 * that show what the rules decided (late entry, coverage, numbers).
 */
let t: TestApp;
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-12-06T09:00:00') });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const planForm = (over: Record<string, unknown> = {}) => planFormFields(t.clock.now(), over);

const count = async () => Number((await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM operations'))[0].n);
const errorFor = (html: string, field: string) =>
  new RegExp(`data-error-for="${field}">([^<]*)<`).exec(html)?.[1] ?? null;

describe('保存并报备: save and file in one step', () => {
  it('a complete plan is saved and filed at once, and gets the brigade’s number', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const res = await submitForm(leader, '/operations/new', '/operations', {
      ...planForm({ title: '一步报备的计划' }),
      intent: 'file',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/operations\/\d+\?done=saved_and_filed$/);
    const id = Number(/\/operations\/(\d+)/.exec(res.headers.location)![1]);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op).toMatchObject({ state: 'filed', title: '一步报备的计划', number: { year: 2026 } });
    const page = (await leader.get(res.headers.location)).text;
    expect(page).toContain('计划已保存并报备勤务指挥科。');
    expect(page).toMatch(/data-testid="plan-number">〔2026〕第 \d+ 号</);
  });

  it('a plan with empty sections and a bad number is refused in one pass: every problem beside its field, what was typed kept, nothing saved', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const before = await count();
    const res = await submitForm(leader, '/operations/new', '/operations', {
      ...planForm({
        title: '缺项的计划',
        holdingPlan: '',
        command: '   ',
        plannedHours: 'abc',
        mission: '清除无证设摊',
      }),
      intent: 'file',
    });
    expect(res.status).toBe(400);
    expect(await count()).toBe(before);
    const html = res.text;
    // The field that does not parse, and what filing would refuse of the rest — at once.
    expect(errorFor(html, 'plannedHours')).toBeTruthy();
    expect(errorFor(html, 'holdingPlan')).toBe('必填');
    expect(errorFor(html, 'command')).toBe('必填');
    expect(errorFor(html, 'mission')).toBeNull();
    // Never a raw code or a rule id in what the user reads.
    expect(html).not.toMatch(/data-error-for="[^"]+">[^<]*(required|invalid_|R\d+|§)/);
    expect(fieldValue(html, 'title')).toBe('缺项的计划');
    expect(fieldValue(html, 'mission')).toBe('清除无证设摊');
    expect(fieldValue(html, 'plannedHours')).toBe('abc');
    // The checklist says the same.
    expect(html).toMatch(/data-check="section.holdingPlan" data-ok="false"/);
    expect(html).toMatch(/data-check="section.mission" data-ok="true"/);
  });

  it('a plan whose only fault is a rule of filing is refused with 422, all its problems named, nothing saved', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const before = await count();
    const res = await submitForm(leader, '/operations/new', '/operations', {
      ...planForm({ situation: '', goodsArrangements: '', plannedHours: '3' }),
      intent: 'file',
    });
    expect(res.status).toBe(422);
    expect(await count()).toBe(before);
    expect(errorFor(res.text, 'situation')).toBe('必填');
    expect(errorFor(res.text, 'goodsArrangements')).toBe('必填');
    expect(errorFor(res.text, 'plannedHours')).toContain('4');
  });

  it('saving a draft keeps it as a draft, however incomplete, and its page shows the checklist', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const res = await submitForm(leader, '/operations/new', '/operations', {
      ...planForm({ title: '只存草稿', holdingPlan: '' }),
      intent: 'save',
    });
    expect(res.status).toBe(303);
    const id = Number(/\/operations\/(\d+)/.exec(res.headers.location)![1]);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({ state: 'draft', number: null });
    const page = (await leader.get(`/operations/${id}`)).text;
    expect(page).toContain('data-testid="filing-checklist"');
    expect(page).toMatch(/data-check="section.holdingPlan" data-ok="false"/);
    expect(page).toMatch(/data-check="plannedHours" data-ok="true"/);
  });

  it('an edit saved and filed in one step files the draft; refused, the draft is as it was', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    const { id } = await createOperation(t, { holdingPlan: '' });
    const refused = await submitForm(leader, `/operations/${id}/edit`, `/operations/${id}/edit`, {
      ...planForm({ title: '改了标题', holdingPlan: '' }),
      expectedVersion: '1',
      intent: 'file',
    });
    expect(refused.status).toBe(422);
    expect(errorFor(refused.text, 'holdingPlan')).toBe('必填');
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({
      state: 'draft',
      version: 1,
      title: '中山东一路无证设摊联合整治',
    });
    const ok = await submitForm(leader, `/operations/${id}/edit`, `/operations/${id}/edit`, {
      ...planForm({ title: '改了标题', holdingPlan: '每日固守' }),
      expectedVersion: '1',
      intent: 'file',
    });
    expect(ok.status).toBe(303);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({
      state: 'filed',
      version: 3,
      title: '改了标题',
      holdingPlan: '每日固守',
    });
  });
});

describe('a plan no longer a draft, and one returned', () => {
  it('a filed plan offers no edit form: its page says why', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    const leader = await signedIn(t, 'waitan.leader');
    const res = await leader.get(`/operations/${id}/edit`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('data-testid="plan-locked"');
    expect(res.text).toContain('此计划已报备勤务指挥科，不能再修改');
    expect(res.text).not.toContain('class="plan-form"');
    expect((await leader.get(`/operations/${id}`)).text).not.toContain(`href="/operations/${id}/edit"`);
  });

  it('a returned plan’s inbox card opens its edit form with the reason on top', async () => {
    const { id } = await createOperation(t);
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'RETURN', { reason: '请补充南京东路口岗点分工' });
    const leader = await signedIn(t, 'waitan.leader');
    const inbox = (await leader.get('/')).text;
    const card = new RegExp(`<li class="card[^"]*" data-operation="${id}">([\\s\\S]*?)</li>`).exec(inbox)![1];
    expect(card).toContain(`href="/operations/${id}/edit"`);
    expect(card).toContain('修改后重新报备');
    const edit = (await leader.get(`/operations/${id}/edit`)).text;
    expect(edit).toMatch(
      /data-testid="return-reason"><strong>勤务指挥科退回修改，原因：<\/strong> 请补充南京东路口岗点分工/,
    );
    expect(fieldValue(edit, 'title')).toBe('中山东一路无证设摊联合整治');
    void v;
  });
});

describe('what the rules decided, on the record’s page', () => {
  it('a late entry is marked on the operation and its history says why', async () => {
    t.clock.set(sh('2026-12-20T09:00:00'));
    const { id } = await createOperation(t, { plannedStart: sh('2026-12-21T09:00:00') });
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    t.clock.set(sh('2026-12-22T08:00:00'));
    await send(t, id, v, 'START', { actualStart: sh('2026-12-21T09:00:00'), lateReason: '现场无信号，回队补录' });
    const page = (await (await signedIn(t, 'duty')).get(`/operations/${id}`)).text;
    expect(page).toContain('data-testid="late-entry"');
    expect(page).toContain('补录（事后 23 小时）');
    expect(page).toContain('现场无信号，回队补录');
  });

  it('the audit form shows the coverage of holding, the days missed and the reason it asks for', async () => {
    t.clock.set(sh('2026-12-10T09:00:00'));
    const { id, version } = await operationIn(t, 'holding');
    const days = (await t.as('duty').get(`/api/v1/operations/${id}`)).body.coverage.days as string[];
    let v = version;
    t.clock.set(sh(`${days[1]}T10:00:00`));
    v = await send(t, id, v, 'LOG_HOLDING_CHECK', { date: days[1] });
    t.clock.set(sh(`${days.at(-1)}T15:00:00`));
    await t.services.engine.send(t.services.workflows.operation, id, await systemActorOf(t), {
      type: 'HOLDING_ELAPSED',
    });
    const inspector = await signedIn(t, 'inspector');
    const page = (await inspector.get(`/operations/${id}`)).text;
    const form = /<form[^>]*data-event="AUDIT_PASS"[\s\S]*?<\/form>/.exec(page)![0];
    expect(form).toMatch(/data-testid="coverage" data-checked="1" data-days="8"/);
    expect(form).toContain('固守期 8 天，已登记 1 天（13%）');
    expect(form).toContain('低于 80%');
    expect(form).toContain('name="coverageReason"');
    const refused = await inspector
      .post(`/operations/${id}/events/AUDIT_PASS`)
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1],
        expectedVersion: String(v + 1),
        findings: '现场整洁',
      });
    expect(refused.status).toBe(422);
    expect(errorFor(refused.text, 'coverageReason')).toBe('固守登记仅覆盖 1/8 天，低于 80%，通过须说明原因');
    expect(fieldValue(refused.text, 'findings')).toBe('现场整洁');
  });

  it('lists and search name plans by the brigade’s number; drafts have none', async () => {
    t.clock.set(sh('2026-12-11T09:00:00'));
    const { id } = await createOperation(t, { title: '编号检索的计划' });
    await send(t, id, 1, 'FILE');
    const no = (await t.as('duty').get(`/api/v1/operations/${id}`)).body.number;
    const duty = await signedIn(t, 'duty');
    const list = (await duty.get(`/operations?q=${encodeURIComponent(`〔2026〕第${no.seq}号`)}`)).text;
    expect(list).toContain(`〔2026〕第 ${no.seq} 号`);
    expect(list).toContain('编号检索的计划');
    expect((list.match(/<tr data-operation=/g) ?? []).length).toBe(1);
    const page = (await duty.get(`/operations/${id}`)).text;
    expect(page).toContain(`<title>〔2026〕第 ${no.seq} 号 编号检索的计划`);
  });
});
