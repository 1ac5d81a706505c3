import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type AxeViolation, axeViolations, blocking, describeViolations } from '../support/axe';
import { DEMO_PASSWORD, DESKTOP, PHONE, ZONE, launchChromium, serveForBrowser } from '../support/browser';
import { groupPlanBody } from '../support/plans-meetings';
import { runScript } from '../support/spawn';

/**
 * WCAG 2.1 AA (issue 13): axe-core on every page, for the roles that see it, on a desk's screen and on a 390 × 844
 * phone; a serious or critical violation fails the test, printed rule by rule. Pages in several states: operations in
 * each state, a refused plan form and a refused step form, a 404. Records are found on the demo history's lists.
 * Beside axe, what axe cannot see: a refused form links its errors to its fields and puts the focus on the first.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

type Device = 'desktop' | 'phone';
const DEVICES: Record<Device, typeof DESKTOP | typeof PHONE> = { desktop: DESKTOP, phone: PHONE };

/** The addresses each role audits, found once (on the desktop) and audited on both devices. */
const plan: Record<string, string[]> = {};

/** Records put in flight through the API, so pages in those states exist whatever the demo history holds. */
const made = { filed: 0, draft: 0, notice: 0, groupPlan: 0, meeting: 0 };

/** A bearer token for a demo user, as `npm run cli -- token USER` prints it. */
async function tokenFor(username: string): Promise<string> {
  const run = await runScript('cli', ['token', username, '--label', 'a11y'], {
    DATABASE_URL: `sqlite:${path.join(served.dir, 'a11y.sqlite')}`,
    NODE_ENV: 'test',
  });
  if (run.code !== 0) throw new Error(`token ${username}: ${run.stderr}`);
  return run.stdout.trim();
}

async function api(
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ id: number; version: number }> {
  const res = await fetch(`${baseURL}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as { id: number; version: number };
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** A plan filed and waiting for the Duty Command Section (whose RETURN asks a reason), a draft, a border notice, a group plan. */
async function putWorkInFlight(): Promise<void> {
  const leader = await tokenFor('waitan.leader');
  const officer = await tokenFor('waitan.officer');
  const start = new Date(Date.now() + 3 * 24 * 3_600_000);
  start.setUTCHours(9, 0, 0, 0);
  const body = {
    kind: 'regular',
    group: 'north',
    leadSquad: 'waitan',
    hostSquad: 'waitan',
    squads: ['waitan', 'nanjingdonglu'],
    title: '中山东一路无证设摊联合整治',
    problemSource: 'hotspot',
    location: '中山东一路',
    plannedStart: start.toISOString(),
    plannedHours: 4,
    holdingDays: 7,
    situation: '傍晚无证设摊聚集',
    mission: '清除无证设摊',
    execution: '三个岗点',
    command: '外滩中队领导指挥',
    contingency: '遇围攻立即撤离并报警',
    goodsArrangements: '暂扣物品由外滩中队登记保管',
    holdingPlan: '行动后七天每晚两人定岗',
    forces: [
      { squad: 'waitan', officers: 6, vehicles: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
    ],
  };
  const filed = await api(leader, 'POST', '/operations', body);
  await api(leader, 'POST', `/operations/${filed.id}/events`, { type: 'FILE', expectedVersion: filed.version });
  made.filed = filed.id;
  const { holdingPlan: _left, ...unfinished } = body;
  made.draft = (await api(leader, 'POST', '/operations', { ...unfinished, title: '南京东路夜间跨门营业整治' })).id;
  made.notice = (
    await api(officer, 'POST', '/border-notices', {
      location: '福州路·江西中路口',
      what: '夜间流动摊贩在两中队交界处来回移动',
      squads: ['waitan', 'nanjingdonglu'],
    })
  ).id;
  const next = new Date(Date.now() + 32 * 24 * 3_600_000).toISOString().slice(0, 7);
  made.groupPlan = (await api(leader, 'POST', '/group-plans', groupPlanBody(next))).id;
  // A group meeting, arranged by the squad the rotation names.
  const rotation = (await (
    await fetch(`${baseURL}/api/v1/meetings/rotation?group=north`, {
      headers: { Authorization: `Bearer ${await tokenFor('duty')}` },
    })
  ).json()) as { next: string };
  made.meeting = (
    await api(await tokenFor(`${rotation.next}.leader`), 'POST', '/meetings', {
      kind: 'group',
      group: 'north',
      plannedStart: start.toISOString(),
      place: '会议室',
      agenda: '本月联动内容',
    })
  ).id;
}

beforeAll(async () => {
  served = await serveForBrowser('a11y', { DEMO_HISTORY_MONTHS: '3', JOBS: 'false' });
  ({ baseURL } = served);
  browser = await launchChromium();
  await putWorkInFlight();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await served?.stop();
});

/** A signed-in page for `username` on `device` (null: signed out), script on, dialogs (confirmations) accepted. */
async function pageOf(username: string | null, device: Device): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', timezoneId: ZONE, ...DEVICES[device] });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  if (username) {
    await page.goto('/login');
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.locator('form[action="/login"] button[type=submit]').click(),
    ]);
  }
  return page;
}

/** The distinct links of the page at `url` whose path matches `re` (at most `max`). */
async function linksOn(page: Page, url: string, re: RegExp, max = 1): Promise<string[]> {
  await page.goto(url);
  const hrefs = (await page.evaluate(
    `[...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href'))`,
  )) as string[];
  return [...new Set(hrefs.filter((h) => re.test(h)))].slice(0, max);
}

const OPERATION_STATES = [
  'draft',
  'filed',
  'approved',
  'in_progress',
  'holding',
  'awaiting_audit',
  'closed',
  'cancelled',
];

/** The records' addresses a signed-in user can reach from the lists, one (or a few) of each kind. */
async function discover(page: Page, lists: Array<[string, RegExp, number?]>): Promise<string[]> {
  const out: string[] = [];
  for (const [url, re, max] of lists) out.push(...(await linksOn(page, url, re, max)));
  return out;
}

/** What each role audits. Lists and forms by address; records found on the lists. */
async function planFor(role: string, username: string): Promise<string[]> {
  if (plan[role]) return plan[role];
  if (!username) return (plan[role] = ['/login', '/offline']);
  const page = await pageOf(username, 'desktop');
  const pages: Record<string, () => Promise<string[]>> = {
    leader: async () => [
      '/',
      '/operations',
      '/operations/new',
      `/operations/${made.filed}`,
      `/operations/${made.draft}`,
      `/operations/${made.draft}/edit`,
      `/border-notices/${made.notice}`,
      `/group-plans/${made.groupPlan}`,
      `/group-plans/${made.groupPlan}/edit`,
      `/meetings/${made.meeting}`,
      ...(await discover(page, [
        ...OPERATION_STATES.map((s): [string, RegExp] => [`/operations?state=${s}`, /^\/operations\/\d+$/]),
        ['/group-plans', /^\/group-plans\/\d+$/],
        ['/meetings', /^\/meetings\/\d+$/],
        ['/problems', /^\/problems\/\d+$/, 2],
        ['/border-notices', /^\/border-notices\/\d+$/],
        ['/goods', /^\/goods\/\d+$/],
        ['/transfers', /^\/transfers\/\d+$/],
        ['/cases', /^\/cases\/\d+$/],
      ])),
      '/group-plans',
      '/group-plans/new',
      '/meetings',
      '/problems',
      '/problems/new',
      '/border-notices',
      '/goods',
      '/transfers',
      '/cases',
      '/cases/new',
      '/meetings/new',
      '/notifications',
      '/flags',
      '/compliance',
      '/holding',
      '/no-such-page',
    ],
    officer: async () => [
      '/',
      '/holding',
      '/border-notices/new',
      '/problems/new',
      '/problems',
      '/border-notices',
      `/border-notices/${made.notice}`,
    ],
    duty: async () => [
      '/',
      '/incidents',
      '/jobs',
      '/flags',
      '/compliance',
      `/operations/${made.filed}`,
      ...(await discover(page, [
        ['/flags', /^\/flags\/\d+$/],
        ['/compliance', /^\/compliance\/[\w-]+\/\d{4}-\d{2}$/],
        ['/operations?state=filed', /^\/operations\/\d+$/],
        ['/operations?state=holding', /^\/operations\/\d+$/],
      ])),
    ],
    commander: async () => [
      '/figures',
      '/figures/assessment',
      '/figures/annual',
      ...(await discover(page, [['/figures', /^\/figures\/(?!annual|assessment)[a-z_]+\?/]])),
    ],
    inspector: async () => [
      '/',
      '/holding',
      // The audit form (with holding's photos by day) and the spot-check form: the demo past always has one of each.
      ...(await discover(page, [
        ['/operations?state=awaiting_audit', /^\/operations\/\d+$/],
        ['/operations?state=holding', /^\/operations\/\d+$/, 1],
      ])),
    ],
    legal: async () => ['/', '/transfers', ...(await discover(page, [['/transfers', /^\/transfers\/\d+$/]]))],
    admin: async () => [
      '/admin/users',
      '/admin/users/new',
      '/admin/users/waitan.leader/edit',
      '/admin/squads',
      '/admin/squads/new',
      '/admin/squads/waitan/edit',
      '/admin/groups',
      '/admin/groups/new',
      '/admin/groups/north/edit',
      '/admin/brigade',
    ],
  };
  const urls = await pages[role]();
  // An operation's goods ledger is reached from its page, a party's printed list and the register form from the
  // ledger; a case's transfer form from the case.
  if (role === 'leader') {
    for (const op of urls.filter((u) => /^\/operations\/\d+$/.test(u))) {
      const [ledger] = await linksOn(page, op, /^\/goods\/ledger\/\d+$/);
      if (!ledger) continue;
      urls.push(ledger, ...(await linksOn(page, ledger, /^\/goods\/print\//)));
      break;
    }
    for (const op of urls.filter((u) => /^\/operations\/\d+$/.test(u))) {
      const ledger = op.replace('/operations/', '/goods/ledger/');
      const [register] = await linksOn(page, ledger, /^\/goods\/new\?operation=\d+$/);
      if (register) {
        urls.push(register);
        break;
      }
    }
    for (const c of urls.filter((u) => /^\/cases\/\d+$/.test(u))) {
      const [propose] = await linksOn(page, c, /^\/transfers\/new\?case=\d+$/);
      if (propose) {
        urls.push(propose);
        break;
      }
    }
  }
  await page.context().close();
  plan[role] = [...new Set(urls)];
  process.stdout.write(`[a11y] ${role} audits ${plan[role].length} pages: ${plan[role].join(' ')}\n`);
  return plan[role];
}

const ROLES: Array<[string, string | null]> = [
  ['signed-out', null],
  ['leader', 'waitan.leader'],
  ['officer', 'waitan.officer'],
  ['duty', 'duty'],
  ['commander', 'commander'],
  ['inspector', 'inspector'],
  ['legal', 'legal'],
  ['admin', 'admin'],
];

/** Audits each address; the serious and critical violations found, per page. */
async function audit(page: Page, urls: string[], label: string) {
  const found: Array<{ where: string; violations: AxeViolation[] }> = [];
  const minor = new Map<string, number>();
  const untitled: string[] = [];
  for (const url of urls) {
    const res = await page.goto(url);
    const all = await axeViolations(page);
    found.push({ where: `${label} ${url} (${res?.status()})`, violations: blocking(all) });
    // WCAG 2.4.2: each page's title says which page it is, not only the application's name.
    if (!(await page.title()).includes(' · ')) untitled.push(`${label} ${url}: "${await page.title()}"`);
    for (const v of all.filter((x) => !blocking([x]).length)) minor.set(v.id, (minor.get(v.id) ?? 0) + 1);
  }
  // Moderate and minor findings are printed (not failed on), so they are seen.
  if (minor.size)
    process.stdout.write(`[a11y] ${label} moderate/minor: ${[...minor].map(([id, n]) => `${id} ×${n}`).join(', ')}\n`);
  if (untitled.length)
    found.push({
      where: `${label}: pages titled by the application's name only`,
      violations: [
        {
          id: 'page-title',
          impact: 'serious',
          help: untitled.join('; '),
          helpUrl: 'https://www.w3.org/WAI/WCAG21/Understanding/page-titled',
          nodes: [],
        },
      ],
    });
  return found;
}

describe('the axe audit', () => {
  it('fails where it should: an image without a text alternative, a field without a label', async () => {
    const page = await pageOf(null, 'desktop');
    await page.setContent(
      '<!doctype html><html lang="zh-CN"><title>x</title><main><img src="x.png"><input></main></html>',
    );
    const ids = blocking(await axeViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['image-alt', 'label']));
    expect(describeViolations([{ where: 'sample', violations: blocking(await axeViolations(page)) }])).toMatch(
      /\[critical\] image-alt/,
    );
  });
});

describe.each(Object.keys(DEVICES) as Device[])('axe (WCAG 2.1 A/AA) on every page, %s', (device) => {
  it.each(ROLES)('no serious or critical violation on the pages %s sees', async (role, username) => {
    const urls = await planFor(role, username ?? '');
    expect(urls.length).toBeGreaterThan(0);
    const page = await pageOf(username, device);
    const found = await audit(page, urls, `${role}@${device}`);
    const report = describeViolations(found);
    if (report) process.stdout.write(`\n[a11y] ${report}\n`);
    expect(report).toBe('');
  });
});

/** Submits the first form matching `form` empty and returns once the refused page is back. */
async function submitRefused(page: Page, form: string): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.locator(`${form} button[type=submit]`).first().click(),
  ]);
  await page.waitForLoadState('load');
}

describe.each(Object.keys(DEVICES) as Device[])('a refused form, %s', (device) => {
  it('the plan form: errors summarised at the top as links, each field aria-invalid and described by its message, the focus on the first; axe finds nothing serious', async () => {
    const page = await pageOf('waitan.leader', device);
    await page.goto('/operations/new');
    await page.locator('form.plan-form input[name=title]').fill('');
    await submitRefused(page, 'form.plan-form');
    await checkRefused(page, 'form.plan-form');
  });

  it('a step form on an operation’s page (a required text left empty), and the new border notice form', async () => {
    // The inspector's audit of a holding, else the Duty Command Section's steps: the first step form with a required text.
    let refused = false;
    for (const [username, state] of [
      ['duty', 'filed'],
      ['duty', 'holding'],
      ['duty', 'in_progress'],
    ]) {
      if (refused) break;
      const page = await pageOf(username, device);
      for (const url of await linksOn(page, `/operations?state=${state}`, /^\/operations\/\d+$/, 3)) {
        await page.goto(url);
        const form = page.locator('details.event-form form:has(textarea[required])').first();
        if (!(await form.count())) continue;
        const type = await form.getAttribute('data-event');
        await page.locator(`details#event-${type} > summary`).click();
        await submitRefused(page, `form[data-event=${type}]`);
        await checkRefused(page, `form[data-event=${type}]`);
        refused = true;
        break;
      }
    }
    expect(refused).toBe(true);
    const officer = await pageOf('waitan.officer', device);
    await officer.goto('/border-notices/new');
    await submitRefused(officer, 'form.notice-form');
    await checkRefused(officer, 'form.notice-form');
  });
});

/** The refused form's summary and fields, the focus, and axe. */
async function checkRefused(page: Page, form: string): Promise<void> {
  const summary = page.locator(`${form} [data-error-summary]`);
  // A step form is sent by the page's script, which puts the answer in place after it arrived: on a slow
  // machine, some time after the response the submit waited for.
  await summary.first().waitFor();
  expect(await summary.count()).toBe(1);
  const links = (await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) as string[];
  expect(links.length).toBeGreaterThan(0);
  // Every link leads to a message that exists, and a field that names it (aria-describedby) is marked invalid.
  const invalid = await page.locator(`${form} [aria-invalid="true"]`).count();
  expect(invalid).toBeGreaterThan(0);
  const wiring = (await page.evaluate(`(() => {
    const form = document.querySelector(${JSON.stringify(form)});
    return [...form.querySelectorAll('[aria-invalid="true"]')].map((f) => {
      const id = f.getAttribute('aria-describedby');
      const message = id && document.getElementById(id);
      return { name: f.getAttribute('name'), described: !!message && message.textContent.trim() !== '' };
    });
  })()`)) as Array<{ name: string; described: boolean }>;
  expect(wiring.filter((w) => !w.described)).toEqual([]);
  for (const href of links)
    expect(await page.evaluate(`!!document.getElementById(${JSON.stringify(decodeURIComponent(href.slice(1)))})`)).toBe(
      true,
    );
  // The summary comes before the first field in the form (found without script).
  const summaryFirst = await page.evaluate(`(() => {
    const form = document.querySelector(${JSON.stringify(form)});
    const s = form.querySelector('[data-error-summary]');
    const f = form.querySelector('input:not([type=hidden]), select, textarea');
    return !!(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
  })()`);
  expect(summaryFirst).toBe(true);
  // a11y.js put the focus on the first invalid field.
  expect(
    await page.evaluate(
      `document.activeElement === document.querySelector(${JSON.stringify(form)} + ' [aria-invalid="true"]')`,
    ),
  ).toBe(true);
  const report = describeViolations([{ where: page.url(), violations: blocking(await axeViolations(page)) }]);
  expect(report).toBe('');
}
