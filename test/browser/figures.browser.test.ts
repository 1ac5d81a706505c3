import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { type Officer, launchChromium, serveForBrowser, signIn, text } from '../support/browser';

/**
 * A commander answers "how did each group do this year, and why" from the
 * pages alone (issue 6): on a fresh start with six months of demo operations
 * (the server loads them itself), the year's figures for the north group, a
 * figure followed to the records that make it (page after page, adding up to
 * it), the charts seen without any script, the spreadsheet taken away with the
 * same numbers, and the annual assessment with how each score was reached.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let dir: string;
let shots: string;
let browser: Browser;
let commander: Officer;
/** A year with at least three months of the demo past in it (Shanghai time). */
const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
  new Date(Date.now() - 100 * 24 * 3_600_000),
);

beforeAll(async () => {
  served = await serveForBrowser('figures', { DEMO_HISTORY_MONTHS: '6', JOBS: 'false' });
  ({ baseURL, dir, shots } = served);
  browser = await launchChromium();
  commander = await signIn(browser, baseURL, 'commander');
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  expect(commander.problems.splice(0)).toEqual([]);
});

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(shots, `${String(++shotCount).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

const figureOf = async (page: Page, id: string) =>
  Number((await page.getByTestId(`figure-${id}`).innerText()).replace(/[^\d.-]/g, ''));

it('the year of the north group: every indicator with its definition, beside last period and last year, and charts without script', async () => {
  const page = commander.page;
  await page.goto('/figures');
  await page.locator('input[name=period]').fill(year);
  await page.locator('select[name=group]').selectOption('north');
  await Promise.all([page.waitForURL(/group=north/), page.locator('form.filters button[type=submit]').click()]);
  await shot(page, 'figures-north-year');
  expect(await figureOf(page, 'operations')).toBeGreaterThan(0);
  // Each row says what it counts, in Chinese first.
  const row = page.locator('tr[data-indicator="operations"]');
  expect(await row.locator('.definition').innerText()).toBe(text('zh-CN', 'indicator.operations.definition'));
  // The charts are drawn on the server: there without any script running, and of a size to read.
  const noScript = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await commander.context.storageState(),
  });
  const plain = await noScript.newPage();
  await plain.goto(page.url());
  const charts = plain.locator('.chart-box svg');
  expect(await charts.count()).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < (await charts.count()); i++) {
    const box = await charts.nth(i).boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeGreaterThan(100);
  }
  await noScript.close();
});

it('a figure leads to the records that make it, page after page, adding up to it, each saying why it counts', async () => {
  const page = commander.page;
  await page.goto(`/figures?period=${year}&group=north`);
  const figure = await figureOf(page, 'person_times');
  await page.getByTestId('figure-person_times').click();
  await page.waitForURL(/\/figures\/person_times/);
  expect(Number(await page.getByTestId('drill-figure').innerText())).toBe(figure);
  await shot(page, 'drill-person-times');
  let total = 0;
  let pages = 0;
  for (;;) {
    pages++;
    const values = await page
      .locator('[data-testid=drill] td.figure')
      .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    total += values.reduce((a, v) => a + v, 0);
    const whys = await page.locator('[data-testid=drill] tbody tr td:last-child').allInnerTexts();
    expect(whys.every((w) => w.trim().length > 0)).toBe(true);
    const next = page.getByTestId('next-page');
    if ((await next.count()) === 0) break;
    await Promise.all([page.waitForURL(/cursor=/), next.click()]);
  }
  expect(total).toBe(figure);
  expect(pages).toBeGreaterThanOrEqual(1);
  // A record of the list opens its operation.
  const first = page.locator('[data-testid=drill] tbody tr a').first();
  await Promise.all([page.waitForURL(/\/operations\/\d+/), first.click()]);
});

it('the spreadsheet taken away holds the same numbers as the page', async () => {
  const page = commander.page;
  await page.goto(`/figures?period=${year}&group=north`);
  const ops = await figureOf(page, 'operations');
  const persons = await figureOf(page, 'person_times');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0];
  const valueOf = (name: string) =>
    ws
      .getRows(4, ws.rowCount - 3)!
      .find((r) => r.getCell(1).value === name)!
      .getCell(2).value;
  expect(valueOf(text('zh-CN', 'indicator.operations.name'))).toBe(ops);
  expect(valueOf(text('zh-CN', 'indicator.person_times.name'))).toBe(persons);
});

it('the annual assessment shows each squad’s score and how each part of it was reached; printing leaves the buttons out', async () => {
  const page = commander.page;
  await page.goto(`/figures/assessment?year=${year}`);
  await shot(page, 'assessment');
  const sections = page.locator('section.assessment');
  expect(await sections.count()).toBe(17);
  const first = sections.first();
  // A number, not merely something Number() reads as one (it reads '' as 0).
  expect((await first.locator('.score').innerText()).trim()).toMatch(/^\d+(\.\d)?$/);
  const parts = await first.locator('tbody tr').count();
  expect(parts).toBeGreaterThanOrEqual(5);
  expect((await first.locator('tbody tr td:last-child').allInnerTexts()).every((how) => how.trim().length > 0)).toBe(
    true,
  );
  await page.goto(`/figures?period=${year}`);
  await page.emulateMedia({ media: 'print' });
  expect(await page.getByTestId('export-xlsx').isVisible()).toBe(false);
  await page.emulateMedia({ media: 'screen' });
});
