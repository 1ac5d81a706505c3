import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Locale } from '../../src/i18n';
import { type Officer, PHONE, launchChromium, serveForBrowser, shanghaiLocal, signIn, text } from '../support/browser';
import { loadConfig } from '../../config';
import { boot } from '../../src/bootstrap';
import { ManualClock } from '../../src/clock';
import { createLogger } from '../../src/logger';

/**
 * One joint operation carried through the web pages by the people who do it,
 * each in a browser of their own: the Waitan squad's leader drafts and files
 * the plan, the Duty Command Section approves it, the leader (host squad, so
 * commander, R4) starts and completes it, a Waitan officer logs the day's
 * holding check (R12), and an HQ inspector spot-checks the holding (R14) —
 * in English, after switching the language. At every step each of them sees in
 * their inbox exactly what waits for them.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let dir: string;
let shots: string;
let browser: Browser;
let leader: Officer;
let duty: Officer;
let officer: Officer;
let inspector: Officer;
let id: number;
/** When the commander started it (the month it counts in). */
let startedAt = new Date();

const zh = (key: string) => text('zh-CN', key);
const en = (key: string) => text('en', key);

beforeAll(async () => {
  served = await serveForBrowser('browser');
  ({ baseURL, dir, shots } = served);
  browser = await launchChromium();
  // Three at once: two at their desks, an officer on the street with a phone (the inspector joins later).
  [leader, duty, officer] = await Promise.all([
    signIn(browser, baseURL, 'waitan.leader'),
    signIn(browser, baseURL, 'duty'),
    signIn(browser, baseURL, 'waitan.officer', PHONE),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  // No CSP refusal, no script error, on any page anyone opened.
  const problems = [leader, duty, officer, inspector].filter(Boolean).flatMap((o) => o.problems.splice(0));
  expect(problems).toEqual([]);
});

// ------------------------------------------------------------------ helpers

/** A screenshot, numbered in the order taken: a page whole, or one element (a form). */
let shotCount = 0;
async function shot(page: Page | Locator, name: string): Promise<void> {
  const file = `${String(++shotCount).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: path.join(shots, file), ...('goto' in page ? { fullPage: true } : {}) });
}

/** A refusal the step asked for: its status shows up among the page's problems (the browser reports it a moment after the page), and nothing else does. */
async function takeRefusal(o: Officer, status: number): Promise<void> {
  for (let i = 0; i < 100 && o.problems.length === 0; i++) await o.page.waitForTimeout(20);
  // A form sent by views/public/submit.js (XHR) is refused twice over: the response, then the console's line for it.
  await o.page.waitForTimeout(200);
  const taken = o.problems.splice(0);
  expect(taken.length).toBeGreaterThan(0);
  expect(taken.filter((p) => !p.includes(`${status}`))).toEqual([]);
}

/** Every visible string comes from the dictionaries: a missing key renders as ⟦key⟧. */
async function expectTranslated(page: Page): Promise<void> {
  expect(await page.locator('body').innerText()).not.toContain('⟦');
}

/**
 * Opens the user's inbox and checks it shows exactly these sections, each
 * holding the operation, and the number in the navigation.
 */
async function expectInbox(o: Officer, count: number, sections: string[], locale: Locale = 'zh-CN'): Promise<Page> {
  const { page } = o;
  await page.goto('/');
  expect(await page.locator('h1').innerText()).toBe(text(locale, 'inbox.title'));
  // The calendar's duties (R5 plans, R9 meetings) depend on the day the test runs: they are set aside here.
  const shown = (
    await page.locator('section.inbox-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')))
  ).filter((k) => k !== 'duties');
  const duties = await page.locator('li[data-duty]').count();
  expect({ user: o.username, sections: shown }).toEqual({ user: o.username, sections });
  for (const key of sections) {
    const section = page.locator(`section.inbox-section[data-section="${key}"]`);
    expect(await section.locator('h2').innerText()).toContain(text(locale, `inbox.${key}`));
    expect(await section.locator(`li[data-operation="${id}"]`).count()).toBe(1);
  }
  const badge = page.locator('[data-testid=inbox-count]');
  if (count + duties === 0) {
    expect(await badge.count()).toBe(0);
    expect(await page.locator('[data-testid=inbox-empty]').innerText()).toBe(text(locale, 'inbox.empty'));
  } else {
    expect({ user: o.username, count: await badge.innerText() }).toEqual({
      user: o.username,
      count: String(count + duties),
    });
  }
  await expectTranslated(page);
  return page;
}

/** Opens the operation's page by the action button of its inbox card: the page opens at that action's form. */
async function openFromInbox(o: Officer, section: string, action: string): Promise<Page> {
  const { page } = o;
  const button = page.locator(`section[data-section="${section}"] li[data-operation="${id}"] a.button`);
  expect(await button.getAttribute('href')).toBe(`/operations/${id}#event-${action}`);
  await Promise.all([page.waitForURL((u) => u.pathname === `/operations/${id}`), button.click()]);
  expect(await page.locator(`details#event-${action}`).getAttribute('open')).not.toBeNull();
  return page;
}

/** Nothing wider than the screen, but what scrolls inside its own box (a phone must not scroll sideways). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  expect(
    await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
  ).toBeLessThanOrEqual(0);
}

/** The state badge and the timeline (newest first) of the operation's page. */
async function expectOperation(page: Page, state: string, events: string[], locale: Locale = 'zh-CN'): Promise<void> {
  expect(await page.locator('[data-testid=state]').innerText()).toBe(text(locale, `state.${state}`));
  expect(await page.locator('article.operation').getAttribute('data-state')).toBe(state);
  const items = page.locator('[data-testid=timeline] > li');
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-event')))).toEqual(events);
  expect(await items.first().innerText()).toContain(text(locale, `event_done.${events[0]}`));
  await expectTranslated(page);
}

/** Which event forms the page offers this user. */
async function forms(page: Page): Promise<string[]> {
  return page
    .locator('details.event-form form')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-event') ?? ''));
}

/** Opens an event's form, lets `fill` type into it, sends it and waits for the operation's page to come back. */
async function send(
  page: Page,
  type: string,
  fill: (form: Locator) => Promise<void> = async () => undefined,
): Promise<void> {
  const details = page.locator(`details#event-${type}`);
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  const form = details.locator('form');
  await fill(form);
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/operations/${id}` && u.searchParams.get('done') === type.toLowerCase()),
    form.locator('button[type=submit]').click(),
  ]);
  expect(await page.locator('.flash-ok').innerText()).toBe(
    text((await page.locator('html').getAttribute('lang')) as Locale, `done.${type.toLowerCase()}`),
  );
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

// ------------------------------------------------------------------ the operation

describe('a joint operation, through the web pages, from draft to holding, and the flag that follows', () => {
  step('everyone signs in to an empty inbox', async () => {
    expect(await leader.page.locator('[data-testid=me]').innerText()).toContain('外滩中队领导');
    await expectInbox(leader, 0, []);
    await expectInbox(duty, 0, []);
    await expectInbox(officer, 0, []);
    await shot(leader.page, 'inbox-leader-empty');
  });

  step('the Waitan leader drafts the plan as an operations order', async () => {
    const page = leader.page;
    // The plan form is in the operations menu (issue 12): open it, then follow the link.
    await page.locator('nav.main-nav details[data-section=operations] > summary').click();
    await page.locator('nav.main-nav a[href="/operations/new"]').click();
    await page.waitForURL('**/operations/new');
    expect(await page.locator('h1').innerText()).toBe(zh('plan.new_title'));
    // The leader's own squad leads and hosts, in its own group, by default.
    expect(await page.locator('select[name=group]').inputValue()).toBe('north');
    expect(await page.locator('select[name=leadSquad]').inputValue()).toBe('waitan');
    expect(await page.locator('select[name=hostSquad]').inputValue()).toBe('waitan');
    expect(await page.locator('#sq-waitan').isChecked()).toBe(true);

    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    await page.locator('input[name=title]').fill('中山东一路无证设摊联合整治');
    await page.locator('select[name=problemSource]').selectOption('hotspot');
    await page.locator('input[name=location]').fill('中山东一路（延安东路—南京东路）');
    await page.locator('textarea[name=situation]').fill('节假日外滩沿线无证设摊反复出现，市民 12319 投诉集中。');
    await page.locator('textarea[name=mission]').fill('清理无证摊点，教育整改不少于 30 起。');
    await page.locator('input[name=plannedStart]').fill(`${shanghaiLocal(tomorrow).slice(0, 10)}T17:00`);
    await page.locator('input[name=plannedHours]').fill('4');
    await page.locator('textarea[name=execution]').fill('外滩中队守中山东一路，南京东路中队守南京东路口。');
    await page.locator('#sq-nanjingdonglu').check();
    await page.locator('input[name="forces[waitan][officers]"]').fill('6');
    await page.locator('input[name="forces[waitan][vehicles]"]').fill('2');
    await page.locator('input[name="forces[nanjingdonglu][officers]"]').fill('4');
    await page.locator('input[name="forces[nanjingdonglu][vehicles]"]').fill('1');
    await page.locator('textarea[name=command]').fill('外滩中队领导任现场指挥，对讲机 3 频道。');
    // The contingency plan (R11) is forgotten: a draft may be incomplete.
    await page.locator('textarea[name=goodsArrangements]').fill('暂扣物品由外滩中队登记保管，当场开具清单。');
    await page.locator('textarea[name=holdingPlan]').fill('行动后 7 天，每天 16–20 时两人定岗。');
    await expectTranslated(page);
    await shot(page, 'plan-form-filled');

    // The checklist says what filing will still want: the contingency plan (R11).
    expect(
      await page.locator('[data-testid=filing-checklist] li[data-check="section.contingency"]').getAttribute('data-ok'),
    ).toBe('false');
    await Promise.all([
      page.waitForURL(/\/operations\/\d+\?done=created$/),
      page.locator('form.plan-form button[value=save]').click(),
    ]);
    id = Number(new URL(page.url()).pathname.split('/').pop());
    expect(id).toBeGreaterThan(0);
    expect(await page.locator('.flash-ok').innerText()).toBe(zh('done.created'));
    await expectOperation(page, 'draft', ['CREATE']);
    expect(await forms(page)).toEqual(['FILE', 'CANCEL']);
    // Cancelling asks once more, in the page's language.
    expect(await page.locator('form[data-event=CANCEL] button[type=submit]').getAttribute('data-confirm')).toBe(
      '确定要撤销吗？',
    );
    await shot(page, 'operation-draft');

    await expectInbox(leader, 1, ['drafts']);
    await expectInbox(duty, 0, []);
  });

  step('filing is refused for the missing contingency plan; the leader adds it and files', async () => {
    const page = await openFromInbox(leader, 'drafts', 'FILE');
    await Promise.all([
      // The refused form comes back in place (views/public/submit.js): the address stays the operation's.
      page.waitForResponse((r) => new URL(r.url()).pathname === `/operations/${id}/events/FILE`),
      page.locator('form[data-event=FILE] button[type=submit]').click(),
    ]);
    await takeRefusal(leader, 422);
    // The FILE form has no fields of its own: the problem names the plan's field.
    expect(await page.locator('form[data-event=FILE] [data-testid=form-problems]').innerText()).toBe('应急预案：必填');
    await expectOperation(page, 'draft', ['CREATE']);
    await shot(page, 'file-refused');

    await Promise.all([
      page.waitForURL(`**/operations/${id}/edit`),
      page.locator(`a[href="/operations/${id}/edit"]`).click(),
    ]);
    expect(await page.locator('h1').innerText()).toContain(zh('plan.edit_title'));
    expect(await page.locator('input[name=title]').inputValue()).toBe('中山东一路无证设摊联合整治');
    await page.locator('textarea[name=contingency]').fill('遇辱骂、围攻立即固定证据，撤离并报警。');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/operations/${id}` && u.searchParams.get('done') === 'edited'),
      page.locator('form.plan-form button[value=save]').click(),
    ]);
    expect(await page.locator('[data-testid=filing-checklist]').getAttribute('data-ready')).toBe('true');
    await expectOperation(page, 'draft', ['EDIT_PLAN', 'CREATE']);

    await send(page, 'FILE');
    await expectOperation(page, 'filed', ['FILE', 'EDIT_PLAN', 'CREATE']);
    // Filed: the lead squad can no longer act on it, and it has the brigade's number for the year.
    expect(await forms(page)).toEqual([]);
    expect(await page.locator('[data-testid=plan-number]').innerText()).toMatch(/^〔\d{4}〕第 \d+ 号$/);

    await expectInbox(leader, 0, []);
    await expectInbox(officer, 0, []);
    await expectInbox(duty, 1, ['to_decide']);
    await shot(duty.page, 'inbox-duty-to-decide');
  });

  step('the duty officer approves it, and it waits for its commander, the host squad’s leader', async () => {
    const page = await openFromInbox(duty, 'to_decide', 'APPROVE');
    expect(await forms(page)).toEqual(['APPROVE', 'RETURN', 'CANCEL']);
    await send(page, 'APPROVE', (form) => form.locator('textarea[name=note]').fill('同意，注意游客安全。'));
    await expectOperation(page, 'approved', ['APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE']);
    expect(await page.locator('[data-testid=timeline] > li').first().innerText()).toContain('同意，注意游客安全。');

    await expectInbox(duty, 0, []);
    await expectInbox(leader, 1, ['to_start']);
    await shot(leader.page, 'inbox-leader-to-start');
  });

  step('the commander starts it at once, a day early: refused until the early start says why', async () => {
    const page = await openFromInbox(leader, 'to_start', 'START');
    // Planned for tomorrow 17:00: beginning now needs a reason (R6), and the form keeps what was typed.
    startedAt = new Date();
    const now = shanghaiLocal(startedAt);
    let form = page.locator('form[data-event=START]');
    await Promise.all([
      // The refused form comes back in place (views/public/submit.js): the address stays the operation's.
      page.waitForResponse((r) => new URL(r.url()).pathname === `/operations/${id}/events/START`),
      form.locator('button[type=submit]').click(),
    ]);
    await takeRefusal(leader, 422);
    form = page.locator('form[data-event=START]');
    expect(await form.locator('[data-error-for=earlyReason]').innerText()).toContain('小时');
    await send(page, 'START', (f) =>
      f.locator('textarea[name=earlyReason]').fill('摊贩提前聚集，经勤务指挥科同意提前出动。'),
    );
    await expectOperation(page, 'in_progress', ['START', 'APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE']);
    expect(await page.locator('[data-testid=timeline] > li').first().innerText()).toContain(now.slice(0, 10));
    expect(await page.locator('[data-testid=early-start]').count()).toBe(1);
    await shot(page, 'operation-in-progress');

    await expectInbox(leader, 1, ['to_complete']);
    await expectInbox(duty, 0, []);
  });

  step(
    'the commander completes it with each squad’s results (cut short by rain: it says why and does not count); the host squad starts holding',
    async () => {
      const page = await openFromInbox(leader, 'to_complete', 'COMPLETE');
      await send(page, 'COMPLETE', async (form) => {
        const results = { waitan: ['6', '2', '21', '3'], nanjingdonglu: ['4', '1', '12', '1'] };
        const rows = form.locator('fieldset.results tbody tr');
        expect(await rows.count()).toBe(2);
        for (const [i, values] of Object.values(results).entries()) {
          for (const [k, field] of ['officers', 'vehicles', 'educated', 'handled'].entries()) {
            await form.locator(`input[name="results[${i}][${field}]"]`).fill(values[k]);
          }
        }
        // R13: goods detained are not typed — each squad's is what its goods ledger holds (none registered here).
        expect(await form.locator('[data-testid=ledger-goods] output').allInnerTexts()).toEqual(['0', '0']);
        await form.locator('textarea[name=shortReason]').fill('突降暴雨，提前收队。');
        await form.locator('textarea[name=summary]').fill('清理无证摊点 33 处。');
        await shot(form, 'complete-form');
      });
      await expectOperation(page, 'holding', ['COMPLETE', 'START', 'APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE']);
      expect(await page.locator('[data-testid=counts]').innerText()).toBe(zh('operation.not_counting'));
      const totals = await page.locator('section.forces tfoot td').allInnerTexts();
      expect(totals.filter((t) => t !== '')).toEqual(['10', '3', '33', '4', '0']);
      await shot(page, 'operation-holding');

      // R12: the host squad — its leader and its officers — owes today's holding check.
      await expectInbox(leader, 1, ['holding_checks']);
      await expectInbox(officer, 1, ['holding_checks']);
      await expectNoSidewaysScroll(officer.page);
      await shot(officer.page, 'phone-inbox-officer');
      await expectInbox(duty, 0, []);
    },
  );

  step('a Waitan officer, on the phone, logs today’s holding check; it leaves the squad’s inboxes', async () => {
    const page = await openFromInbox(officer, 'holding_checks', 'LOG_HOLDING_CHECK');
    expect(await forms(page)).toEqual(['LOG_HOLDING_CHECK']);

    // Sent without the officers on post: refused, the field marked, what was typed kept.
    let form = page.locator('form[data-event=LOG_HOLDING_CHECK]');
    await form.locator('textarea[name=notes]').fill('中山东一路未见回潮。');
    await Promise.all([
      // The refused form comes back in place (views/public/submit.js): the address stays the operation's.
      page.waitForResponse((r) => new URL(r.url()).pathname === `/operations/${id}/events/LOG_HOLDING_CHECK`),
      form.locator('button[type=submit]').click(),
    ]);
    await takeRefusal(officer, 400);
    expect(await page.locator('[data-testid=form-banner]').innerText()).toBe(zh('form.fix_fields'));
    form = page.locator('form[data-event=LOG_HOLDING_CHECK]');
    expect(await form.locator('[data-error-for=officersOnPost]').innerText()).toBe(zh('validation.required'));
    expect(await form.locator('textarea[name=notes]').inputValue()).toBe('中山东一路未见回潮。');
    expect(await page.locator('[data-testid=inbox-count]').innerText()).toBe('1');
    // The language switch of this answer leads back to the operation's page (the post's address has none).
    expect(await page.locator('[data-testid=lang-en]').getAttribute('href')).toBe(
      `/lang/en?next=${encodeURIComponent(`/operations/${id}`)}`,
    );
    await expectOperation(page, 'holding', ['COMPLETE', 'START', 'APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE']);
    await shot(page, 'phone-holding-check-refused');

    await send(page, 'LOG_HOLDING_CHECK', async (form) => {
      await form.locator('input[name=officersOnPost]').fill('2');
      await expectNoSidewaysScroll(page);
      await shot(form, 'phone-holding-check-form');
    });
    await expectOperation(page, 'holding', [
      'LOG_HOLDING_CHECK',
      'COMPLETE',
      'START',
      'APPROVE',
      'FILE',
      'EDIT_PLAN',
      'CREATE',
    ]);
    expect(await page.locator('section.holding .records li').count()).toBe(1);
    await expectNoSidewaysScroll(page);
    await shot(page, 'phone-operation-holding');

    await expectInbox(officer, 0, []);
    await expectInbox(leader, 0, []);
  });

  step('an HQ inspector, in English, finds the holding to spot-check and records it', async () => {
    inspector = await signIn(browser, baseURL, 'inspector');
    await expectInbox(inspector, 1, ['spot_checks']);
    await shot(inspector.page, 'inbox-inspector-zh');

    // The language switch: once, for this browser only.
    const page = inspector.page;
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.locator('[data-testid=lang-en]').click()]);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('nav.main-nav a[href="/"]').innerText()).toContain(en('nav.inbox'));
    expect(await page.locator('[data-testid=lang-zh]').innerText()).toBe('中文');
    await expectInbox(inspector, 1, ['spot_checks'], 'en');
    await shot(page, 'inbox-inspector-en');

    await openFromInbox(inspector, 'spot_checks', 'SPOT_CHECK');
    await expectOperation(
      page,
      'holding',
      ['LOG_HOLDING_CHECK', 'COMPLETE', 'START', 'APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE'],
      'en',
    );
    expect(await forms(page)).toEqual(['SPOT_CHECK']);
    expect(await page.locator('details#event-SPOT_CHECK summary').innerText()).toBe(en('event.SPOT_CHECK'));
    await send(page, 'SPOT_CHECK', (form) =>
      form.locator('textarea[name=findings]').fill('Two officers on post at 17:30; no stalls back.'),
    );
    await expectOperation(
      page,
      'holding',
      ['SPOT_CHECK', 'LOG_HOLDING_CHECK', 'COMPLETE', 'START', 'APPROVE', 'FILE', 'EDIT_PLAN', 'CREATE'],
      'en',
    );
    await shot(page, 'operation-holding-en');

    // Holding goes on until its period is over (then the oversight job sends HOLDING_ELAPSED): still to spot-check.
    await expectInbox(inspector, 1, ['spot_checks'], 'en');
    // The others were not switched: their browsers stay in Chinese.
    await expectInbox(leader, 0, []);
  });

  step('the list shows it, and the operation page prints as a document', async () => {
    const page = leader.page;
    await page.locator('nav.main-nav details[data-section=operations] > summary').click();
    await page.locator('nav.main-nav a[href="/operations"]').click();
    await page.waitForURL('**/operations');
    const row = page.locator(`table.list tr[data-operation="${id}"]`);
    expect(await row.locator('.state').innerText()).toBe(zh('state.holding'));
    await expectTranslated(page);
    await shot(page, 'list');

    await page.goto(`/operations/${id}`);
    await expectOperation(page, 'holding', [
      'SPOT_CHECK',
      'LOG_HOLDING_CHECK',
      'COMPLETE',
      'START',
      'APPROVE',
      'FILE',
      'EDIT_PLAN',
      'CREATE',
    ]);
    await page.emulateMedia({ media: 'print' });
    // Printed: the order and the after-action review, without navigation, forms or diagram.
    for (const hidden of ['.site-header', 'section.actions', 'section.diagram'])
      expect(await page.locator(hidden).isVisible()).toBe(false);
    expect(await page.locator('section.forces').isVisible()).toBe(true);
    await shot(page, 'operation-print');
    await page.emulateMedia({ media: 'screen' });
  });

  step('on a phone, no page of the leader’s scrolls sideways', async () => {
    const page = leader.page;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [address, name] of [
      ['/', 'inbox'],
      ['/operations', 'list'],
      ['/operations/new', 'plan-form'],
      [`/operations/${id}`, 'operation'],
    ]) {
      await page.goto(address);
      await expectNoSidewaysScroll(page);
      await shot(page, `phone-${name}`);
    }
  });

  step(
    'when the month is over, the check finds the north group one operation short; the duty officer resolves the flag with a note',
    async () => {
      // The monthly-minimum job runs where the scheduler runs it (here, a second instance on the same
      // database, its clock at the start of next month), and raises the flag the pages then show.
      // The month the operation began in (Shanghai time).
      const month = shanghaiLocal(startedAt).slice(0, 7);
      const [y, mo] = month.split('-').map(Number);
      const next = `${mo === 12 ? y + 1 : y}-${String(mo === 12 ? 1 : mo + 1).padStart(2, '0')}`;
      const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'browser.sqlite')}`, SEED_DEMO: '0' });
      const jobs = await boot(config, {
        clock: new ManualClock(new Date(`${next}-01T02:10:00+08:00`)),
        logger: createLogger({ silent: true }),
        seed: false,
      });
      try {
        // The brigade has used Liandong for years (R6: months from its since month on are judged).
        await jobs.db.transaction((m) =>
          m.query('UPDATE brigades SET created_at = ?, since = ?', ['2020-01-01 00:00:00.000', '2020-01']),
        );
        const run = await jobs.jobs.run('monthly-minimum', { via: 'cli', period: month });
        expect(run.status).toBe('ok');
      } finally {
        await jobs.db.close();
      }

      const page = duty.page;
      await page.goto('/flags');
      const flag = page.locator('li.flag', { hasText: '北片' });
      expect(await flag.innerText()).toContain(zh('flag_kind.monthly_minimum'));
      expect(await flag.innerText()).toMatch(
        /北片本月达标联动 0 次，应不少于 2 次；.+不计入：实际 \d+(\.\d+)? 小时，不足 4 小时/,
      );
      const before = Number(await page.locator('[data-testid=flag-count]').innerText());
      await shot(page, 'flags');
      await Promise.all([page.waitForURL(/\/flags\/\d+$/), flag.locator('a').first().click()]);
      const form = page.locator('[data-testid=resolve-form]');
      await Promise.all([page.waitForURL(/\/flags\/\d+$/), form.locator('button[type=submit]').click()]);
      // Without a note it is refused, the note marked .
      expect(await page.locator('[data-error-for=note]').innerText()).toBe(zh('problem.required'));
      await takeRefusal(duty, 400);
      await form.locator('textarea[name=note]').fill('北片本月另有进博会保障任务，经总指挥同意，下月补足');
      await Promise.all([page.waitForURL(/\/flags\/\d+$/), form.locator('button[type=submit]').click()]);
      expect(await page.locator('[data-testid=flag-status]').innerText()).toBe(zh('flag_status.resolved'));
      expect(await page.locator('body').innerText()).toContain('北片本月另有进博会保障任务');
      const after = (await page.locator('[data-testid=flag-count]').count())
        ? Number(await page.locator('[data-testid=flag-count]').innerText())
        : 0;
      expect(after).toBe(before - 1);
      await expectTranslated(page);
      await shot(page, 'flag-resolved');
      // The compliance view shows the month missed, with the resolved flag.
      await page.goto('/compliance');
      expect(
        await page.locator(`tr[data-group="north"] td[data-month="${month}"]`).getAttribute('data-status'),
      ).toMatch(/missed|open/);
      await shot(page, 'compliance');
    },
  );
});
