/** What the web benchmarks share: a MariaDB database of their own, a signed-in session, timed GETs. */
import { performance } from 'node:perf_hooks';
import { percentile, pool } from './support';

export const MYSQL_ADMIN = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';
export const PASSWORD = 'liandong-demo';

export interface Timing {
  page: string;
  user: string;
  mode: 'sequential' | 'concurrent';
  clients: number;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

export const round = (x: number) => Math.round(x * 10) / 10;

export async function mysqlConnection(database?: string) {
  const mysql = await import('mysql2/promise');
  const u = new URL(MYSQL_ADMIN);
  return mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
    timezone: 'Z',
    // JSON columns as the text stored (mysql2 would parse them): the seed copies them byte for byte.
    jsonStrings: true,
  });
}

export function databaseUrl(name: string): string {
  const u = new URL(MYSQL_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A signed-in browser, as far as the server can tell: a session cookie from the login form. */
export async function signIn(base: string, username: string): Promise<string> {
  const form = await fetch(`${base}/login`, { redirect: 'manual' });
  const cookie = cookieOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!cookie || !csrf) throw new Error('no session cookie or CSRF token on the login page');
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams({ _csrf: csrf, username, password: PASSWORD, next: '/' }).toString(),
  });
  const session = cookieOf(res);
  if (res.status !== 303 || !session) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  return session;
}

export function cookieOf(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('liandong.sid='));
  return set ? set.split(';')[0] : null;
}

/** A timed GET, as a signed-in browser (a session cookie) or an API client (`Bearer …`). */
export async function get(
  base: string,
  auth: string,
  path: string,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const headers: Record<string, string> = auth.startsWith('Bearer ') ? { Authorization: auth } : { Cookie: auth };
  const res = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}

/** Follows the list's "next page" link `pages` times; returns the path of the page reached. */
export async function walkPages(
  base: string,
  cookie: string,
  pages: number,
): Promise<{ path: string; reached: number; ms: number }> {
  let path = '/operations';
  let reached = 1;
  const started = performance.now();
  while (reached <= pages) {
    const { body, status } = await get(base, cookie, path);
    if (status !== 200) throw new Error(`GET ${path}: ${status}`);
    const next = /href="([^"]+)" class="button" data-testid="next-page"/.exec(body)?.[1];
    if (!next) break;
    path = unescapeHtml(next);
    reached++;
  }
  return { path, reached, ms: (performance.now() - started) / reached };
}

/** An attribute value as Handlebars escaped it (`=` becomes `&#x3D;`), back to text. */
export function unescapeHtml(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : named[e.toLowerCase()],
  );
}

export async function measure(
  base: string,
  cookie: string,
  path: string,
  count: number,
  clients: number,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  await pool(
    Array.from({ length: count }, (_, i) => i),
    clients,
    async () => {
      const r = await get(base, cookie, path);
      if (r.status === 200) latencies.push(r.ms);
      else errors++;
    },
  );
  return { latencies, errors };
}

export function summarise(
  page: string,
  user: string,
  mode: Timing['mode'],
  clients: number,
  latencies: number[],
  errors: number,
): Timing {
  return {
    page,
    user,
    mode,
    clients,
    count: latencies.length,
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    errors,
  };
}
