import request from 'supertest';
import { operationIn } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, signedIn } from '../support/web';

/**
 * 固守登记 (issue 13, R12, R14): the page a phone's bottom bar opens. The host
 * squad's people see their operations in holding, whether today's check is in,
 * and the operation page's own holding-check form; an inspector sees the
 * holdings they may spot-check (never their own squad's); others are told
 * the page is not for their post. Beside it, what the service worker needs:
 * the list of pages to keep for this user, the worker itself and the offline page.
 */

let t: TestApp;
let id: number;
let officer: Agent;

beforeAll(async () => {
  t = await startTestApp();
  ({ id } = await operationIn(t, 'holding'));
  officer = await signedIn(t, 'waitan.officer');
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** The markup of one operation's card on the holding page. */
function card(html: string, operationId: number): string {
  const start = html.indexOf(`<li class="card holding-item" data-operation="${operationId}"`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</li>\n', html.indexOf('</details>', start)));
}

describe('the holding page', () => {
  it('shows the host squad’s operation in holding, today’s check not yet in, with its holding-check form open', async () => {
    const res = await officer.get('/holding').expect(200);
    expect(res.text).toContain('<h1>固守登记</h1>');
    expect(res.text).toContain('外滩中队固守中的现场');
    const item = card(res.text, id);
    expect(item).toContain('中山东一路无证设摊联合整治');
    expect(item).toMatch(/data-testid="checked-today">.*今日未登记/);
    // The operation page's own form: its action is the operation's, enhanced and kept offline in the browser.
    expect(item).toContain(`action="/operations/${id}/events/LOG_HOLDING_CHECK"`);
    expect(item).toMatch(/<form [^>]*data-event="LOG_HOLDING_CHECK" data-enhanced data-offline/);
    expect(item).toMatch(/<details class="event-form tone-primary" id="event-LOG_HOLDING_CHECK" open>/);
    // The date is today's, marked so a page kept offline moves it on another day.
    expect(item).toMatch(/<input type="date" name="date" value="(\d{4}-\d{2}-\d{2})" data-today="\1" required>/);
    expect(res.text).toContain('data-testid="holding-due">1<');
  });

  it('logs today’s check through that form; the page then says it is in', async () => {
    const page = (await officer.get('/holding').expect(200)).text;
    const item = card(page, id);
    const version = /name="expectedVersion" value="(\d+)"/.exec(item)?.[1];
    const date = /name="date" value="([^"]+)"/.exec(item)?.[1];
    const sent = await officer
      .post(`/operations/${id}/events/LOG_HOLDING_CHECK`)
      .type('form')
      .send({ _csrf: csrfOf(page), expectedVersion: version, date, officersOnPost: '2', notes: '未见回潮' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/operations/${id}?done=log_holding_check`);
    const after = (await officer.get('/holding').expect(200)).text;
    expect(card(after, id)).toMatch(/data-testid="checked-today">.*今日已登记/);
    expect(after).not.toContain('data-testid="holding-due"');
    // A second check of the day amends it: the form is still there, closed.
    expect(card(after, id)).toMatch(/<details class="event-form tone-primary" id="event-LOG_HOLDING_CHECK" >/);
  });

  it('shows another squad’s officer none of their own', async () => {
    const other = await signedIn(t, 'nanjingdonglu.officer');
    const res = await other.get('/holding').expect(200);
    expect(res.text).toContain('data-testid="holding-empty"');
    expect(card(res.text, id)).toBe('');
  });

  it('shows an HQ inspector the holding to spot-check, with the spot-check form; never an inspector of the host squad', async () => {
    const inspector = await signedIn(t, 'inspector');
    const res = await inspector.get('/holding').expect(200);
    expect(res.text).toContain('可抽查的固守');
    const item = card(res.text, id);
    expect(item).toContain(`action="/operations/${id}/events/SPOT_CHECK"`);
    expect(item).toMatch(/data-event="SPOT_CHECK" data-enhanced data-offline/);
    expect(item).not.toContain('LOG_HOLDING_CHECK');

    // R14: the Waitan squad's inspector does not spot-check Waitan's holding.
    const own = await signedIn(t, 'inspector2');
    const mine = await own.get('/holding').expect(200);
    expect(mine.text).toContain('data-testid="spot-check-empty"');
    expect(card(mine.text, id)).toBe('');
  });

  it('tells a duty officer the page is for another post', async () => {
    const duty = await signedIn(t, 'duty');
    const res = await duty.get('/holding').expect(200);
    expect(res.text).toContain('data-testid="holding-not-yours"');
  });

  it('is linked from the inbox of those who hold sites', async () => {
    expect((await officer.get('/').expect(200)).text).toContain('href="/holding" data-testid="holding-link"');
    const duty = await signedIn(t, 'duty');
    expect((await duty.get('/').expect(200)).text).not.toContain('data-testid="holding-link"');
  });

  it('is refused to someone signed out (to the sign-in page)', async () => {
    const res = await request(t.app).get('/holding');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fholding');
  });
});

describe('what the service worker keeps', () => {
  it('lists the pages to keep for this user: the holding page, the border notice form, their operations in holding', async () => {
    const res = await officer.get('/holding/offline-manifest.json').expect(200);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body).toEqual({
      user: 'waitan.officer',
      csrfToken: expect.any(String),
      urls: ['/holding', '/border-notices/new', `/operations/${id}`],
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const other = await signedIn(t, 'nanjingdonglu.officer');
    expect((await other.get('/holding/offline-manifest.json').expect(200)).body.urls).toEqual([
      '/holding',
      '/border-notices/new',
    ]);
  });

  it('serves the worker at the root, to anyone, looked for again on each visit', async () => {
    const res = await request(t.app).get('/sw.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['service-worker-allowed']).toBe('/');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain("addEventListener('fetch'");
    // Before any session: the worker's requests never set a cookie (one that crossed a sign-in would undo it).
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('serves the offline page naming no user, even to someone signed in', async () => {
    const res = await officer.get('/offline').expect(200);
    expect(res.text).toContain('当前离线');
    expect(res.text).toContain('<meta name="liandong-user" content="">');
    expect(res.text).not.toContain('csrf-token');
    expect(res.text).not.toContain('data-testid="me"');
    expect(res.text).not.toContain('data-testid="outbox"');
    expect(res.headers['set-cookie']).toBeUndefined();
    // Signed out, the same page.
    const bare = await request(t.app).get('/offline').set('Accept-Language', 'en').expect(200);
    expect(bare.text).toContain('You are offline');
    expect(bare.headers['set-cookie']).toBeUndefined();
  });

  it('every signed-in page says whose it is and carries the form token and the submit pipeline', async () => {
    const res = await officer.get(`/operations/${id}`).expect(200);
    expect(res.text).toContain('<meta name="liandong-user" content="waitan.officer">');
    expect(res.text).toMatch(/<meta name="csrf-token" content="[^"]+">/);
    expect(res.text).toContain('<script src="/static/submit.js" defer></script>');
    expect(res.text).toContain('data-testid="outbox-status"');
    expect(res.text).toContain('data-t-pending="待发送 {count} 条"');
  });
});
