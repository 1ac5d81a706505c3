import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import {
  type Officer,
  PHONE,
  launchChromium,
  serveForBrowser,
  signIn,
  text,
  apiCall,
  cliToken,
} from '../support/browser';
import { ManualClock } from '../../src/clock';
import { createServices } from '../../src/container';
import { createLogger } from '../../src/logger';
import { openDatabase } from '../../src/persistence/data-source';
import { testConfig } from '../support/db';

/**
 * Issue 13, in real headless Chromium on a phone: a Waitan squad leader, in
 * the street, logs today's holding check with a photo taken with the phone's
 * camera (set on the file input); the photo's thumbnail shows on the
 * operation's page and beside the step in its history; when holding is over,
 * the HQ inspector sees it, under its day, in the audit form.
 */

let served: Awaited<ReturnType<typeof serveForBrowser>>;
let baseURL: string;
let shots: string;
let browser: Browser;
let leader: Officer;
let inspector: Officer | undefined;
let operationId: number;
let env: Record<string, string>;
let photoPath: string;

const zh = (key: string) => text('zh-CN', key);
const HOLDING_DAYS = 1;

const api = (token: string, method: string, url: string, body?: unknown) => apiCall(baseURL, token, method, url, body);
const tokenOf = (username: string) => cliToken(env, username);

/** A phone photo: 3000 × 2000, with the time it was taken in its EXIF (an hour ago, Shanghai time). */
async function phonePhoto(): Promise<Buffer> {
  const taken = new Date(Date.now() - 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 19);
  const exifTime = taken.replace('T', ' ').replace(/-/g, ':');
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#4a7' } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: 'Liandong', Model: 'Test phone' }, IFD2: { DateTimeOriginal: exifTime } })
    .toBuffer();
}

/**
 * The oversight job's step, from outside the server: holding is over. The
 * server runs on the real clock; the holding period ends a day from now, so
 * the step is sent through the engine on a clock a little past the deadline
 * (what `job run holding` does once the day has passed).
 */
async function holdingElapses(id: number): Promise<void> {
  const config = testConfig(`sqlite:${path.join(served.dir, 'evidence.sqlite')}`);
  const db = await openDatabase(config);
  try {
    const clock = new ManualClock(new Date(Date.now() + (HOLDING_DAYS + 1) * 86_400_000).toISOString());
    const services = createServices(config, db, clock, createLogger({ silent: true }));
    const brigade = await services.org.brigadeByCode('huangpu');
    await services.engine.send(services.workflows.operation, id, services.org.systemActor(brigade), {
      type: 'HOLDING_ELAPSED',
    });
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  const quiet = { JOBS: '0', DEMO_HISTORY_MONTHS: '0' };
  served = await serveForBrowser('evidence', quiet);
  ({ baseURL, shots } = served);
  env = {
    DATABASE_URL: `sqlite:${path.join(served.dir, 'evidence.sqlite')}`,
    SCRYPT_COST: '1024',
    NODE_ENV: 'test',
    ...quiet,
  };
  photoPath = path.join(served.dir, 'IMG_20261206_101500.jpg');
  fs.writeFileSync(photoPath, await phonePhoto());
  // The operation has just ended: filed, approved, started and completed through the API; holding has begun.
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
    holdingDays: HOLDING_DAYS,
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
    holdingPlan: '行动后每晚两人定岗',
  });
  operationId = op.id as number;
  const send = (token: string, body: Record<string, unknown>) =>
    api(token, 'POST', `/api/v1/operations/${operationId}/events`, body);
  await send(leaderToken, { type: 'FILE', expectedVersion: 1 });
  await send(dutyToken, { type: 'APPROVE', expectedVersion: 2 });
  await send(leaderToken, { type: 'START', expectedVersion: 3 });
  await send(leaderToken, {
    type: 'COMPLETE',
    expectedVersion: 4,
    shortReason: '下雨提前收队',
    results: ['waitan', 'nanjingdonglu'].map((squad) => ({
      squad,
      officers: 4,
      vehicles: 1,
      educated: 3,
      handled: 1,
      goodsDetained: 0,
    })),
  });
  browser = await launchChromium();
  leader = await signIn(browser, baseURL, 'waitan.leader', PHONE);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

afterEach(() => {
  // No CSP refusal, no script error, no failed request (a thumbnail that does not load is one) on any page.
  const problems = [leader, inspector].flatMap((o) => o?.problems.splice(0) ?? []);
  expect(problems).toEqual([]);
});

let shotCount = 0;
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: path.join(shots, `evidence-${String(++shotCount).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/** Every thumbnail matching `selector` has loaded once in view (its natural width known); how many there are. */
async function thumbnailsLoaded(page: Page, selector: string): Promise<number> {
  const images = page.locator(selector);
  await images.first().waitFor();
  // Thumbnails load lazily: each is brought into view, as a reader scrolling to it would.
  for (let i = 0; i < (await images.count()); i++) await images.nth(i).scrollIntoViewIfNeeded();
  for (let i = 0; i < 100; i++) {
    const loaded = await images.evaluateAll((els) =>
      els.every((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0),
    );
    if (loaded) return images.count();
    await page.waitForTimeout(50);
  }
  throw new Error(`thumbnails of ${selector} did not load`);
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

describe('a holding check with a photo, from a phone in the street to the inspector’s audit form', () => {
  step('the squad leader picks a photo for today’s holding check: its preview shows under the field', async () => {
    const { page } = leader;
    await page.goto(`/operations/${operationId}#event-LOG_HOLDING_CHECK`);
    const form = page.locator('form[data-event=LOG_HOLDING_CHECK]');
    expect(await form.getAttribute('enctype')).toBe('multipart/form-data');
    const input = form.locator('input[type=file][name=photos]');
    expect(await input.getAttribute('capture')).toBe('environment');
    await form.locator('input[name=officersOnPost]').fill('2');
    await form.locator('textarea[name=notes]').fill('九江路两岗有人值守，未见回潮');
    await input.setInputFiles(photoPath);
    await page.waitForSelector('[data-testid=photo-previews] img');
    expect(await form.locator('[data-testid=photo-previews] img').count()).toBe(1);
    await shot(page, 'phone-holding-check-with-photo');
  });

  step('before sending, the page downscales the photo to 2560 px, keeping when it was taken', async () => {
    // What the submit pipeline sends (submit.js calls LiandongEvidence.prepare); without script the photo goes as it is.
    const sent = (await leader.page.evaluate(`(async () => {
      const form = document.querySelector('form[data-event=LOG_HOLDING_CHECK]');
      const data = await window.LiandongEvidence.prepare(form);
      const photo = data.getAll('photos')[0];
      const bitmap = await createImageBitmap(photo);
      const bytes = new Uint8Array(await photo.arrayBuffer());
      const head = String.fromCharCode(...bytes.slice(0, 4096));
      return { width: bitmap.width, height: bitmap.height, type: photo.type,
        exif: head.includes('Exif'), taken: /\\d{4}:\\d{2}:\\d{2} \\d{2}:\\d{2}:\\d{2}/.test(head),
        last: [...data.keys()].pop() };
    })()`)) as Record<string, unknown>;
    expect(sent).toMatchObject({
      width: 2560,
      height: 1707,
      type: 'image/jpeg',
      exif: true,
      taken: true,
      last: 'photos',
    });
  });

  step('sent: the photo’s thumbnail is on the operation’s page and beside the step in its history', async () => {
    const { page } = leader;
    const form = page.locator('form[data-event=LOG_HOLDING_CHECK]');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/operations/${operationId}` && u.search.includes('done=')),
      form.locator('button[type=submit]').click(),
    ]);
    const onPage = '#evidence img';
    expect(await thumbnailsLoaded(page, onPage)).toBe(1);
    expect(await page.locator(onPage).getAttribute('alt')).toMatch(/^照片 1 · 拍摄于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const inHistory = '[data-testid=timeline] li[data-event=LOG_HOLDING_CHECK] [data-testid=evidence] img';
    expect(await thumbnailsLoaded(page, inHistory)).toBe(1);
    // It opens the photo at full size.
    const href = await page.locator('#evidence a').first().getAttribute('href');
    const full = await page.request.get(href ?? '');
    expect(full.status()).toBe(200);
    expect(full.headers()['content-type']).toMatch(/^image\/jpeg/);
    await shot(page, 'phone-operation-with-photo');
    // Printed, the evidence is a list (file, taken at, SHA-256 prefix), not pictures.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#evidence [data-testid=evidence]').isVisible()).toBe(false);
    const listed = page.locator('#evidence [data-testid=evidence-list]');
    expect(await listed.isVisible()).toBe(true);
    expect(await listed.innerText()).toContain('IMG_20261206_101500.jpg');
    await page.emulateMedia({ media: 'screen' });
    expect(await listed.isVisible()).toBe(false);
  });

  step('holding is over: the inspector sees the photo under its day in the audit form', async () => {
    await holdingElapses(operationId);
    inspector = await signIn(browser, baseURL, 'inspector', PHONE);
    const { page } = inspector;
    await page.goto(`/operations/${operationId}#event-AUDIT_PASS`);
    const form = page.locator('form[data-event=AUDIT_PASS]');
    const byDay = form.locator('[data-testid=holding-photos]');
    expect(await byDay.innerText()).toContain(zh('evidence.holding_by_day'));
    expect(await thumbnailsLoaded(page, 'form[data-event=AUDIT_PASS] [data-testid=holding-photos] img')).toBe(1);
    await shot(page, 'phone-audit-form-with-photo');
  });
});
