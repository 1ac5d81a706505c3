import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, PHONE, ZONE, launchChromium, serveForBrowser, text } from '../support/browser';

/**
 * The navigation on an officer's phone (issue 12, issue 13): behind a menu button in a header of one row;
 * a page inside a menu is reached with script turned off (the button is a link to the panel, the menus are
 * <details>), and from the keyboard alone, with the focus seen.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const zh = (key: string) => text('zh-CN', key);

beforeAll(async () => {
  served = await serveForBrowser('navigation', { JOBS: 'false' });
  ({ baseURL, shots } = served);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

async function phoneOf(username: string, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', timezoneId: ZONE, ...PHONE, javaScriptEnabled });
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

/** Whether the element `selector` finds has the focus, and one of its computed styles (the tests type-check without the DOM's types). */
const hasFocus = (page: Page, selector: string) =>
  page.evaluate(`document.activeElement === document.querySelector(${JSON.stringify(selector)})`);
const styleOf = (page: Page, selector: string, property: string) =>
  page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);

/** The top entries' boxes: the inbox link and each menu's label. */
async function topBoxes(page: Page) {
  const entries = page.locator('nav.main-nav > a.nav-top, nav.main-nav > details.nav-menu > summary');
  const boxes = [];
  for (let i = 0; i < (await entries.count()); i++) boxes.push((await entries.nth(i).boundingBox())!);
  return boxes;
}

describe('the navigation on a 390 × 844 phone', () => {
  it('waits behind the menu button; opened, it is at most six entries, one under another, and a page inside a menu is reached without script', async () => {
    const page = await phoneOf('duty', false);
    // Issue 13: the header is one row (brand, bell, menu button); the navigation is closed until asked.
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    await page.locator('[data-testid=menu-button]').click();
    expect(await page.locator('nav.main-nav').isVisible()).toBe(true);
    const boxes = await topBoxes(page);
    expect(boxes.length).toBeLessThanOrEqual(6);
    expect(boxes.length).toBeGreaterThanOrEqual(5);
    // One entry a row, each a finger's height, all of it on the screen.
    const rows = boxes.map((b) => Math.round(b.y));
    expect(new Set(rows).size).toBe(boxes.length);
    expect(boxes.filter((b) => b.height < 44)).toEqual([]);
    expect(boxes.filter((b) => b.x < 0 || b.x + b.width > 390)).toEqual([]);
    // The menu is closed until asked: its pages are not shown.
    const meetings = page.locator('nav.main-nav a[href="/meetings"]');
    expect(await meetings.isVisible()).toBe(false);
    await page.locator('nav.main-nav details[data-section=operations] > summary').click();
    expect(await meetings.isVisible()).toBe(true);
    // The open menu stays within the phone's screen.
    const panel = (await page.locator('details[data-section=operations] .nav-panel').boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(shots, 'navigation-phone-menu-open.png') });
    await Promise.all([page.waitForURL((u) => u.pathname === '/meetings'), meetings.click()]);
    expect(await page.locator('h1').first().innerText()).toContain(zh('nav.meetings'));
    // Where we are: the menu is marked, and its entry.
    expect(await page.locator('nav.main-nav details.nav-menu.active > summary').innerText()).toBe(
      zh('nav.menu_operations'),
    );
    expect(await page.locator('nav.main-nav a.active[href="/meetings"]').count()).toBe(1);
    expect(await page.locator('nav.main-nav a.active[href="/meetings"]').getAttribute('aria-current')).toBe('page');
  });

  it('is worked from the keyboard: Tab to the menu button, Enter opens it, Tab to a menu, Enter, Tab to a page, Enter goes there; the focus is seen', async () => {
    const page = await phoneOf('duty', true);
    const BUTTON = '[data-testid=menu-button]';
    const OVERSIGHT = 'nav.main-nav details[data-section=oversight] > summary';
    const FLAGS = 'nav.main-nav a[href="/flags"]';
    // From the top of the page, Tab until the menu button has the focus; Enter opens the panel and puts the focus in it.
    for (let i = 0; i < 6 && !(await hasFocus(page, BUTTON)); i++) await page.keyboard.press('Tab');
    expect(await hasFocus(page, BUTTON)).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.locator(BUTTON).getAttribute('aria-expanded')).toBe('true');
    for (let i = 0; i < 6 && !(await hasFocus(page, OVERSIGHT)); i++) await page.keyboard.press('Tab');
    expect(await hasFocus(page, OVERSIGHT)).toBe(true);
    // The house's focus ring, not the browser's faint default on the dark header.
    expect(await styleOf(page, OVERSIGHT, 'outline')).toMatch(/^rgb\(255, 209, 102\) solid 3px$/);
    await page.keyboard.press('Enter');
    expect(await page.locator('details[data-section=oversight]').getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Tab');
    expect(await hasFocus(page, FLAGS)).toBe(true);
    expect(await styleOf(page, FLAGS, 'outlineStyle')).toBe('solid');
    // Escape closes the menu and gives the focus back to its label (app.js); Enter opens it again.
    await page.keyboard.press('Escape');
    expect(await page.locator('details[data-section=oversight]').getAttribute('open')).toBeNull();
    expect(await hasFocus(page, OVERSIGHT)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL((u) => u.pathname === '/flags'), page.keyboard.press('Enter')]);
    // One menu at a time: opening another closes the first.
    await page.locator(BUTTON).click();
    await page.locator('details[data-section=operations] > summary').click();
    await page.locator('details[data-section=ledgers] > summary').click();
    expect(
      await page
        .locator('nav.main-nav details[open]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-section'))),
    ).toEqual(['ledgers']);
    // Escape closes the open menu first, then the panel, and the focus is back on the button.
    await page.keyboard.press('Escape');
    expect(await page.locator('nav.main-nav').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('nav.main-nav').isVisible()).toBe(false);
    expect(await hasFocus(page, BUTTON)).toBe(true);
  });
});
