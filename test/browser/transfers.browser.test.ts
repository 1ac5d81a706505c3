import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Officer, launchChromium, serveForBrowser, signIn, text } from '../support/browser';

/**
 * One case transfer (R10) carried through the web pages by the people who do
 * it, each in a browser of their own: the Waitan squad's leader registers a
 * case and proposes to transfer it to Nanjing East Road — first without the
 * inquiry record, which is refused with the row named and the rest kept — the
 * receiving squad's leader disputes it from their inbox, and the legal section
 * designates the Yuyuan squad, which then handles the case.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
let sender: Officer;
let receiver: Officer;
let legal: Officer;
let transferId: number;
let caseId: number;

const zh = (key: string) => text('zh-CN', key);
const REFERENCE = '黄浦城管〔2026〕第0815号';

beforeAll(async () => {
  // The demo history is left out: the inboxes show this transfer alone.
  served = await serveForBrowser('browser-transfers', { DEMO_HISTORY_MONTHS: '0' });
  ({ baseURL, shots } = served);
  browser = await launchChromium();
  [sender, receiver, legal] = await Promise.all([
    signIn(browser, baseURL, 'waitan.leader'),
    signIn(browser, baseURL, 'nanjingdonglu.leader'),
    signIn(browser, baseURL, 'legal'),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  const problems = [sender, receiver, legal].filter(Boolean).flatMap((o) => o.problems.splice(0));
  expect(problems).toEqual([]);
});

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(shots, `transfer-${String(++shotCount).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/** A refusal the step asked for: its status shows up among the page's problems, and nothing else does. */
async function takeRefusal(o: Officer, status: number): Promise<void> {
  for (let i = 0; i < 100 && o.problems.length === 0; i++) await o.page.waitForTimeout(20);
  // A form sent by views/public/submit.js (XHR) is refused twice over: the response, then the console's line for it.
  await o.page.waitForTimeout(200);
  const taken = o.problems.splice(0);
  expect(taken.length).toBeGreaterThan(0);
  expect(taken.filter((p) => !p.includes(`${status}`))).toEqual([]);
}

async function expectTransfer(page: Page, state: string): Promise<void> {
  expect(await page.locator('article.transfer').getAttribute('data-state')).toBe(state);
  expect(await page.locator('[data-testid=state]').innerText()).toBe(zh(`transfer.state.${state}`));
  expect(await page.locator('body').innerText()).not.toContain('⟦');
}

describe('a case transfer through dispute and designation, in the browser (R10)', () => {
  it('the sending squad’s leader registers the case', async () => {
    const { page } = sender;
    await page.goto('/cases/new');
    await page.locator('input[name=reference]').fill(REFERENCE);
    await page.locator('select[name=partyKind]').selectOption('stall');
    await page.locator('input[name=partyName]').fill('流动摊贩王某');
    await page.locator('input[name=location]').fill('河南中路南京东路口');
    await page.locator('textarea[name=violation]').fill('占道经营，流动至南京东路中队辖区');
    await Promise.all([page.waitForURL(/\/cases\/\d+/), page.locator('form.case-form button[type=submit]').click()]);
    caseId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(await page.locator('[data-testid=handling-squad]').innerText()).toBe('外滩中队');
    await shot(page, 'case');
  });

  it('a package missing the inquiry record is refused, the row named and everything typed kept; complete, it is proposed', async () => {
    const { page } = sender;
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/transfers/new'),
      page.locator('[data-testid=propose-transfer]').click(),
    ]);
    await page.locator('select[name=toSquad]').selectOption('nanjingdonglu');
    for (const code of ['inspection_record', 'photos_video', 'evidence_list', 'transfer_letter'])
      await page.locator(`input[name="materials[${code}][count]"]`).fill('1');
    await page.locator('input[name="materials[photos_video][description]"]').fill('照片 12 张');
    await page.locator('textarea[name=note]').fill('违法行为持续发生在南京东路中队辖区');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/transfers'),
      page.locator('form.transfer-form button[type=submit]').click(),
    ]);
    await takeRefusal(sender, 422);
    expect(await page.locator('[data-error-for="materials.inquiry_record"]').innerText()).toContain(
      zh('material.inquiry_record').slice(0, 2),
    );
    expect(await page.locator('input[name="materials[photos_video][description]"]').inputValue()).toBe('照片 12 张');
    expect(await page.locator('select[name=toSquad]').inputValue()).toBe('nanjingdonglu');
    expect(await page.locator('textarea[name=note]').inputValue()).toBe('违法行为持续发生在南京东路中队辖区');
    await shot(page, 'package-refused');
    await page.locator('input[name="materials[inquiry_record][count]"]').fill('2');
    await Promise.all([
      page.waitForURL(/\/transfers\/\d+/),
      page.locator('form.transfer-form button[type=submit]').click(),
    ]);
    transferId = Number(new URL(page.url()).pathname.split('/').pop());
    await expectTransfer(page, 'proposed');
    expect(await page.locator('[data-testid=clock]').getAttribute('data-light')).toBe('green');
    expect(
      await page.locator('form[data-event]').evaluateAll((f) => f.map((x) => x.getAttribute('data-event'))),
    ).toEqual(['WITHDRAW']);
  });

  it('the receiving squad’s leader finds it in the inbox and disputes it with a reason', async () => {
    const { page } = receiver;
    await page.goto('/');
    const card = page.locator(`section[data-section=transfers] li[data-transfer="${transferId}"]`);
    expect(await card.locator('.card-title').innerText()).toBe(REFERENCE);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/transfers/${transferId}`),
      card.locator('a.button').click(),
    ]);
    expect(await page.locator('details#event-ACCEPT').getAttribute('open')).not.toBeNull();
    await page.locator('details#event-DISPUTE summary').click();
    await page.locator('details#event-DISPUTE textarea[name=reason]').fill('经核查，行为发生地属豫园中队辖区');
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=dispute')),
      page.locator('form[data-event=DISPUTE] button[type=submit]').click(),
    ]);
    await expectTransfer(page, 'disputed');
    expect(await page.locator('[data-testid=dispute-reason]').innerText()).toContain('豫园中队辖区');
    expect(await page.locator('form[data-event]').count()).toBe(0);
    await shot(page, 'disputed');
  });

  it('the legal section designates the Yuyuan squad, which then handles the case', async () => {
    const { page } = legal;
    await page.goto('/');
    const card = page.locator(`section[data-section=transfers] li[data-transfer="${transferId}"]`);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/transfers/${transferId}`),
      card.locator('a.button').click(),
    ]);
    expect(await page.locator('details#event-DESIGNATE').getAttribute('open')).not.toBeNull();
    // A designation without a squad is refused, the reason kept.
    await page.locator('form[data-event=DESIGNATE] textarea[name=reason]').fill('依据属地管辖原则');
    await Promise.all([
      // The refused form comes back in place (views/public/submit.js): the address stays the transfer's.
      page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/events/DESIGNATE')),
      page.locator('form[data-event=DESIGNATE] button[type=submit]').click(),
    ]);
    await takeRefusal(legal, 400);
    await page.locator('[data-error-for=squad]').waitFor();
    expect(await page.locator('[data-error-for=squad]').count()).toBe(1);
    expect(await page.locator('form[data-event=DESIGNATE] textarea[name=reason]').inputValue()).toBe(
      '依据属地管辖原则',
    );
    await page.locator('form[data-event=DESIGNATE] select[name=squad]').selectOption('yuyuan');
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=designate')),
      page.locator('form[data-event=DESIGNATE] button[type=submit]').click(),
    ]);
    await expectTransfer(page, 'designated');
    expect(await page.locator('[data-testid=designated-squad]').innerText()).toContain('豫园中队');
    expect(await page.locator('[data-testid=handling-squad]').innerText()).toBe('豫园中队');
    const timeline = await page
      .locator('[data-testid=timeline] > li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
    expect(timeline).toEqual(['DESIGNATE', 'DISPUTE', 'CREATE']);
    await shot(page, 'designated');
  });

  it('the sender sees the case moved, with its history of transfers', async () => {
    const { page } = sender;
    await page.goto(`/cases/${caseId}`);
    expect(await page.locator('[data-testid=handling-squad]').innerText()).toBe('豫园中队');
    expect(await page.locator('[data-testid=propose-transfer]').count()).toBe(0);
    expect(await page.locator(`[data-testid=case-transfers] li[data-transfer="${transferId}"]`).innerText()).toContain(
      zh('transfer.state.designated'),
    );
    await page.goto('/transfers?state=designated');
    expect(await page.locator(`tr[data-transfer="${transferId}"]`).count()).toBe(1);
  });
});
