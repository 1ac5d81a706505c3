import request from 'supertest';
import type { TestApp } from './test-app';

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export type Agent = ReturnType<typeof request.agent>;

/** A browser-like agent (keeps cookies), signed in as `username` with the demo password. */
export async function signedIn(t: TestApp, username: string, password = 'liandong-demo'): Promise<Agent> {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfOf(page.text), username, password, next: '/' });
  if (res.status !== 303) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return agent;
}

/** Posts a form from `pagePath` (taking its CSRF token) to `action`. */
export async function submitForm(agent: Agent, pagePath: string, action: string, fields: Record<string, unknown>) {
  const page = await agent.get(pagePath);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...fields });
}

/** The value attribute of an input, or the text of a textarea, named `name`. */
export function fieldValue(html: string, name: string): string | null {
  const esc = name.replace(/[[\]]/g, '\\$&');
  const input =
    new RegExp(`<input[^>]*name="${esc}"[^>]*value="([^"]*)"`).exec(html) ??
    new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${esc}"`).exec(html);
  if (input) return input[1];
  const area = new RegExp(`<textarea[^>]*name="${esc}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return area ? area[1] : null;
}

/** A browser, in effect: cookies kept between requests, forms sent with the page's CSRF token. */
export interface WebClient {
  agent: ReturnType<typeof request.agent>;
  get(path: string): request.Test;
  /** Sends a form as a browser would: the token comes from `from` (the page the form is on). */
  post(path: string, fields: Record<string, unknown>, from?: string): Promise<request.Response>;
}

export function webClient(t: TestApp, locale: 'zh-CN' | 'en' = 'zh-CN'): WebClient {
  const agent = request.agent(t.app);
  return {
    agent,
    get: (path) => agent.get(path).set('Accept-Language', locale),
    async post(path, fields, from = '/login') {
      const page = await agent.get(from).set('Accept-Language', locale);
      return agent
        .post(path)
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: csrfOf(page.text), ...fields });
    },
  };
}

/** Signs a user in through the sign-in form; the client then carries their session. */
export async function signIn(
  t: TestApp,
  username: string,
  password = 'liandong-demo',
  locale: 'zh-CN' | 'en' = 'zh-CN',
): Promise<WebClient> {
  const client = webClient(t, locale);
  const res = await client.post('/login', { username, password, next: '/' }, '/login');
  if (res.status !== 303) throw new Error(`sign-in of ${username} failed: ${res.status}`);
  return client;
}

/** Tries to sign in; the status says how it went (303 signed in, 401 refused). */
export async function trySignIn(t: TestApp, username: string, password: string): Promise<number> {
  return (await webClient(t).post('/login', { username, password, next: '/' }, '/login')).status;
}
