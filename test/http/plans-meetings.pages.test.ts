import { draftGroupPlan, holdGroupMeeting, sendPlan, sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';
import { type WebClient, fieldValue, signIn } from '../support/web';

let t: TestApp;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
  t.clock.set(sh('2026-11-24T09:00:00'));
  ids.draft = await draftGroupPlan(t, '2026-12');
  ids.filed = await draftGroupPlan(t, '2027-01');
  await sendPlan(t, ids.filed, 1, 'FILE');
  ids.held = (await holdGroupMeeting(t, 'north', '2026-11-20T14:00:00')).id;
  t.clock.set(sh('2026-11-24T09:00:00'));
  const hq = await t.as('duty').post('/api/v1/meetings', {
    kind: 'hq_summary',
    plannedStart: sh('2026-12-28T09:00:00'),
    agenda: '下半年联动工作总结',
  });
  ids.hq = hq.body.id;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** A page is whole: no untranslated key, no template left over. */
function expectWhole(html: string) {
  expect(html).not.toMatch(/⟦[^⟧]+⟧/);
  expect(html).not.toContain('{{');
  expect(html).not.toMatch(
    /\b(state|event|role|field|kind|source|inbox|error|reason|problem|gplan|meeting|duty)\.[a-z_A-Z]+\b(?![^<]*>)/,
  );
}

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

describe('the plan and meeting pages render for every role that sees them, in both languages', () => {
  it.each([
    [
      'waitan.leader',
      [
        '/group-plans',
        '/group-plans/new?month=2026-12',
        'draft',
        'filed',
        'edit',
        '/meetings',
        '/meetings/new?kind=group&group=north',
        'held',
        'hq',
      ],
    ],
    ['waitan.officer', ['/group-plans', 'draft', 'filed', '/meetings', 'held', 'hq']],
    [
      'duty',
      [
        '/group-plans',
        '/group-plans?year=2027',
        'draft',
        'filed',
        '/meetings',
        '/meetings/new?kind=hq_summary',
        'held',
        'hq',
      ],
    ],
    ['commander', ['/group-plans', 'filed', '/meetings', 'held', 'hq']],
    ['yuyuan.leader', ['/group-plans', '/group-plans/new', '/meetings', 'hq']],
    ['legal', ['/group-plans', '/meetings', 'hq']],
  ])('%s', async (user, pages) => {
    const web = await signIn(t, user);
    const path = (p: string) =>
      p.startsWith('/')
        ? p
        : p === 'edit'
          ? `/group-plans/${ids.draft}/edit`
          : ['draft', 'filed'].includes(p)
            ? `/group-plans/${ids[p]}`
            : `/meetings/${ids[p]}`;
    for (const lang of ['zh-CN', 'en']) {
      await web.get(`/lang/${lang}?next=/`).expect(303);
      for (const p of pages) {
        const res = await web.get(path(p));
        expect({ path: path(p), status: res.status }).toEqual({ path: path(p), status: 200 });
        expectWhole(res.text);
      }
    }
  });

  it('another group’s plan or meeting is a 403 page that says why', async () => {
    const web = await signIn(t, 'yuyuan.leader');
    for (const p of [`/group-plans/${ids.draft}`, `/meetings/${ids.held}`]) {
      const res = await web.get(p).expect(403);
      expect(res.text).toContain('只有本小组的中队和勤务指挥科、总指挥可以查看');
    }
    await web.get('/meetings/new?kind=group&group=north').expect(403);
    await web.get('/meetings/new?kind=hq_summary').expect(403);
  });

  it('the year’s grid shows each group’s plan by month, and what is missing once a month has begun', async () => {
    t.clock.set(sh('2026-12-02T09:00:00'));
    const html = (await (await signIn(t, 'duty')).get('/group-plans').expect(200)).text;
    const north = /<tr data-group="north">[\s\S]*?<\/tr>/.exec(html)![0];
    expect(north).toMatch(/data-month="2026-12" data-status="draft"/);
    expect(north).toContain(`href="/group-plans/${ids.draft}"`);
    const south = /<tr data-group="south">[\s\S]*?<\/tr>/.exec(html)![0];
    expect(south).toMatch(/data-month="2026-12" data-status="missing"/);
    expect(south).toMatch(/data-month="2026-11" data-status="none"/);
    t.clock.set(sh('2026-11-24T09:00:00'));
  });
});

describe('a monthly plan through its pages (R5)', () => {
  let web: WebClient;
  beforeAll(async () => {
    web = await signIn(t, 'huaihaizhonglu.leader');
  });

  it('a refused form comes back with what was typed and the problem beside the field', async () => {
    const res = await web.post(
      '/group-plans',
      {
        group: 'west',
        month: '2026-12',
        targets: '陕西南路无证设摊下降五成\n\n淮海路跨门营业消除',
        operations: {
          0: { date: '2027-01-04', title: '陕西南路整治', leadSquad: 'ruijinerlu', location: '陕西南路' },
          1: { date: '', title: '', location: '' },
        },
        notes: '',
      },
      '/group-plans/new?month=2026-12',
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="form-banner"');
    expect(res.text).toMatch(/data-error-for="operations.0.date">日期须在 2026-12 月内</);
    expect(fieldValue(res.text, 'operations[0][title]')).toBe('陕西南路整治');
    expect(fieldValue(res.text, 'targets')).toBe('陕西南路无证设摊下降五成\n\n淮海路跨门营业消除');
  });

  it('a leader drafts, another leader of the group files, the Duty Command Section returns it with a reason', async () => {
    const created = await web.post(
      '/group-plans',
      {
        group: 'west',
        month: '2026-12',
        targets: '陕西南路无证设摊下降五成\n淮海路跨门营业消除',
        operations: {
          0: {
            date: '2026-12-04',
            title: '陕西南路整治',
            leadSquad: 'ruijinerlu',
            location: '陕西南路',
            problemSource: 'hotspot',
          },
          1: { date: '', title: '', location: '' },
          2: {
            date: '2026-12-18',
            title: '淮海路跨门营业整治',
            leadSquad: 'huaihailu',
            location: '淮海中路',
            problemSource: 'community',
          },
        },
        notes: '每周五通报',
      },
      '/group-plans/new?month=2026-12',
    );
    expect(created.status).toBe(303);
    const id = Number(/\/group-plans\/(\d+)/.exec(created.headers.location)![1]);
    const page = (await web.get(`/group-plans/${id}?done=created`).expect(200)).text;
    expect(page).toContain('月度计划已保存为草稿');
    expect(page.match(/<tr><td>2026-12-/g)).toHaveLength(2);

    const other = await signIn(t, 'xintiandi.leader');
    const filed = await other.post(`/group-plans/${id}/events/FILE`, { expectedVersion: 1 }, `/group-plans/${id}`);
    expect(filed.status).toBe(303);
    const duty = await signIn(t, 'duty');
    const noReason = await duty.post(
      `/group-plans/${id}/events/RETURN`,
      { expectedVersion: 2, reason: '' },
      `/group-plans/${id}`,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.text).toMatch(/<details class="event-form[^"]*" id="event-RETURN" open>/);
    const returned = await duty.post(
      `/group-plans/${id}/events/RETURN`,
      { expectedVersion: 2, reason: '目标请写明路段' },
      `/group-plans/${id}`,
    );
    expect(returned.status).toBe(303);
    const after = (await web.get(`/group-plans/${id}`).expect(200)).text;
    expect(after).toContain('data-state="draft"');
    expect(after).toContain('目标请写明路段');
    // The leader's inbox shows the plan returned, with the reason.
    const inbox = (await web.get('/').expect(200)).text;
    expect(inbox).toMatch(/data-duty="plan_returned"[\s\S]*?目标请写明路段/);
  });

  it('an edit on a stale page says so and keeps what was typed', async () => {
    const id = ids.draft;
    const a = await signIn(t, 'waitan.leader');
    const b = await signIn(t, 'nanjingdonglu.leader');
    const formA = (await a.get(`/group-plans/${id}/edit`).expect(200)).text;
    expect(fieldValue(formA, 'expectedVersion')).toBe('1');
    await b
      .post(
        `/group-plans/${id}/edit`,
        { expectedVersion: 1, targets: '乙的修改', notes: '' },
        `/group-plans/${id}/edit`,
      )
      .then((r) => expect(r.status).toBe(303));
    const stale = await a.post(
      `/group-plans/${id}/edit`,
      { expectedVersion: 1, targets: '甲的修改', notes: '甲' },
      `/group-plans/${id}/edit`,
    );
    expect(stale.status).toBe(409);
    expect(decode(stale.text)).toContain('在您填写期间，他人已处理此记录');
    expect(fieldValue(stale.text, 'targets')).toBe('甲的修改');
  });
});

describe('meetings through their pages (R9)', () => {
  it('the meetings page explains the rotation: who is next and why', async () => {
    const html = (await (await signIn(t, 'bund-scenic.leader')).get('/meetings').expect(200)).text;
    const north = /<section class="meeting-group" data-group="north">[\s\S]*?<\/section>/.exec(html)![0];
    expect(north).toMatch(/data-next="nanjingdonglu"/);
    expect(north).toContain('上次召集 2026-11 的例会（2026-11-20）');
    expect(north).toContain('小组首次例会以来尚未召集');
    expect(north).toContain('轮值规则');
  });

  it('the next convener’s inbox shows the duty, and the form proposes their squad', async () => {
    t.clock.set(sh('2026-12-01T09:00:00'));
    const web = await signIn(t, 'nanjingdonglu.leader');
    const inbox = (await web.get('/').expect(200)).text;
    expect(inbox).toMatch(/data-duty="meeting_to_convene"/);
    expect(inbox).toContain('本中队轮值召集 北片 2026-12 工作例会');
    expect((await (await signIn(t, 'waitan.leader')).get('/').expect(200)).text).not.toContain(
      'data-duty="meeting_to_convene"',
    );
    const form = (await web.get('/meetings/new?kind=group&group=north').expect(200)).text;
    expect(form).toMatch(/<option value="nanjingdonglu" selected>/);
  });

  it('another convener without a reason is refused beside the field; then arranged and recorded', async () => {
    let web = await signIn(t, 'waitan.leader');
    const refused = await web.post(
      '/meetings',
      {
        kind: 'group',
        group: 'north',
        plannedStart: '2026-12-10T14:00',
        place: '外滩中队',
        agenda: '十二月联动内容',
        convenerSquad: 'waitan',
        convenerReason: '',
      },
      '/meetings/new?kind=group&group=north',
    );
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/data-error-for="convenerReason">召集中队不是轮值排定的中队，须说明原因</);
    expect(fieldValue(refused.text, 'agenda')).toBe('十二月联动内容');
    const created = await web.post(
      '/meetings',
      {
        kind: 'group',
        group: 'north',
        plannedStart: '2026-12-10T14:00',
        place: '外滩中队',
        agenda: '十二月联动内容',
        convenerSquad: 'waitan',
        convenerReason: '南京东路中队承担圣诞保障',
      },
      '/meetings/new?kind=group&group=north',
    );
    expect(created.status).toBe(303);
    const id = Number(/\/meetings\/(\d+)/.exec(created.headers.location)![1]);
    const page = (await web.get(`/meetings/${id}`).expect(200)).text;
    expect(page).toContain('轮值应为 南京东路中队');
    // Recording: minutes left out → kept input, error beside the field.
    t.clock.set(sh('2026-12-10T17:00:00'));
    web = await signIn(t, 'waitan.leader');
    const noMinutes = await web.post(
      `/meetings/${id}/events/RECORD`,
      {
        expectedVersion: 1,
        heldAt: '2026-12-10T14:00',
        attendeeSquads: ['waitan', 'nanjingdonglu'],
        attendees: '张队长',
        minutes: '',
        decisions: '十五日联合整治',
      },
      `/meetings/${id}`,
    );
    expect(noMinutes.status).toBe(400);
    expect(noMinutes.text).toMatch(/data-error-for="minutes"/);
    expect(fieldValue(noMinutes.text, 'decisions')).toBe('十五日联合整治');
    const recorded = await web.post(
      `/meetings/${id}/events/RECORD`,
      {
        expectedVersion: 1,
        heldAt: '2026-12-10T14:00',
        attendeeSquads: ['waitan', 'nanjingdonglu'],
        attendees: '张队长\n李队长',
        minutes: '研究十二月联动',
        decisions: '十五日联合整治\n二十日固守检查',
      },
      `/meetings/${id}`,
    );
    expect(recorded.status).toBe(303);
    const held = (await web.get(`/meetings/${id}?done=record`).expect(200)).text;
    expect(held).toContain('data-state="held"');
    expect(held).toContain('<li>二十日固守检查</li>');
    expect(held).toContain('张队长、李队长');
  });
});
