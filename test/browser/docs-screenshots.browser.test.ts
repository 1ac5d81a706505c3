import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Officer, launchChromium, serveForBrowser, signIn, text } from '../support/browser';
import { DOC_IMAGES_DIR, referencedImages } from '../support/docs-files';
import { runScript } from '../support/spawn';

/**
 * The screenshots of the user guides (docs/guide/*.md), made here so a guide
 * never shows a page that no longer looks like that — or no longer works: each
 * role signs in, opens the pages its guide shows, the test asserts something
 * real on each (its heading, the form the guide explains), and takes a
 * 1280×800 picture of the Chinese interface.
 *
 * `npm run docs:screenshots` (UPDATE_DOC_SCREENSHOTS=1) writes them to
 * docs/images/; otherwise they go to test-output/screenshots/<timestamp>/ and
 * docs/images/ is left alone. Either way the last test checks that every image
 * the docs reference is one this test makes, and that docs/images/ holds no
 * picture nobody shows.
 */

const UPDATE = process.env.UPDATE_DOC_SCREENSHOTS === '1';
const VIEWPORT = { width: 1280, height: 800 };

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let outDir: string;
let browser: Browser;
const officers: Officer[] = [];
/** The file names this run made, in order. */
const made: string[] = [];

/** Records put in flight through the API, so each role's inbox has something to show. */
const ids = { filed: 0, draft: 0, transfer: 0, notice: 0 };

const zh = (key: string, params: Record<string, string | number> = {}) =>
  text('zh-CN', key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));

/** A bearer token for a demo user, as `npm run cli -- token USER` prints it. */
async function tokenFor(username: string): Promise<string> {
  const run = await runScript('cli', ['token', username, '--label', 'docs screenshots'], {
    DATABASE_URL: `sqlite:${path.join(served.dir, 'docs.sqlite')}`,
    NODE_ENV: 'test',
  });
  if (run.code !== 0) throw new Error(`token ${username}: ${run.stderr}`);
  return run.stdout.trim();
}

async function api<T = { id: number; version: number }>(
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseURL}/api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Accept-Language': 'zh-CN' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * What the guides walk through: a plan filed and waiting for the Duty Command
 * Section, a draft still to file, a case transfer disputed and waiting for the
 * legal section, an officer's border notification waiting for the squad leader.
 */
async function putWorkInFlight(): Promise<void> {
  // One at a time: three CLI processes opening the served SQLite file at once can outwait its busy timeout on a loaded machine.
  const leader = await tokenFor('waitan.leader');
  const neighbour = await tokenFor('nanjingdonglu.leader');
  const officer = await tokenFor('waitan.officer');
  const start = new Date(Date.now() + 3 * 24 * 3_600_000);
  start.setUTCHours(9, 0, 0, 0);
  const plan = {
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
    situation: '傍晚无证设摊聚集，游客投诉多',
    mission: '清除无证设摊，教育整改',
    execution: '三个岗点，17:00—21:00',
    command: '外滩中队领导指挥，对讲机二频道',
    contingency: '遇围攻立即撤离并报警',
    goodsArrangements: '暂扣物品由外滩中队登记保管',
    holdingPlan: '行动后七天每晚两人定岗',
    forces: [
      { squad: 'waitan', officers: 6, vehicles: 2 },
      { squad: 'nanjingdonglu', officers: 4, vehicles: 1 },
    ],
  };
  const filed = await api(leader, 'POST', '/operations', plan);
  await api(leader, 'POST', `/operations/${filed.id}/events`, { type: 'FILE', expectedVersion: filed.version });
  ids.filed = filed.id;
  const { holdingPlan: _left, ...unfinished } = plan;
  const draft = await api(leader, 'POST', '/operations', {
    ...unfinished,
    title: '南京东路步行街夜间跨门营业整治',
    location: '南京东路步行街',
    squads: ['waitan', 'nanjinglu-walk'],
    forces: [
      { squad: 'waitan', officers: 5, vehicles: 1 },
      { squad: 'nanjinglu-walk', officers: 4, vehicles: 0 },
    ],
  });
  ids.draft = draft.id;
  const kase = await api(leader, 'POST', '/cases', {
    reference: '黄城管案〔2026〕901号',
    partyKind: 'stall',
    partyName: '九江路口流动摊位',
    violation: '占道设摊经营',
    location: '九江路·河南中路口',
  });
  const materials = ['inspection_record', 'inquiry_record', 'photos_video', 'evidence_list', 'transfer_letter'].map(
    (code) => ({ code, count: 1 }),
  );
  const transfer = await api(leader, 'POST', '/transfers', {
    case: kase.id,
    toSquad: 'nanjingdonglu',
    materials,
    note: '违法行为发生地属南京东路中队辖区',
  });
  await api(neighbour, 'POST', `/transfers/${transfer.id}/events`, {
    type: 'DISPUTE',
    expectedVersion: transfer.version,
    reason: '摊位位于外滩中队一侧，不属本中队辖区',
  });
  ids.transfer = transfer.id;
  const notice = await api(officer, 'POST', '/border-notices', {
    location: '福州路·江西中路口',
    what: '夜间流动摊贩在两中队交界处来回移动',
    squads: ['waitan', 'nanjingdonglu'],
  });
  ids.notice = notice.id;
}

beforeAll(async () => {
  served = await serveForBrowser('docs', { DEMO_HISTORY_MONTHS: '3', JOBS: 'false' });
  baseURL = served.baseURL;
  outDir = UPDATE ? DOC_IMAGES_DIR : served.shots;
  fs.mkdirSync(outDir, { recursive: true });
  browser = await launchChromium();
  await putWorkInFlight();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (UPDATE)
    process.stdout.write(`\n[liandong] docs screenshots written to ${path.relative(process.cwd(), DOC_IMAGES_DIR)}/\n`);
});

afterEach(() => {
  // No script error, CSP refusal or failed request on any page a guide shows.
  expect(officers.flatMap((o) => o.problems.splice(0))).toEqual([]);
});

async function as(username: string): Promise<Page> {
  const officer = await signIn(browser, baseURL, username, { viewport: VIEWPORT });
  officers.push(officer);
  return officer.page;
}

/** The page's heading says what the guide says it is. */
async function expectHeading(page: Page, key: string, params: Record<string, string | number> = {}): Promise<void> {
  expect(await page.locator('main h1').first().innerText()).toContain(zh(key, params));
}

/** A picture of what the user sees (the viewport; `focus` opened if folded, and scrolled to, first). */
async function shoot(page: Page, file: string, focus?: string): Promise<void> {
  if (focus) {
    const folded = page.locator('details:not([open])', { has: page.locator(focus) }).locator('summary');
    if ((await folded.count()) > 0) await folded.first().click();
    await page.locator(focus).first().scrollIntoViewIfNeeded();
    // Keep the heading of the section in view above the form.
    await page.evaluate('window.scrollBy(0, -120)');
  }
  await page.screenshot({ path: path.join(outDir, file), animations: 'disabled', caret: 'hide' });
  made.push(file);
}

const year = () => new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date());

it('signing in', async () => {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: VIEWPORT,
  });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('input[name=username]').count()).resolves.toBe(1);
  await expect(page.locator('input[name=password]').count()).resolves.toBe(1);
  await shoot(page, 'login.png');
  await context.close();
});

it('squad leader (中队领导): the inbox, a draft to file, the plan form, a border notification, the group’s plans and meetings, goods', async () => {
  const page = await as('waitan.leader');
  await expectHeading(page, 'inbox.title');
  expect(await page.locator(`main a[href="/operations/${ids.draft}"]`).count()).toBeGreaterThan(0);
  expect(await page.locator(`main a[href="/border-notices/${ids.notice}"]`).count()).toBeGreaterThan(0);
  await shoot(page, 'leader-inbox.png');

  await page.goto('/operations/new');
  expect(await page.getByTestId('save-and-file').count()).toBe(1);
  expect(await page.locator('form input[name=title]').count()).toBe(1);
  await shoot(page, 'leader-plan-form.png');

  await page.goto(`/operations/${ids.draft}`);
  expect(await page.getByTestId('state').innerText()).toBe(zh('state.draft'));
  expect(await page.locator('form[data-event=FILE]').count()).toBe(1);
  await shoot(page, 'leader-draft.png');

  await page.goto(`/border-notices/${ids.notice}`);
  expect(await page.getByTestId('state').innerText()).toBe(zh('bn.state.sent'));
  expect(await page.getByTestId('to-plan').count()).toBe(1);
  await shoot(page, 'leader-border-notice.png');

  await page.goto('/group-plans');
  await expectHeading(page, 'gplan.list_title');
  expect(await page.getByTestId('plan-grid').count()).toBe(1);
  await shoot(page, 'leader-group-plans.png');

  await page.goto('/meetings');
  await expectHeading(page, 'meeting.list_title');
  await shoot(page, 'leader-meetings.png');

  await page.goto('/goods');
  await expectHeading(page, 'goods.list_title');
  expect(await page.getByTestId('goods-list').count()).toBe(1);
  await shoot(page, 'leader-goods.png');
});

it('officer (执法队员): hard problems and a border notification to send', async () => {
  const page = await as('waitan.officer');
  await page.goto('/problems');
  await expectHeading(page, 'hp.title');
  await shoot(page, 'officer-problems.png');

  await page.goto('/border-notices/new');
  expect(await page.locator('form textarea[name=what]').count()).toBe(1);
  await shoot(page, 'officer-border-notice-form.png');
});

it('duty officer (勤务指挥科): filings to decide, the approval form, compliance, flags, jobs', async () => {
  const page = await as('duty');
  await expectHeading(page, 'inbox.title');
  expect(await page.locator(`main a[href="/operations/${ids.filed}"]`).count()).toBeGreaterThan(0);
  await shoot(page, 'duty-inbox.png');

  await page.goto(`/operations/${ids.filed}`);
  expect(await page.getByTestId('state').innerText()).toBe(zh('state.filed'));
  expect(await page.locator('form[data-event=APPROVE]').count()).toBe(1);
  expect(await page.locator('form[data-event=RETURN]').count()).toBe(1);
  await shoot(page, 'duty-approve.png', 'form[data-event=APPROVE]');

  await page.goto('/compliance');
  await expectHeading(page, 'compliance.title', { year: year() });
  expect(await page.getByTestId('compliance').count()).toBe(1);
  await shoot(page, 'duty-compliance.png');

  await page.goto('/flags');
  await expectHeading(page, 'nav.flags');
  await shoot(page, 'duty-flags.png');

  await page.goto('/jobs');
  await expectHeading(page, 'nav.jobs');
  expect(await page.getByTestId('run-monthly-minimum').count()).toBe(1);
  await shoot(page, 'duty-jobs.png');
});

it('commander (总指挥): the operations, the figures and the annual assessment', async () => {
  const page = await as('commander');
  await page.goto('/operations');
  await expectHeading(page, 'nav.operations');
  expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(5);
  await shoot(page, 'commander-operations.png');

  await page.goto('/figures');
  await expectHeading(page, 'figures.title');
  expect(await page.getByTestId('figure-operations').count()).toBe(1);
  await shoot(page, 'commander-figures.png');

  await page.goto(`/figures/assessment?year=${year()}`);
  await expectHeading(page, 'assessment.title', { year: year() });
  expect(await page.locator('section.assessment').count()).toBe(17);
  await shoot(page, 'commander-assessment.png');
});

it('inspector (督察): holdings to spot-check, and the spot-check form', async () => {
  const page = await as('inspector');
  await expectHeading(page, 'inbox.title');
  const check = page.locator('main a[href$="#event-SPOT_CHECK"]').first();
  expect(await check.count()).toBe(1);
  await shoot(page, 'inspector-inbox.png');

  const href = (await check.getAttribute('href'))!;
  await page.goto(href.replace(/#.*/, ''));
  expect(await page.getByTestId('state').innerText()).toBe(zh('state.holding'));
  expect(await page.locator('form[data-event=SPOT_CHECK]').count()).toBe(1);
  await shoot(page, 'inspector-spot-check.png', 'form[data-event=SPOT_CHECK]');
});

it('legal section (法制科): a disputed transfer to designate', async () => {
  const page = await as('legal');
  await expectHeading(page, 'inbox.title');
  expect(await page.locator(`main a[href="/transfers/${ids.transfer}"]`).count()).toBeGreaterThan(0);
  await shoot(page, 'legal-inbox.png');

  await page.goto(`/transfers/${ids.transfer}`);
  expect(await page.getByTestId('state').innerText()).toBe(zh('transfer.state.disputed'));
  expect(await page.getByTestId('dispute-reason').count()).toBe(1);
  expect(await page.locator('form[data-event=DESIGNATE]').count()).toBe(1);
  await shoot(page, 'legal-designate.png', 'form[data-event=DESIGNATE]');
});

it('administrator (系统管理员): users, linkage groups and the brigade', async () => {
  const page = await as('admin');
  await page.goto('/admin/users');
  await expectHeading(page, 'admin.users');
  expect(await page.locator('main').innerText()).toContain('waitan.leader');
  await shoot(page, 'admin-users.png');

  await page.goto('/admin/groups');
  await expectHeading(page, 'admin.groups');
  await shoot(page, 'admin-groups.png');

  await page.goto('/admin/brigade');
  await expectHeading(page, 'admin.brigade');
  expect(await page.getByTestId('brigade-since').count()).toBe(1);
  await shoot(page, 'admin-brigade.png');
});

it('the docs show exactly the screenshots this test makes', () => {
  const referenced = referencedImages();
  // Every image a guide shows is one of these (not a stale file nobody makes any more).
  const unmade = [...referenced.keys()].filter((image) => !made.includes(image));
  expect(unmade).toEqual([]);
  // Every screenshot made is shown somewhere, and sits in docs/images/.
  expect(made.filter((image) => !referenced.has(image))).toEqual([]);
  for (const image of made) expect(fs.existsSync(path.join(DOC_IMAGES_DIR, image))).toBe(true);
  // docs/images/ holds nothing else.
  expect(fs.readdirSync(DOC_IMAGES_DIR).filter((f) => !made.includes(f))).toEqual([]);
  // Each is the size the guides were written for.
  for (const image of made) {
    const png = fs.readFileSync(path.join(outDir, image));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([VIEWPORT.width, VIEWPORT.height]);
  }
});
