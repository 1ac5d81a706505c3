import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { DICTIONARIES, type Locale } from '../../src/i18n';
import { isoInZone } from '../../src/time';
import { ROOT, removeBuild, runScript, startScript } from './spawn';

declare const LIANDONG_CHROMIUM: string | undefined;

/** The Chromium jest.config.js found (CHROMIUM_PATH or Debian's /usr/bin/chromium). */
export const CHROMIUM =
  typeof LIANDONG_CHROMIUM === 'string' ? LIANDONG_CHROMIUM : (process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

/**
 * Debian's Chromium, headless. Without the background-networking flags it keeps
 * calling Google's hosts, which this machine's closed network refuses (STACK.md).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DEMO_PASSWORD = 'liandong-demo';
export const ZONE = 'Asia/Shanghai';

/** A string of the app's dictionary, for asserting what a page says. */
export function text(locale: Locale, key: string): string {
  const s = DICTIONARIES[locale][key];
  if (s === undefined) throw new Error(`no ${locale} text for ${key}`);
  return s;
}

/** `YYYY-MM-DDTHH:mm` in Shanghai time, as a datetime-local input takes it. */
export function shanghaiLocal(instant: Date): string {
  return isoInZone(instant, ZONE).slice(0, 16);
}

/** Where this run's screenshots go: test-output/screenshots/<timestamp>/. */
export function screenshotDir(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(ROOT, 'test-output', 'screenshots', stamp);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** One officer at their own browser: a context of its own (cookies, language), and what went wrong on its pages. */
export interface Officer {
  username: string;
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP refusals show up here) and uncaught page errors. */
  problems: string[];
}

/** A desk's screen, and an officer's phone on the street. */
export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** Opens a browser context for one user, as a Chinese-speaking officer in Shanghai would, and signs in. */
export async function signIn(
  browser: Browser,
  baseURL: string,
  username: string,
  device: typeof DESKTOP | typeof PHONE = DESKTOP,
): Promise<Officer> {
  const context = await browser.newContext({ baseURL, locale: 'zh-CN', timezoneId: ZONE, ...device });
  // A page that does not come within 10 s will not come: fail with what was awaited.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${username} console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`${username} page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400)
      problems.push(`${username} ${r.request().method()} ${new URL(r.url()).pathname}: ${r.status()}`);
  });
  // A danger button (cancel, audit failed) asks once more: say yes.
  page.on('dialog', (d) => void d.accept());
  await page.goto('/login');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/'),
    page.locator('form[action="/login"] button[type=submit]').click(),
  ]);
  return { username, context, page, problems };
}

/**
 * The built server on a fresh SQLite file of its own, for a browser test:
 * where to open it, and `stop()` (for afterAll) that stops it, removes its
 * files and the build, and prints where the screenshots went.
 */
export async function serveForBrowser(
  name: string,
  env: Record<string, string> = {},
): Promise<{ baseURL: string; dir: string; shots: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `liandong-${name}-`));
  const shots = screenshotDir();
  const started = await startScript(
    'server',
    {
      DATABASE_URL: `sqlite:${path.join(dir, `${name}.sqlite`)}`,
      PORT: '0',
      HOST: '127.0.0.1',
      SCRYPT_COST: '1024',
      NODE_ENV: 'test',
      PUBLIC_URL: '',
      ...env,
    },
    /running: (http:\/\/\S+)/,
  );
  const server = started.child;
  return {
    baseURL: started.match[1],
    dir,
    shots,
    async stop() {
      if (server.exitCode === null) {
        const closed = new Promise((resolve) => server.once('close', resolve));
        server.kill('SIGTERM');
        await closed;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      removeBuild();
      process.stdout.write(`\n[liandong] ${name} screenshots: ${shots}\n\n`);
    },
  };
}

/** A JSON call of the served API with a bearer token: its answer, or an error naming the call unless it is a 2xx. */
export async function apiCall(
  baseURL: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseURL}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A user's API token, made by the command line on the served database (`env` names it). */
export async function cliToken(env: Record<string, string>, username: string): Promise<string> {
  const run = await runScript('cli', ['token', username], env);
  const token = run.stdout
    .trim()
    .split(/\s+/)
    .find((w) => w.startsWith('ld_'));
  if (!token) throw new Error(`no token for ${username}: ${run.stdout} ${run.stderr}`);
  return token;
}
