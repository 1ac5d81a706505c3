import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DEMO_PASSWORD,
  DESKTOP,
  PHONE,
  type Officer,
  ZONE,
  launchChromium,
  serveForBrowser,
  signIn,
  text,
} from '../support/browser';

/**
 * A squad leader in the street with a 390 × 844 phone (issue 13): a header of one row with a menu button, the field's four
 * actions at the bottom of the screen, no page wider than the screen (lists as cards, the figures legible, the charts fitting),
 * the state diagram scrolled to where the operation is, tap targets a finger can hit — and a desk's screen as before.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
let leader: Officer;
const contexts: BrowserContext[] = [];
const zh = (key: string) => text('zh-CN', key);

beforeAll(async () => {
  served = await serveForBrowser('phone', { JOBS: 'false', DEMO_HISTORY_MONTHS: '3' });
  ({ baseURL, shots } = served);
  browser = await launchChromium();
  leader = await signIn(browser, baseURL, 'waitan.leader', PHONE);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  expect(leader.problems.splice(0)).toEqual([]);
});

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${String(++shotCount).padStart(2, '0')}-${name}.png`) });
}

/** A page's layout facts (the tests type-check without the DOM's types, so the page is asked in a string). */
const measure = (page: Page): Promise<{ header: number; scrollWidth: number; innerWidth: number }> =>
  page.evaluate(`({
    header: document.querySelector('.site-header').getBoundingClientRect().height,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  })`);

/** The address of the first link `selector` finds on `listPath`. */
async function firstLink(page: Page, listPath: string, selector: string): Promise<string> {
  await page.goto(listPath);
  const href = await page.locator(selector).first().getAttribute('href');
  if (!href) throw new Error(`no ${selector} on ${listPath}`);
  return href;
}

/** A browser of its own for `username` (a phone unless told), with or without script. */
async function deviceOf(
  username: string,
  device: typeof PHONE | typeof DESKTOP,
  javaScriptEnabled = true,
): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    timezoneId: ZONE,
    ...device,
    javaScriptEnabled,
  });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/login');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.locator('form[action="/login"] button[type=submit]').click(),
  ]);
  return page;
}

/** Boxes narrower or lower than a finger's 44 px, among what `selector` finds visible. */
async function smallTargets(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((el) => el.offsetParent !== null || getComputedStyle(el).position === 'fixed')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && (r.height < 44 || r.width < 44))
    .map(({ el, r }) => (el.getAttribute('href') || el.textContent.trim()) + ' ' + Math.round(r.width) + '×' + Math.round(r.height))`);
}

describe('on a 390 × 844 phone', () => {
  it('no page is wider than the screen, and the header is one row of at most 64 px', async () => {
    const page = leader.page;
    const operation = await firstLink(page, '/operations', 'table.list a[href^="/operations/"]');
    const problem = await firstLink(page, '/problems', 'table.list a[href^="/problems/"]');
    const pages = [
      '/',
      '/operations',
      operation,
      '/figures',
      problem,
      '/goods',
      '/transfers',
      '/border-notices',
      '/cases',
    ];
    for (const p of pages) {
      await page.goto(p);
      const m = await measure(page);
      expect({ page: p, header: m.header <= 64, fits: m.scrollWidth <= m.innerWidth }).toEqual({
        page: p,
        header: true,
        fits: true,
      });
      await shot(page, `fits${p.replace(/\W+/g, '-')}`);
    }
    // The brand, the bell and the menu button share the header's one row; the navigation waits in the menu.
    const row = await Promise.all(
      ['.site-header .brand', '[data-testid=bell]', '[data-testid=menu-button]'].map(
        async (s) => (await page.locator(s).boundingBox())!,
      ),
    );
    expect(row.every((b) => b.y + b.height <= 64)).toBe(true);
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=me]').isVisible()).toBe(false);
  });

  it('lists are cards that name each value, and the figures stay legible (no character per line)', async () => {
    const page = leader.page;
    await page.goto('/operations');
    const card = page.locator('table.list tr[data-operation]').first();
    // One card: the title first, then each value under its column's name.
    const cells = await card
      .locator('td[data-label]')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-label')));
    expect(cells).toEqual(
      expect.arrayContaining([
        zh('operation.number'),
        zh('field.state'),
        zh('field.hostSquad'),
        zh('field.plannedStart'),
      ]),
    );
    const before = await page.evaluate(
      `getComputedStyle(document.querySelector('table.list tr[data-operation] td[data-label]'), '::before').content`,
    );
    expect(before).toBe(`"${zh('operation.number')}"`);
    const cardBox = (await card.boundingBox())!;
    expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(390);

    await page.goto('/figures');
    const name = page.locator('table.figures tr[data-indicator] > th').first();
    const box = (await name.boundingBox())!;
    const lineHeight = parseFloat(
      await page.evaluate(
        `getComputedStyle(document.querySelector('table.figures tr[data-indicator] > th')).lineHeight`,
      ),
    );
    // The indicator's name on one line, across the card: not one character under another.
    expect(box.width).toBeGreaterThan(200);
    expect(box.height).toBeLessThan(lineHeight * 1.6);
    // Each figure says which period it is.
    expect(
      await page.locator('table.figures tr[data-indicator] td.figure').first().getAttribute('data-label'),
    ).toContain(zh('figures.current'));
    // The charts fit the screen.
    for (const chart of await page.locator('svg.chart').all()) {
      const c = (await chart.boundingBox())!;
      expect(c.x + c.width).toBeLessThanOrEqual(390);
    }
  });

  it('the state diagram is scrolled so the current state is in view', async () => {
    const page = leader.page;
    const operation = await firstLink(page, '/operations', 'table.list a[href^="/operations/"]');
    await page.goto(operation);
    const facts: { scrollLeft: number; scrolls: boolean; box: number[]; node: number[] } = await page.evaluate(`(() => {
      const box = document.querySelector('.diagram-box');
      const node = box.querySelector('.node.current');
      const b = box.getBoundingClientRect();
      const n = node.getBoundingClientRect();
      return { scrollLeft: box.scrollLeft, scrolls: box.scrollWidth > box.clientWidth, box: [b.left, b.right], node: [n.left, n.right] };
    })()`);
    // The diagram keeps a readable scale, so it is wider than the phone; its box, not the page, scrolls …
    expect(facts.scrolls).toBe(true);
    // … to the current state (the demo's operations are closed: the last state, at the far right).
    expect(facts.scrollLeft).toBeGreaterThan(0);
    expect(facts.node[0]).toBeGreaterThanOrEqual(facts.box[0]);
    expect(facts.node[1]).toBeLessThanOrEqual(facts.box[1]);
    // The scroll box takes the keyboard's focus, named after its heading.
    expect(await page.locator('.diagram-box').getAttribute('tabindex')).toBe('0');
    expect(await page.locator('.diagram-box').getAttribute('aria-label')).toBe(zh('operation.diagram'));
    await page.locator('.diagram-box').scrollIntoViewIfNeeded();
    await shot(page, 'diagram-current-state');
  });

  it('the menu button opens the navigation as a panel; a page in it is reached; Escape closes it and the focus comes back', async () => {
    const page = leader.page;
    await page.goto('/');
    const button = page.locator('button[data-testid=menu-button]');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await button.innerText()).toContain(zh('nav.menu'));
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator('nav.main-nav').isVisible()).toBe(true);
    // The user's name and the language switch are in the panel.
    expect(await page.locator('[data-testid=me]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=lang-en]').isVisible()).toBe(true);
    // The focus went into the panel.
    expect(await page.evaluate(`document.getElementById('site-menu').contains(document.activeElement)`)).toBe(true);
    await page.locator('details[data-section=operations] > summary').click();
    // Every entry of the open panel takes a finger.
    expect(
      await smallTargets(
        page,
        '#site-menu a, #site-menu summary, #site-menu button, [data-testid=menu-button], [data-testid=bell]',
      ),
    ).toEqual([]);
    const panel = (await page.locator('#site-menu').boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(390);
    await shot(page, 'menu-open');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/meetings'),
      page.locator('#site-menu a[href="/meetings"]').click(),
    ]);
    expect(await page.locator('h1').first().innerText()).toContain(zh('nav.meetings'));
    // Where we are, inside the menu too.
    expect(await page.locator('#site-menu a[href="/meetings"]').getAttribute('aria-current')).toBe('page');
    // A new page: the panel is closed. Open it, Escape: closed, and the focus is back on the button.
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    await page.locator('button[data-testid=menu-button]').click();
    await page.keyboard.press('Escape');
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    expect(await page.locator('button[data-testid=menu-button]').getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(`document.activeElement.dataset.testid`)).toBe('menu-button');
  });

  it('without script the menu opens too (a link to the panel), and a page in it is reached', async () => {
    const page = await deviceOf('waitan.officer', PHONE, false);
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    await page.locator('a[data-testid=menu-button]').click();
    expect(await page.locator('nav.main-nav').isVisible()).toBe(true);
    await page.locator('details[data-section=ledgers] > summary').click();
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/goods'),
      page.locator('#site-menu a[href="/goods"]').click(),
    ]);
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    // … and closes again by its own link.
    await page.locator('a[data-testid=menu-button]').click();
    await page.locator('[data-testid=menu-close]').click();
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
  });

  it('the bottom bar holds the field’s four actions for a squad leader, each a finger wide, the current one marked', async () => {
    const page = leader.page;
    await page.goto('/');
    const bar = page.locator('nav[data-testid=bottom-bar]');
    expect(await bar.isVisible()).toBe(true);
    const entries = await bar
      .locator('a')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), (a.textContent ?? '').trim()]));
    expect(entries).toEqual([
      ['/', expect.stringContaining(zh('bottom.inbox'))],
      ['/holding', zh('bottom.holding')],
      ['/problems/new', zh('bottom.problem')],
      ['/border-notices/new', zh('bottom.notice')],
    ]);
    // Each with an icon, each a finger's size, at the bottom of the screen.
    expect(await bar.locator('a svg').count()).toBe(4);
    expect(await smallTargets(page, '[data-testid=bottom-bar] a')).toEqual([]);
    const barBox = (await bar.boundingBox())!;
    expect(barBox.y + barBox.height).toBeCloseTo(844, 0);
    expect(await bar.locator('a[aria-current=page]').getAttribute('href')).toBe('/');

    // The problem form, from the bar: its entry is current, and the form's last button is not under the bar.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/problems/new'),
      bar.locator('a[href="/problems/new"]').click(),
    ]);
    expect(await bar.locator('a[aria-current=page]').getAttribute('href')).toBe('/problems/new');
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const submit = (await page.locator('main form button[type=submit]').last().boundingBox())!;
    expect(submit.y + submit.height).toBeLessThanOrEqual((await bar.boundingBox())!.y);
    await shot(page, 'bottom-bar-problem-form');
  });

  it('the bottom bar is not there for a duty officer, nor on a desk’s screen', async () => {
    const duty = await deviceOf('duty', PHONE);
    expect(await duty.locator('nav[data-testid=bottom-bar]').count()).toBe(0);
    const desk = await deviceOf('waitan.leader', DESKTOP);
    expect(await desk.locator('nav[data-testid=bottom-bar]').isVisible()).toBe(false);
  });
});

describe('on a desk’s 1280 × 900 screen', () => {
  it('the header is one row as before: the navigation shown, no menu button, the name and the bell at the right', async () => {
    const page = await deviceOf('waitan.leader', DESKTOP);
    expect(await page.locator('nav.main-nav').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=menu-button]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=menu-close]').isVisible()).toBe(false);
    const header = (await page.locator('.site-header').boundingBox())!;
    const nav = (await page.locator('nav.main-nav').boundingBox())!;
    const me = (await page.locator('[data-testid=me]').boundingBox())!;
    const bell = (await page.locator('[data-testid=bell]').boundingBox())!;
    const lang = (await page.locator('[data-testid=lang-en]').boundingBox())!;
    expect(header.height).toBeLessThan(64);
    // In the order they had: navigation, language, bell, name.
    expect(nav.x + nav.width).toBeLessThan(lang.x);
    expect(lang.x).toBeLessThan(bell.x);
    expect(bell.x).toBeLessThan(me.x);
    await page.screenshot({ path: path.join(shots, 'desktop-header.png') });
  });
});
