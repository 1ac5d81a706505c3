import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import {
  DEMO_PASSWORD,
  type Officer,
  PHONE,
  launchChromium,
  serveForBrowser,
  signIn,
  text,
  apiCall,
  cliToken,
} from '../support/browser';

/**
 * Offline capture that loses nothing (issue 13), on a Waitan officer's phone
 * in real headless Chromium: the holding check sent through the submit
 * pipeline (views/public/submit.js) online; made without a connection, kept in
 * the browser ("待发送 1 条") and sent once the connection returns ("已发送"),
 * exactly one history step; a kept check the operation moved past meanwhile
 * refused (409), kept with the reason, corrected and sent again, or deleted;
 * and the holding page opened again without a connection, from the service
 * worker's copy — which a sign-out forgets.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
let officer: Officer;
let id: number;
let env: Record<string, string>;
let leaderToken: string;
let officerToken: string;

const zh = (key: string) => text('zh-CN', key);

const api = (token: string, method: string, url: string, body?: unknown) => apiCall(baseURL, token, method, url, body);
const tokenOf = (username: string) => cliToken(env, username);

/** The holding checks in the operation's history, as the server has them. */
async function holdingChecks(): Promise<Array<Record<string, unknown>>> {
  const history = (await api(officerToken, 'GET', `/api/v1/operations/${id}/history`)) as {
    items: Array<{ event: string; payload: Record<string, unknown> }>;
  };
  return history.items.filter((h) => h.event === 'LOG_HOLDING_CHECK').map((h) => h.payload);
}

async function version(): Promise<number> {
  return (await api(officerToken, 'GET', `/api/v1/operations/${id}`)).version as number;
}

beforeAll(async () => {
  // No scheduled jobs and no demo history: the one operation here is the story.
  const quiet = { JOBS: '0', DEMO_HISTORY_MONTHS: '0' };
  served = await serveForBrowser('offline', quiet);
  ({ baseURL, shots } = served);
  env = {
    DATABASE_URL: `sqlite:${path.join(served.dir, 'offline.sqlite')}`,
    SCRYPT_COST: '1024',
    NODE_ENV: 'test',
    ...quiet,
  };
  // The operation is in holding: filed, approved, started and completed (cut short, said why) through the API.
  const dutyToken = await tokenOf('duty');
  [leaderToken, officerToken] = [await tokenOf('waitan.leader'), await tokenOf('waitan.officer')];
  const op = await api(leaderToken, 'POST', '/api/v1/operations', {
    kind: 'regular',
    group: 'north',
    leadSquad: 'waitan',
    hostSquad: 'waitan',
    squads: ['waitan', 'nanjingdonglu'],
    title: '九江路流动摊贩联合整治',
    problemSource: 'hotline_12319',
    location: '九江路（河南中路—江西中路）',
    plannedStart: new Date(Date.now() + 10 * 60_000).toISOString(),
    plannedHours: 4,
    holdingDays: 7,
    forces: [
      { squad: 'waitan', officers: 5, vehicles: 1 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
    ],
    situation: '九江路夜间流动摊贩聚集，12319 投诉集中',
    mission: '清理流动摊贩',
    execution: '两个岗点，20:00—24:00',
    command: '外滩中队领导指挥',
    contingency: '遇围攻立即撤离并报 110',
    goodsArrangements: '暂扣物品当场登记，外滩中队保管',
    holdingPlan: '行动后七天每晚两人定岗',
  });
  id = op.id as number;
  const send = (token: string, body: Record<string, unknown>) =>
    api(token, 'POST', `/api/v1/operations/${id}/events`, body);
  await send(leaderToken, { type: 'FILE', expectedVersion: 1 });
  await send(dutyToken, { type: 'APPROVE', expectedVersion: 2 });
  await send(leaderToken, { type: 'START', expectedVersion: 3 });
  await send(leaderToken, {
    type: 'COMPLETE',
    expectedVersion: 4,
    shortReason: '突降暴雨，提前收队',
    results: [
      { squad: 'waitan', officers: 5, vehicles: 1, educated: 8, handled: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1, educated: 6, handled: 1 },
    ],
  });
  browser = await launchChromium();
  officer = await signIn(browser, baseURL, 'waitan.officer', PHONE);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  // No CSP refusal, no script error, no failed request but those a step took (takeProblems).
  expect(officer?.problems.splice(0) ?? []).toEqual([]);
});

// ------------------------------------------------------------------ helpers

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(shots, `offline-${String(++shotCount).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/**
 * What the browser reported while a step meant it (no connection, a refusal): only such, and then set aside.
 * With `wanted`, first waits for one of those (the browser reports a response a moment after the page has it).
 */
async function takeProblems(allowed: RegExp, wanted?: RegExp): Promise<void> {
  for (let i = 0; wanted && i < 100 && !officer.problems.some((p) => wanted.test(p)); i++) {
    await officer.page.waitForTimeout(20);
  }
  await officer.page.waitForTimeout(100);
  const taken = officer.problems.splice(0);
  if (wanted) expect(taken.filter((p) => wanted.test(p)).length).toBeGreaterThan(0);
  expect(taken.filter((p) => !allowed.test(p))).toEqual([]);
}

/** What a browser without a connection reports. */
const NO_CONNECTION =
  /ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_|An unknown error occurred when fetching the script/;
/** The 409 of a kept check sent after the operation moved on. */
const REFUSED = /LOG_HOLDING_CHECK: 409|409 \(Conflict\)/;

/** The holding page's check form of the operation. */
function holdingForm(page: Page): Locator {
  return page.locator(`li[data-operation="${id}"] form[data-event=LOG_HOLDING_CHECK]`);
}

/** Opens the check form (it is open while today's check is missing) and fills it; a photo when the form takes one. */
async function fillCheck(page: Page, officers: string, notes: string): Promise<Locator> {
  const form = holdingForm(page);
  const details = page.locator(`li[data-operation="${id}"] details#event-LOG_HOLDING_CHECK`);
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await form.locator('input[name=officersOnPost]').fill(officers);
  await form.locator('textarea[name=notes]').fill(notes);
  await attachPhoto(form);
  return form;
}

/**
 * A phone photo on the form's file input, when the form has one (the evidence forms, issue 13 item 1):
 * the holding check then carries it through the same pipeline, online or kept offline.
 */
async function attachPhoto(form: Locator): Promise<boolean> {
  const input = form.locator('input[type=file][name=photos]');
  if ((await input.count()) === 0) return false;
  // A small real JPEG (the server judges a file by its content): enough for the pipeline; the evidence tests judge photos.
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .toBuffer();
  await input.setInputFiles({ name: 'holding.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  return true;
}

/** The outbox's status line, once it says `expected`. */
async function statusSays(page: Page, expected: string): Promise<void> {
  await page.locator('[data-testid=outbox-status]').filter({ hasText: expected }).waitFor();
}

/** Signs in on this page (the same phone: its IndexedDB and service worker), from the sign-in form. */
async function signInHere(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.locator('form[action="/login"] button[type=submit]').click(),
  ]);
}

/** Signs out from the header (on a phone its menu opens first, when the header has a menu button). */
async function signOut(page: Page): Promise<void> {
  const menu = page.locator('[data-testid=menu-button]');
  if ((await menu.count()) > 0 && (await menu.isVisible())) await menu.click();
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/login'),
    page.locator('form[action="/logout"] button[type=submit]').click(),
  ]);
}

/** Whether the service worker keeps `path` for the user now (polled until it does, or `want` is false). */
async function kept(page: Page, pathname: string, want = true): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const has = await page.evaluate<boolean>(
      `caches.match(${JSON.stringify(pathname)}, { cacheName: 'liandong-pages' }).then(Boolean)`,
    );
    if (has === want) return has;
    await page.waitForTimeout(100);
  }
  return !want;
}

/** A step of the story: once one fails, the later ones say so at once instead of failing on its consequences. */
let broken: string | null = null;
function step(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (broken) throw new Error(`not run: an earlier step failed (${broken})`);
    try {
      await fn();
    } catch (e) {
      broken = name;
      throw e;
    }
  });
}

// ------------------------------------------------------------------ the story

describe('holding checks from a phone, with and without a connection', () => {
  step(
    'online: the check goes through the pipeline, with an idempotency key and the form token; one step',
    async () => {
      const { page } = officer;
      await page.goto('/holding');
      expect(await page.locator('h1').innerText()).toBe(zh('holding_page.title'));
      expect(await page.locator(`li[data-operation="${id}"] [data-testid=checked-today]`).innerText()).toContain(
        zh('holding_page.not_checked_today'),
      );
      const form = await fillCheck(page, '2', '九江路两个岗点有人值守，未见回潮。');
      const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/events/LOG_HOLDING_CHECK'));
      await Promise.all([
        page.waitForURL(
          (u) => u.pathname === `/operations/${id}` && u.searchParams.get('done') === 'log_holding_check',
        ),
        form.locator('button[type=submit]').click(),
      ]);
      const headers = (await posted).headers();
      expect(headers['idempotency-key']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(headers['x-csrf-token']).toBeTruthy();
      expect(await page.locator('.flash-ok').innerText()).toBe(zh('done.log_holding_check'));
      const checks = await holdingChecks();
      expect(checks.map((c) => c.notes)).toEqual(['九江路两个岗点有人值守，未见回潮。']);
      await shot(page, 'online-sent');
    },
  );

  step('the service worker keeps the holding page and the operation’s page for this officer', async () => {
    const { page } = officer;
    await page.goto('/holding');
    expect(await kept(page, '/holding')).toBe(true);
    expect(await kept(page, `/operations/${id}`)).toBe(true);
  });

  step('offline: the check is kept on the phone ("待发送 1 条"), nothing reaches the server', async () => {
    const { page, context } = officer;
    await page.goto('/holding');
    await context.setOffline(true);
    const form = await fillCheck(page, '3', '离线登记：晚高峰增派一人。');
    await form.locator('button[type=submit]').click();
    await statusSays(page, zh('outbox.pending').replace('{count}', '1'));
    expect(await page.locator('[data-testid=outbox]').getAttribute('data-pending')).toBe('1');
    // Still on the holding page; the server has only the first check.
    expect(new URL(page.url()).pathname).toBe('/holding');
    expect((await holdingChecks()).length).toBe(1);
    await shot(page, 'offline-kept');
    await takeProblems(NO_CONNECTION);
  });

  step('back online: sent by itself ("已发送"), exactly one more history step', async () => {
    const { page, context } = officer;
    await context.setOffline(false);
    await statusSays(page, zh('outbox.sent'));
    expect(await page.locator('[data-testid=outbox]').getAttribute('data-pending')).toBe('0');
    const checks = await holdingChecks();
    expect(checks.map((c) => c.notes)).toEqual(['九江路两个岗点有人值守，未见回潮。', '离线登记：晚高峰增派一人。']);
    expect(checks[1].officersOnPost).toBe(3);
    // Its photo went with it, kept in the browser while offline: one file, on that step, readable as a JPEG.
    expect(checks[1].files).toEqual([expect.any(String)]);
    const photo = (checks[1].files as string[])[0];
    const attached = async () =>
      ((await api(officerToken, 'GET', `/api/v1/operations/${id}`)).files as Array<{ id: string }>).map((f) => f.id);
    expect((await attached()).filter((f) => f === photo)).toHaveLength(1);
    const original = await fetch(`${baseURL}/api/v1/files/${photo}`, {
      headers: { authorization: `Bearer ${officerToken}` },
    });
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    const filesBefore = (await attached()).length;
    // Sent again (a second tab, a reload): nothing more, the entry is gone.
    await page.reload();
    await page.waitForTimeout(500);
    expect((await holdingChecks()).length).toBe(2);
    expect((await attached()).length).toBe(filesBefore);
    await shot(page, 'offline-sent');
    await takeProblems(NO_CONNECTION);
  });

  step('a kept check the operation moved past meanwhile is refused (409) and kept with the reason', async () => {
    const { page, context } = officer;
    await page.goto('/holding');
    await context.setOffline(true);
    const form = await fillCheck(page, '4', '离线登记：岗点移至江西中路口。');
    await form.locator('button[type=submit]').click();
    await statusSays(page, zh('outbox.pending').replace('{count}', '1'));
    // Meanwhile the squad leader logs the day's check from the desk: the operation moves on (a new version).
    await api(leaderToken, 'POST', `/api/v1/operations/${id}/events`, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: await version(),
      date: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      officersOnPost: 2,
      reboundObserved: false,
      notes: '中队领导登记',
    });
    await context.setOffline(false);
    const refused = page.locator('[data-testid=outbox-refused]');
    await refused.waitFor();
    const entry = refused.locator('li.outbox-entry');
    expect(await entry.count()).toBe(1);
    // The refusal as the server words it: someone acted first (the operation is still in holding).
    expect(await entry.locator('[data-testid=outbox-reason]').innerText()).toContain(
      zh('form.stale').replace('{state}', zh('state.holding')),
    );
    // What was typed is listed, in the form's own words.
    expect(await entry.innerText()).toContain('离线登记：岗点移至江西中路口。');
    expect(await entry.locator('button[data-outbox-edit]').innerText()).toBe(zh('outbox.edit_and_resend'));
    expect(await entry.locator('button[data-outbox-delete]').innerText()).toBe(zh('outbox.delete'));
    expect((await holdingChecks()).map((c) => c.notes)).not.toContain('离线登记：岗点移至江西中路口。');
    await shot(page, 'refused-kept');
    await takeProblems(new RegExp(`${NO_CONNECTION.source}|${REFUSED.source}`), REFUSED);
  });

  step('corrected and sent again: the form opens filled, and once sent the entry is gone', async () => {
    const { page } = officer;
    // The page as it is now (the operation's new version), then the entry's form filled in it.
    await page.goto('/holding');
    const entry = page.locator('[data-testid=outbox-refused] li.outbox-entry');
    await entry.locator('button[data-outbox-edit]').click();
    const form = holdingForm(page);
    await page.locator(`li[data-operation="${id}"] form[data-outbox-entry]`).waitFor();
    expect(await form.locator('textarea[name=notes]').inputValue()).toBe('离线登记：岗点移至江西中路口。');
    expect(await form.locator('input[name=officersOnPost]').inputValue()).toBe('4');
    await form.locator('input[name=officersOnPost]').fill('5');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/operations/${id}` && u.searchParams.get('done') === 'log_holding_check'),
      form.locator('button[type=submit]').click(),
    ]);
    expect(await page.locator('[data-testid=outbox-refused]').isHidden()).toBe(true);
    const checks = await holdingChecks();
    expect(checks.at(-1)).toMatchObject({ notes: '离线登记：岗点移至江西中路口。', officersOnPost: 5 });
    expect(checks.length).toBe(4);
  });

  step('a refused entry can be deleted instead (asked once more): nothing is sent', async () => {
    const { page, context } = officer;
    await page.goto('/holding');
    const before = await version();
    await context.setOffline(true);
    const form = await fillCheck(page, '1', '将被删除的登记');
    await form.locator('button[type=submit]').click();
    await statusSays(page, zh('outbox.pending').replace('{count}', '1'));
    await api(leaderToken, 'POST', `/api/v1/operations/${id}/events`, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: before,
      date: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      officersOnPost: 2,
      reboundObserved: false,
      notes: '中队领导再次登记',
    });
    await context.setOffline(false);
    const entry = page.locator('[data-testid=outbox-refused] li.outbox-entry');
    await entry.waitFor();
    await entry.locator('button[data-outbox-delete]').click();
    await page.locator('[data-testid=outbox-refused]').waitFor({ state: 'hidden' });
    expect(await page.locator('[data-testid=outbox]').getAttribute('data-refused')).toBe('0');
    expect((await holdingChecks()).map((c) => c.notes)).not.toContain('将被删除的登记');
    await takeProblems(new RegExp(`${NO_CONNECTION.source}|${REFUSED.source}`), REFUSED);
  });

  step('reloaded without a connection: the holding page and the operation come from the service worker', async () => {
    const { page, context } = officer;
    await page.goto('/holding');
    expect(await kept(page, '/holding')).toBe(true);
    await context.setOffline(true);
    const res = await page.reload();
    expect(res?.headers()['x-liandong-offline-copy']).toBe('1');
    expect(await page.locator('h1').innerText()).toBe(zh('holding_page.title'));
    expect(await page.locator(`li[data-operation="${id}"]`).count()).toBe(1);
    expect(await page.locator('[data-testid=outbox-status]').innerText()).toContain(zh('outbox.offline'));
    await shot(page, 'offline-reload');

    const op = await page.goto(`/operations/${id}`);
    expect(op?.headers()['x-liandong-offline-copy']).toBe('1');
    expect(await page.locator('article.operation').getAttribute('data-operation')).toBe(String(id));
    // A page never kept: the offline page, naming nobody.
    const other = await page.goto('/figures');
    expect(other?.headers()['x-liandong-offline-copy']).toBe('1');
    expect(await page.locator('h1').innerText()).toBe(zh('offline.title'));
    expect(await page.locator('[data-testid=me]').count()).toBe(0);
    await context.setOffline(false);
    await takeProblems(NO_CONNECTION);
  });

  step('a border notice made offline on the kept form is sent when the connection returns', async () => {
    const { page, context } = officer;
    await page.goto('/border-notices/new');
    expect(await kept(page, '/border-notices/new')).toBe(true);
    await context.setOffline(true);
    const res = await page.reload();
    expect(res?.headers()['x-liandong-offline-copy']).toBe('1');
    expect(await page.locator('h1').innerText()).toBe(zh('bn.new_title'));
    const form = page.locator('form.notice-form');
    expect(await form.getAttribute('data-offline')).not.toBeNull();
    await form.locator('input[name=location]').fill('九江路与河南中路交界');
    await form.locator('textarea[name=what]').fill('流动摊贩在两中队交界处来回游走');
    await form.locator('input[name=squads][value=nanjingdonglu]').check();
    await form.locator('button[type=submit]').click();
    await statusSays(page, zh('outbox.pending').replace('{count}', '1'));
    const notices = async () =>
      ((await api(officerToken, 'GET', '/api/v1/border-notices')) as { items: Array<{ what: string }> }).items;
    expect((await notices()).length).toBe(0);
    await context.setOffline(false);
    await statusSays(page, zh('outbox.sent'));
    expect((await notices()).map((n) => n.what)).toEqual(['流动摊贩在两中队交界处来回游走']);
    await takeProblems(NO_CONNECTION);
  });

  step('signing out forgets this officer’s pages', async () => {
    const { page } = officer;
    await page.goto('/holding');
    expect(await kept(page, '/holding')).toBe(true);
    await signOut(page);
    expect(await kept(page, '/holding', false)).toBe(false);
    expect(await kept(page, `/operations/${id}`, false)).toBe(false);
  });

  step(
    'what one officer kept is never shown to, nor sent as, the next one on the phone; it waits for its owner',
    async () => {
      const { page, context } = officer;
      await signInHere(page, 'waitan.officer');
      await page.goto('/holding');
      // A dead zone for this one request (the phone believes it is online): the check is kept all the same.
      const deadZone = `**/operations/${id}/events/LOG_HOLDING_CHECK`;
      await context.route(deadZone, (route) => route.abort('internetdisconnected'));
      const form = await fillCheck(page, '2', '交班前离线登记');
      await form.locator('button[type=submit]').click();
      await statusSays(page, zh('outbox.pending').replace('{count}', '1'));
      await takeProblems(NO_CONNECTION);
      // Signed out before it went (asked once more, and said yes): it stays on the phone for this officer.
      const before = (await holdingChecks()).length;
      await signOut(page);
      await signInHere(page, 'waitan.leader');
      await page.goto('/holding');
      await page.waitForTimeout(500);
      expect(await page.locator('[data-testid=outbox]').getAttribute('data-pending')).toBe('0');
      expect(await page.locator('[data-testid=outbox-status]').innerText()).toBe('');
      expect((await holdingChecks()).length).toBe(before);
      // The leader's own pages are kept now, none of the officer's session.
      expect(await kept(page, '/holding')).toBe(true);
      expect(await page.locator('meta[name=liandong-user]').getAttribute('content')).toBe('waitan.leader');
      await signOut(page);

      // Back, and the connection too: the officer's entry goes, in their name.
      await context.unroute(deadZone);
      await signInHere(page, 'waitan.officer');
      await statusSays(page, zh('outbox.sent'));
      const checks = await holdingChecks();
      expect(checks.length).toBe(before + 1);
      expect(checks.at(-1)).toMatchObject({ notes: '交班前离线登记' });
    },
  );
});
