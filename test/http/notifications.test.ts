import request from 'supertest';
import { createOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { csrfOf, signIn } from '../support/web';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** Waitan's leader files a plan and the outbox is delivered: the duty officers have one more notification. */
async function filedPlan(title = '中山东一路无证设摊联合整治') {
  const { id } = await createOperation(t, { title });
  await send(t, id, 1, 'FILE');
  await t.services.outbox.drain();
  return id;
}

/** The number on the bell of a page, or null when there is none. */
function bellCount(html: string): number | null {
  const m = /data-testid="notification-count"[^>]*>(\d+)</.exec(html);
  return m ? Number(m[1]) : null;
}

describe('the notifications API', () => {
  it('lists the caller’s notifications, newest first, in their language, with the unread count', async () => {
    const first = await filedPlan('外滩第一次');
    const second = await filedPlan('外滩第二次');
    const zh = await t.as('duty').get('/api/v1/notifications').expect(200);
    expect(zh.body.unread).toBeGreaterThanOrEqual(2);
    const no = async (id: number) => (await t.as('duty').get(`/api/v1/operations/${id}`)).body.number.seq;
    expect(await no(second)).toBe((await no(first)) + 1);
    expect(zh.body.items.slice(0, 2)).toEqual([
      expect.objectContaining({
        topic: 'operation.filed',
        text: `计划已报备：〔2026〕第 ${await no(second)} 号 外滩第二次`,
        link: `/operations/${second}`,
        unread: true,
        readAt: null,
      }),
      expect.objectContaining({
        topic: 'operation.filed',
        text: `计划已报备：〔2026〕第 ${await no(first)} 号 外滩第一次`,
        link: `/operations/${first}`,
        unread: true,
      }),
    ]);
    expect(zh.body.items[0].createdAt).toMatch(/\+08:00$/);
    const en = await t.as('duty').get('/api/v1/notifications').set('Accept-Language', 'en').expect(200);
    expect(en.body.items[0].text).toBe(`Plan filed: No. ${await no(second)}/2026 外滩第二次`);
    // The leader who filed them was not told of their own filing.
    const leader = await t.as('waitan.leader').get('/api/v1/notifications').expect(200);
    expect(leader.body.items.filter((n: { topic: string }) => n.topic === 'operation.filed')).toEqual([]);
  });

  it('marks one read (again changes nothing), and only the caller’s own', async () => {
    const id = await filedPlan();
    const list = (await t.as('duty2').get('/api/v1/notifications?unread=1').expect(200)).body;
    const mine = list.items.find((n: { link: string }) => n.link === `/operations/${id}`);
    const read = await t.as('duty2').post(`/api/v1/notifications/${mine.id}/read`).expect(200);
    expect(read.body).toMatchObject({ id: mine.id, unread: false, readAt: expect.stringMatching(/\+08:00$/) });
    const after = (await t.as('duty2').get('/api/v1/notifications?unread=1').expect(200)).body;
    expect(after.unread).toBe(list.unread - 1);
    expect(after.items.map((n: { id: number }) => n.id)).not.toContain(mine.id);
    await t.as('duty2').post(`/api/v1/notifications/${mine.id}/read`).expect(200);
    // Someone else's notification does not exist for you.
    const res = await t.as('duty').post(`/api/v1/notifications/${mine.id}/read`).expect(404);
    expect(res.body.error.code).toBe('not_found');
    await t.as('duty2').post('/api/v1/notifications/999999/read').expect(404);
    await t.as('duty2').post('/api/v1/notifications/abc/read').expect(404);
  });

  it('marks all read, or only those up to what the caller has seen', async () => {
    await filedPlan();
    const seen = (await t.as('duty').get('/api/v1/notifications?limit=1').expect(200)).body;
    expect(seen.newestId).toBe(seen.items[0].id);
    await filedPlan('之后才到的');
    const upTo = await t.as('duty').post('/api/v1/notifications/read-all', { upTo: seen.newestId }).expect(200);
    expect(upTo.body).toEqual({ marked: seen.unread, unread: 1 });
    const all = await t.as('duty').post('/api/v1/notifications/read-all').expect(200);
    expect(all.body).toEqual({ marked: 1, unread: 0 });
    expect((await t.as('duty').get('/api/v1/notifications?unread=1').expect(200)).body).toMatchObject({
      items: [],
      unread: 0,
    });
  });

  it('pages with a cursor and refuses bad input with the field named', async () => {
    for (let i = 0; i < 3; i++) await filedPlan(`分页 ${i}`);
    const page1 = (await t.as('duty2').get('/api/v1/notifications?limit=2').expect(200)).body;
    expect(page1.items).toHaveLength(2);
    const page2 = (await t.as('duty2').get(`/api/v1/notifications?limit=2&cursor=${page1.nextCursor}`).expect(200))
      .body;
    expect(page2.items.map((n: { id: number }) => n.id)).not.toContain(page1.items[0].id);
    const bad = await t.as('duty').get('/api/v1/notifications?unread=maybe&colour=red').expect(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['colour', 'unread']);
    await t.as('duty').post('/api/v1/notifications/read-all', { upTo: 'all' }).expect(400);
    await request(t.app).get('/api/v1/notifications').expect(401);
  });
});

describe('the bell and the notifications page', () => {
  it('the bell shows the unread count on every page; the list marks the unread and links to the operation', async () => {
    const id = await filedPlan('南京东路夜市整治');
    const duty = await signIn(t, 'inspector');
    // The inspector was told nothing of a filing: a bell, no number.
    const none = await duty.get('/').expect(200);
    expect(none.text).toContain('data-testid="bell"');
    expect(bellCount(none.text)).toBeNull();

    const web = await signIn(t, 'duty2');
    const { unread } = (await t.as('duty2').get('/api/v1/notifications').expect(200)).body;
    for (const page of ['/', '/operations', `/operations/${id}`, '/notifications']) {
      expect([page, bellCount((await web.get(page).expect(200)).text)]).toEqual([page, unread]);
    }
    const list = await web.get('/notifications').expect(200);
    expect(list.text).toContain(`href="/operations/${id}"`);
    expect(list.text).toMatch(/计划已报备：〔2026〕第 \d+ 号 南京东路夜市整治/);
    expect(list.text).toMatch(/class="notification unread"/);
  });

  it('marking one read through its form (with the CSRF token) lowers the count; without the token it is refused', async () => {
    const id = await filedPlan();
    const web = await signIn(t, 'duty2');
    const page = await web.get('/notifications').expect(200);
    const before = bellCount(page.text)!;
    const nid = new RegExp(
      `data-notification="(\\d+)" data-topic="operation.filed">\\s*<a href="/operations/${id}"`,
    ).exec(page.text)![1];
    await web.agent.post(`/notifications/${nid}/read`).type('form').send({ next: '/notifications' }).expect(403);
    const res = await web.agent
      .post(`/notifications/${nid}/read`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), next: '/notifications' })
      .expect(303);
    expect(res.headers.location).toBe('/notifications');
    const after = await web.get('/notifications').expect(200);
    expect(bellCount(after.text)).toBe(before - 1);
    expect(after.text).toMatch(new RegExp(`class="notification" data-notification="${nid}"`));
    // Someone else's notification: not found.
    const other = await signIn(t, 'duty');
    const otherPage = await other.get('/notifications').expect(200);
    await other.agent
      .post(`/notifications/${nid}/read`)
      .type('form')
      .send({ _csrf: csrfOf(otherPage.text) })
      .expect(404);
  });

  it('mark all read empties the bell and says how many; only unread shows none then', async () => {
    await filedPlan();
    const web = await signIn(t, 'duty', undefined, 'en');
    const page = await web.get('/notifications').expect(200);
    const count = bellCount(page.text)!;
    expect(count).toBeGreaterThan(0);
    expect(page.text).toContain('Mark all as read');
    const upTo = /name="upTo" value="(\d+)"/.exec(page.text)![1];
    // One arrives while the page is open: marking all does not mark it unseen.
    const late = await filedPlan('页面打开后才到');
    const res = await web.agent
      .post('/notifications/read-all')
      .type('form')
      .send({ _csrf: csrfOf(page.text), upTo })
      .expect(303);
    const done = await web.get(res.headers.location).expect(200);
    expect(done.text).toContain(`Marked ${count} notification(s) as read.`);
    expect(bellCount(done.text)).toBe(1);
    const unread = await web.get('/notifications?unread=1').expect(200);
    expect(unread.text).toContain(`href="/operations/${late}"`);
    await web.agent
      .post('/notifications/read-all')
      .type('form')
      .send({ _csrf: csrfOf(unread.text), upTo: /name="upTo" value="(\d+)"/.exec(unread.text)![1] })
      .expect(303);
    const none = await web.get('/notifications?unread=1').expect(200);
    expect(bellCount(none.text)).toBeNull();
    expect(none.text).toContain('data-testid="notifications-empty"');
    expect(none.text).toContain('Nothing unread.');
  });

  it('a flag’s notification leads to the flag’s page', async () => {
    const huangpu = await t.services.org.brigadeByCode('huangpu');
    await t.services.db.transaction((m) =>
      t.services.flags.sync(
        m,
        huangpu.id,
        { kind: 'monthly_minimum', periods: ['2026-10'] },
        [
          {
            rule: 'R6',
            kind: 'monthly_minimum',
            period: '2026-10',
            groupId: 1,
            subject: 'g1',
            figures: { minimum: 2, qualifying: 1 },
          },
        ],
        null,
      ),
    );
    await t.services.outbox.drain();
    const web = await signIn(t, 'waitan.leader');
    const page = await web.get('/notifications').expect(200);
    expect(page.text).toMatch(
      /<a href="\/flags\/\d+" class="notification-text">预警：北片 2026-10 联动次数未达每月最低要求（R6）<\/a>/,
    );
  });
});
