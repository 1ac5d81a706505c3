import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Officer, launchChromium, serveForBrowser, shanghaiLocal, signIn, text } from '../support/browser';

/**
 * The plan form as a squad leader meets it (issue 10): a "ready to file"
 * checklist that follows the writing, 保存并报备 refused in one pass with every
 * problem beside its field and nothing typed lost, then filed in one step with
 * the brigade's number.
 */
let served: Awaited<ReturnType<typeof serveForBrowser>>;
let browser: Browser;
let leader: Officer;
let shots: string;

const zh = (key: string) => text('zh-CN', key);

beforeAll(async () => {
  served = await serveForBrowser('plan-form', { JOBS: '0', DEMO_HISTORY_MONTHS: '0' });
  shots = served.shots;
  browser = await launchChromium();
  leader = await signIn(browser, served.baseURL, 'waitan.leader');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const line = (page: Page, key: string) => page.locator(`[data-testid=filing-checklist] li[data-check="${key}"]`);
const error = (page: Page, field: string) => page.locator(`form.plan-form [data-error-for="${field}"]`);

describe('the plan form: checklist, one-pass refusal, save and file', () => {
  it('shows what filing will ask, refuses in one pass with every problem beside its field, and files in one step', async () => {
    const page = leader.page;
    await page.goto('/operations/new');
    // A new plan: the checklist lists every rule filing checks, the sections still to write among them.
    expect(await line(page, 'section.holdingPlan').getAttribute('data-ok')).toBe('false');
    expect(await line(page, 'plannedHours').getAttribute('data-ok')).toBe('true');

    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    await page.locator('input[name=title]').fill('河南中路夜市占道整治');
    await page.locator('select[name=problemSource]').selectOption('community');
    await page.locator('input[name=location]').fill('河南中路（福州路—广东路）');
    await page.locator('textarea[name=situation]').fill('夜市摊位占用人行道，居民反映强烈。');
    await page.locator('textarea[name=mission]').fill('清理占道摊位，恢复人行道通行。');
    await page.locator('input[name=plannedStart]').fill(`${shanghaiLocal(tomorrow).slice(0, 10)}T19:00`);
    // Too short (R6), and two sections left empty.
    await page.locator('input[name=plannedHours]').fill('3');
    await page.locator('textarea[name=execution]').fill('两个岗点，19:00—23:00。');
    await page.locator('#sq-nanjingdonglu').check();
    await page.locator('input[name="forces[waitan][officers]"]').fill('5');
    await page.locator('input[name="forces[nanjingdonglu][officers]"]').fill('3');
    await page.locator('textarea[name=command]').fill('外滩中队领导现场指挥。');
    await page.locator('textarea[name=goodsArrangements]').fill('暂扣物品由外滩中队保管。');
    // The checklist follows the writing of a section at once.
    const contingency = line(page, 'section.contingency');
    expect(await contingency.getAttribute('data-ok')).toBe('false');
    await page.locator('textarea[name=contingency]').fill('遇围攻立即撤离');
    expect(await contingency.getAttribute('data-ok')).toBe('true');
    await page.locator('textarea[name=contingency]').fill('');
    expect(await contingency.getAttribute('data-ok')).toBe('false');
    await page.screenshot({ path: path.join(shots, '01-plan-form-checklist.png'), fullPage: true });

    // 保存并报备: refused, every problem beside its field at once, nothing typed lost, nothing saved.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/operations'),
      page.locator('[data-testid=save-and-file]').click(),
    ]);
    expect(await page.locator('[data-testid=form-banner]').innerText()).toBe(zh('form.fix_fields'));
    expect(await error(page, 'contingency').innerText()).toBe(zh('problem.required'));
    expect(await error(page, 'holdingPlan').innerText()).toBe(zh('problem.required'));
    expect(await error(page, 'plannedHours').innerText()).toContain('4');
    expect(await error(page, 'title').count()).toBe(0);
    expect(await page.locator('input[name=title]').inputValue()).toBe('河南中路夜市占道整治');
    expect(await page.locator('textarea[name=mission]').inputValue()).toBe('清理占道摊位，恢复人行道通行。');
    expect(await page.locator('input[name=plannedHours]').inputValue()).toBe('3');
    expect(await line(page, 'plannedHours').getAttribute('data-ok')).toBe('false');
    // Words from the dictionaries, never a code or a rule id.
    const errors = await page.locator('form.plan-form .field-error').allInnerTexts();
    expect(errors.filter((e) => /required|_|R\d|§/.test(e))).toEqual([]);
    await page.screenshot({ path: path.join(shots, '02-plan-form-refused.png'), fullPage: true });

    // Mended, then saved and filed in one step: filed, with the brigade's number for the year.
    await page.locator('input[name=plannedHours]').fill('4');
    await page.locator('textarea[name=contingency]').fill('遇阻碍执法立即报告指挥，联系属地派出所。');
    await page.locator('textarea[name=holdingPlan]').fill('行动后七天，每晚两人定岗。');
    await Promise.all([
      page.waitForURL(
        (u) => /^\/operations\/\d+$/.test(u.pathname) && u.searchParams.get('done') === 'saved_and_filed',
      ),
      page.locator('[data-testid=save-and-file]').click(),
    ]);
    expect(await page.locator('.flash-ok').innerText()).toBe(zh('done.saved_and_filed'));
    expect(await page.locator('[data-testid=state]').innerText()).toBe(zh('state.filed'));
    expect(await page.locator('[data-testid=plan-number]').innerText()).toMatch(/^〔\d{4}〕第 \d+ 号$/);
    await page.screenshot({ path: path.join(shots, '03-plan-filed.png'), fullPage: true });

    // Filed: no edit form any more; the page says why.
    const id = new URL(page.url()).pathname.split('/').pop();
    await page.goto(`/operations/${id}/edit`);
    expect(await page.locator('[data-testid=plan-locked]').innerText()).toContain(zh('plan.locked_filed'));
    expect(await page.locator('form.plan-form').count()).toBe(0);
    expect(leader.problems.splice(0).filter((p) => !/\b(400|409|422)\b/.test(p))).toEqual([]);
  });
});
