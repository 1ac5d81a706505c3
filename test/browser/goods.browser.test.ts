import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Officer, launchChromium, serveForBrowser, signIn, text, apiCall, cliToken } from '../support/browser';

/**
 * One detained item through the web pages, in real headless Chromium (R13):
 * during a joint operation the Waitan squad's leader registers a street
 * vendor's tricycle from the operation's page, prints the detention list in
 * duplicate, and — once the vendor has been dealt with — returns it to them.
 * The operation's ledger balances at every step, and the item's custody says
 * who had it when.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
let leader: Officer;
let operationId: number;
let itemId: number;
let env: Record<string, string>;

const zh = (key: string) => text('zh-CN', key);

const api = (token: string, method: string, url: string, body?: unknown) => apiCall(baseURL, token, method, url, body);
const tokenOf = (username: string) => cliToken(env, username);

beforeAll(async () => {
  // No scheduled jobs and no demo history: the one operation here is the story.
  const quiet = { JOBS: '0', DEMO_HISTORY_MONTHS: '0' };
  served = await serveForBrowser('goods', quiet);
  ({ baseURL, shots } = served);
  env = {
    DATABASE_URL: `sqlite:${path.join(served.dir, 'goods.sqlite')}`,
    SCRYPT_COST: '1024',
    NODE_ENV: 'test',
    ...quiet,
  };
  // The operation is under way: filed, approved and started through the API.
  const [leaderToken, dutyToken] = [await tokenOf('waitan.leader'), await tokenOf('duty')];
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
    mission: '清理流动摊贩，暂扣经营工具',
    execution: '两个岗点，20:00—24:00',
    command: '外滩中队领导指挥',
    contingency: '遇围攻立即撤离并报 110',
    goodsArrangements: '暂扣物品当场登记，外滩中队保管',
    holdingPlan: '行动后七天每晚两人定岗',
  });
  operationId = op.id as number;
  await api(leaderToken, 'POST', `/api/v1/operations/${operationId}/events`, { type: 'FILE', expectedVersion: 1 });
  await api(dutyToken, 'POST', `/api/v1/operations/${operationId}/events`, { type: 'APPROVE', expectedVersion: 2 });
  await api(leaderToken, 'POST', `/api/v1/operations/${operationId}/events`, { type: 'START', expectedVersion: 3 });
  browser = await launchChromium();
  leader = await signIn(browser, baseURL, 'waitan.leader');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  // No CSP refusal, no script error, no failed request on any page.
  expect(leader?.problems.splice(0) ?? []).toEqual([]);
});

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(shots, `goods-${String(++shotCount).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

async function expectTranslated(page: Page): Promise<void> {
  expect(await page.locator('body').innerText()).not.toContain('⟦');
}

/** The ledger on a page: [registered, held, returned] totals. */
async function ledger(page: Page) {
  const box = page.locator('[data-testid=goods-ledger]');
  return {
    balanced: await box.getAttribute('data-balanced'),
    registered: await box.locator('[data-total=registered]').innerText(),
    held: await box.locator('[data-total=held]').innerText(),
  };
}

let broken: string | null = null;
function step(name: string, fn: () => Promise<void>): void {
  it(
    name,
    async () => {
      if (broken) throw new Error(`not run: an earlier step failed (${broken})`);
      try {
        await fn();
      } catch (e) {
        broken = name;
        throw e;
      }
    },
    60_000,
  );
}

describe('a detained item, from registration on the operation’s page to its return to the owner', () => {
  step('the operation’s page offers its squad leader to register goods', async () => {
    const { page } = leader;
    await page.goto(`/operations/${operationId}`);
    const section = page.locator('[data-testid=goods-section]');
    expect(await section.locator('h2').innerText()).toContain(zh('goods.title'));
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/goods/new'),
      section.locator('[data-testid=register-goods]').click(),
    ]);
    expect(await page.locator('h1').innerText()).toBe(zh('goods.register_title'));
    await expectTranslated(page);
  });

  step('a missing storage place is named, and what was typed stays', async () => {
    const { page } = leader;
    await page.locator('input[name="party[name]"]').fill('王某');
    await page.locator('input[name="party[stall]"]').fill('九江路 200 号门前流动摊');
    await page.locator('input[name="items[0][description]"]').fill('三轮车（蓝色，车斗内有杂物）');
    await page.locator('input[name="items[0][quantity]"]').fill('1');
    await page.locator('input[name="items[0][unit]"]').fill('辆');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('form[data-testid=goods-register] button[type=submit]').click(),
    ]);
    // The refusal is the 400 the form answers with: set aside, nothing else went wrong.
    await page.waitForSelector('[data-testid=form-banner]');
    expect(leader.problems.splice(0).every((p) => p.includes('400'))).toBe(true);
    expect(await page.locator('[data-error-for="items.0.storagePlace"]').innerText()).toBe(zh('problem.required'));
    expect(await page.locator('input[name="items[0][description]"]').inputValue()).toBe('三轮车（蓝色，车斗内有杂物）');
    expect(await page.locator('input[name="party[name]"]').inputValue()).toBe('王某');
    await shot(page, 'register-refused');
  });

  step('registered: the ledger shows one item held, and the list prints in duplicate', async () => {
    const { page } = leader;
    await page.locator('input[name="items[0][storagePlace]"]').fill('外滩中队暂扣物品仓库');
    // The custodian is the host squad by default (R13).
    expect(await page.locator('select[name="items[0][custodianSquad]"]').inputValue()).toBe('waitan');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/goods/ledger/${operationId}`),
      page.locator('form[data-testid=goods-register] button[type=submit]').click(),
    ]);
    expect(await page.locator('.flash-ok').innerText()).toBe(zh('goods.done.registered'));
    expect(await ledger(page)).toEqual({ balanced: 'true', registered: '1', held: '1' });
    await shot(page, 'ledger-registered');
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith(`/goods/print/${operationId}/`)),
      page.locator('[data-testid=print-list]').first().click(),
    ]);
    const copies = page.locator('section.detention-copy');
    expect(await copies.count()).toBe(2);
    expect(await copies.nth(0).locator('h1').innerText()).toContain(zh('goods.copy_party'));
    expect(await copies.nth(1).locator('h1').innerText()).toContain(zh('goods.copy_stub'));
    expect(await copies.nth(1).innerText()).toContain('三轮车（蓝色，车斗内有杂物）');
    await expectTranslated(page);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    await shot(page, 'detention-list-print');
    await page.emulateMedia({ media: 'screen' });
  });

  step('the item is in the list, held, with a green light', async () => {
    const { page } = leader;
    await page.goto(`/goods?operation=${operationId}`);
    const row = page.locator('[data-testid=goods-list] tbody tr').first();
    expect(await row.getAttribute('data-state')).toBe('held');
    expect(await row.locator('[data-light]').getAttribute('data-light')).toBe('green');
    itemId = Number(await row.getAttribute('data-goods'));
    await Promise.all([page.waitForURL((u) => u.pathname === `/goods/${itemId}`), row.locator('a').first().click()]);
    expect(await page.locator('[data-testid=state]').innerText()).toBe(zh('goods.state.held'));
    expect(
      await page
        .locator('details.event-form form')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-event')).sort()),
    ).toEqual(['CONFISCATE', 'MOVE', 'RETURN_TO_OWNER']);
    await expectTranslated(page);
  });

  step('the custodian squad’s leader returns it to the owner; custody and the ledger say so', async () => {
    const { page } = leader;
    const details = page.locator('details#event-RETURN_TO_OWNER');
    await details.locator('summary').click();
    // The party is the one who receives it, unless someone else is named.
    expect(await details.locator('input[name=receivedBy]').inputValue()).toBe('王某');
    await details.locator('textarea[name=note]').fill('当事人接受教育后领回，当场签收');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/goods/${itemId}` && u.searchParams.get('done') === 'return_to_owner'),
      details.locator('button[type=submit]').click(),
    ]);
    expect(await page.locator('[data-testid=state]').innerText()).toBe(zh('goods.state.returned'));
    expect(await page.locator('details.event-form').count()).toBe(0);
    const custody = page.locator('[data-testid=custody] tbody tr');
    expect(await custody.count()).toBe(1);
    expect(await custody.first().innerText()).toContain('外滩中队暂扣物品仓库');
    expect(await custody.first().innerText()).not.toContain(zh('goods.still'));
    expect(
      await page
        .locator('[data-testid=timeline] > li')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-event'))),
    ).toEqual(['RETURN_TO_OWNER', 'CREATE']);
    await shot(page, 'item-returned');
    await page.goto(`/operations/${operationId}`);
    expect(await ledger(page)).toEqual({ balanced: 'true', registered: '1', held: '0' });
    expect(await page.locator('[data-testid=goods-ledger] [data-col=returned]').first().innerText()).toContain('1');
    await expectTranslated(page);
  });
});
