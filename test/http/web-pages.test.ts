import request from 'supertest';
import { WorkflowInstance } from '../../src/persistence/entities';
import { createOperation, operationIn, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, signedIn } from '../support/web';

let t: TestApp;
const ops: Record<string, number> = {};
const USERS = [
  'waitan.leader',
  'waitan.officer',
  'nanjingdonglu.leader',
  'yuyuan.leader',
  'duty',
  'commander',
  'inspector',
  'inspector2',
  'legal',
  'admin',
];
const agents: Record<string, Agent> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const state of ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'])
    ops[state] = (await operationIn(t, state, { title: `${state} 行动` })).id;
  const closed = await operationIn(t, 'awaiting_audit', { title: 'closed 行动' });
  await send(t, closed.id, closed.version, 'AUDIT_PASS');
  ops.closed = closed.id;
  const cancelled = await createOperation(t, { title: 'cancelled 行动' });
  await send(t, cancelled.id, 1, 'CANCEL', {}, 'waitan.leader');
  ops.cancelled = cancelled.id;
  for (const u of USERS) agents[u] = await signedIn(t, u);
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const decodeEntities = (s: string) =>
  s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/&amp;/g, '&');

/** A page is whole: no untranslated key, no template left over. */
function expectWhole(html: string) {
  expect(html).not.toMatch(/⟦[^⟧]+⟧/);
  expect(html).not.toContain('{{');
  expect(html).not.toMatch(/\b(state|event|role|field|kind|source|inbox|error|reason|problem)\.[a-z_A-Z]+\b(?![^<]*>)/);
}

describe('every page renders for every role, in both languages', () => {
  it.each(USERS)('%s: inbox, list and the operation in each state', async (user) => {
    const agent = agents[user];
    for (const lang of ['zh-CN', 'en']) {
      await agent.get(`/lang/${lang}?next=/`).expect(303);
      const pages = [
        '/',
        '/operations',
        '/operations?state=holding&group=north',
        ...Object.values(ops).map((id) => `/operations/${id}`),
      ];
      for (const path of pages) {
        const res = await agent.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expectWhole(res.text);
        expect(res.text).toContain(`<html lang="${lang}">`);
      }
    }
    await agent.get('/lang/zh-CN?next=/').expect(303);
  });

  it('the operation page shows the plan, the forces, the history and the state diagram with the current state highlighted', async () => {
    const res = await agents.duty.get(`/operations/${ops.holding}`).expect(200);
    expect(res.text).toContain('data-state="holding"');
    expect(res.text).toContain('行动总结');
    expect(res.text).toMatch(/<svg[^>]*class="state-diagram"/);
    expect(res.text).toContain('id="state_holding"');
    // The current state is the filled node; the diagram lists every state of the machine.
    const node = /<g id="state_holding"[\s\S]*?<\/g>/.exec(res.text)![0];
    expect(node).toContain('#1f5fbf');
    for (const s of ['草稿', '已报备待批', '已批准', '行动中', '固守中', '待督察', '已办结', '已撤销'])
      expect(res.text).toContain(s);
    const timeline = /data-testid="timeline"[\s\S]*?<\/ol>/.exec(res.text)![0];
    expect(timeline.match(/<li /g)).toHaveLength(5);
    expect(timeline).toContain('结束行动，填报战果');
    expect(timeline).toContain('勤务指挥科值班员');
  });

  it('a plan page is laid out as an operations order, in order', async () => {
    const res = await agents.duty.get(`/operations/${ops.filed}`).expect(200);
    const order = ['情况', '任务目标', '实施方案', '指挥与通信', '应急预案', '暂扣物品安排', '固守方案'].map((h) =>
      res.text.indexOf(`<h3>${h}</h3>`),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('each role’s inbox shows what waits for it', () => {
  const sectionIds = (html: string, key: string) => {
    const m = new RegExp(`data-section="${key}"[\\s\\S]*?</section>`).exec(html);
    return m ? [...m[0].matchAll(/data-operation="(\d+)"/g)].map((x) => Number(x[1])) : [];
  };

  it('the lead squad’s leader: drafts to file, operations to start and complete, holding checks due', async () => {
    const html = (await agents['waitan.leader'].get('/').expect(200)).text;
    expect(sectionIds(html, 'drafts')).toContain(ops.draft);
    expect(sectionIds(html, 'to_start')).toContain(ops.approved);
    expect(sectionIds(html, 'to_complete')).toContain(ops.in_progress);
    expect(sectionIds(html, 'holding_checks')).toContain(ops.holding);
    expect(sectionIds(html, 'to_decide')).toEqual([]);
  });

  it('a squad leader of another group has nothing of north’s', async () => {
    const html = (await agents['yuyuan.leader'].get('/').expect(200)).text;
    // Their own group's duties (R5 plan, R9 meeting) may wait for them; no operation of north's does.
    expect(html).not.toContain('data-operation="');
  });

  it('a duty officer: filings to decide, oldest first, with how long they have waited', async () => {
    const second = await operationIn(t, 'filed', { title: '较晚报备' });
    const html = (await agents.duty.get('/').expect(200)).text;
    const ids = sectionIds(html, 'to_decide');
    expect(ids.indexOf(ops.filed)).toBeLessThan(ids.indexOf(second.id));
    expect(html).toMatch(/已等待 \d/);
    expect(html).toMatch(/data-testid="inbox-count">\d+</);
  });

  it('an inspector: audits due and holdings to spot-check, never their own squad’s', async () => {
    const html = (await agents.inspector.get('/').expect(200)).text;
    expect(sectionIds(html, 'audits')).toContain(ops.awaiting_audit);
    expect(sectionIds(html, 'spot_checks')).toContain(ops.holding);
    const own = (await agents.inspector2.get('/').expect(200)).text;
    expect(sectionIds(own, 'audits')).not.toContain(ops.awaiting_audit);
    expect(sectionIds(own, 'spot_checks')).not.toContain(ops.holding);
  });

  it('the legal section and the administrator have an empty inbox', async () => {
    for (const u of ['legal', 'admin'])
      expect((await agents[u].get('/').expect(200)).text).toContain('data-testid="inbox-empty"');
  });
});

describe('the operations list', () => {
  it('filters by state, group, squad, month, kind and source, and pages on', async () => {
    const agent = agents.duty;
    const holding = (await agent.get('/operations?state=holding').expect(200)).text;
    expect(holding).toContain(`data-operation="${ops.holding}"`);
    expect(holding).not.toContain(`data-operation="${ops.draft}"`);
    expect((await agent.get('/operations?group=south').expect(200)).text).toContain('没有符合条件的行动');
    expect((await agent.get('/operations?squad=bund-scenic').expect(200)).text).toContain(
      `data-operation="${ops.draft}"`,
    );
    expect((await agent.get('/operations?kind=ad_hoc').expect(200)).text).toContain('没有符合条件的行动');
    expect((await agent.get('/operations?source=media').expect(200)).text).toContain('没有符合条件的行动');
    expect((await agent.get('/operations?source=hotspot').expect(200)).text).toContain(`data-operation="${ops.draft}"`);
    expect((await agent.get('/operations?month=2026-11').expect(200)).text).toContain(`data-operation="${ops.draft}"`);
    expect((await agent.get('/operations?month=2027-03').expect(200)).text).toContain('没有符合条件的行动');
    for (let i = 0; i < 26; i++) await createOperation(t, { title: `翻页 ${i}` });
    const first = (await agent.get('/operations').expect(200)).text;
    const next = decodeEntities(/href="([^"]+)" class="button" data-testid="next-page"/.exec(first)![1]);
    const second = (await agent.get(next).expect(200)).text;
    const firstIds = [...first.matchAll(/<tr data-operation="(\d+)"/g)].map((m) => Number(m[1]));
    const secondIds = [...second.matchAll(/<tr data-operation="(\d+)"/g)].map((m) => Number(m[1]));
    expect(firstIds).toHaveLength(25);
    expect(Math.max(...secondIds)).toBeLessThan(Math.min(...firstIds));
    expect(second).toContain('第一页');
  });
});

describe('friendly errors, in the user’s language, with a request id', () => {
  it('an unknown operation or page is a 404 page', async () => {
    const res = await agents.duty.get('/operations/999999').expect(404);
    expect(res.text).toContain('页面不存在');
    expect(res.text).toMatch(/data-testid="request-id">[\w-]{36}</);
    await agents.duty.get('/nowhere').expect(404);
    await agents.duty.get('/lang/en?next=/nowhere').expect(303);
    expect((await agents.duty.get('/nowhere').expect(404)).text).toContain('Not found');
    await agents.duty.get('/lang/zh-CN?next=/').expect(303);
  });

  it('a page for another post is a 403 page', async () => {
    const res = await agents['waitan.officer'].get('/operations/new').expect(403);
    expect(res.text).toContain('无权访问');
  });

  it('a failure inside shows a 500 page that leaks nothing, and is logged with the request id', async () => {
    const { id } = await createOperation(t, { title: '损坏' });
    await t.services.db.transaction((m) =>
      m.update(
        WorkflowInstance,
        { id },
        { snapshot: { value: 'teleported', context: {}, status: 'active', children: {} } },
      ),
    );
    const res = await agents.duty.get(`/operations/${id}`);
    expect(res.status).toBe(500);
    expect(res.text).toContain('系统错误');
    expect(res.text).not.toMatch(/at \w+ \(|node_modules|Error:/);
    const requestId = /data-testid="request-id">([\w-]+)</.exec(res.text)![1];
    expect(t.logged.splice(0)).toEqual([expect.objectContaining({ data: expect.objectContaining({ requestId }) })]);
  });

  it('static files are served, and a missing one is not a page', async () => {
    await request(t.app).get('/static/app.css').expect(200).expect('content-type', /css/);
    await request(t.app).get('/static/app.js').expect(200);
  });
});
