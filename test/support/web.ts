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
  const res = await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username, password, next: '/' });
  if (res.status !== 303) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return agent;
}

/** Posts a form from `pagePath` (taking its CSRF token) to `action`. */
export async function submitForm(agent: Agent, pagePath: string, action: string, fields: Record<string, unknown>) {
  const page = await agent.get(pagePath);
  return agent.post(action).type('form').send({ _csrf: csrfOf(page.text), ...fields });
}

/** The value attribute of an input, or the text of a textarea, named `name`. */
export function fieldValue(html: string, name: string): string | null {
  const esc = name.replace(/[[\]]/g, '\\$&');
  const input = new RegExp(`<input[^>]*name="${esc}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${esc}"`).exec(html);
  if (input) return input[1];
  const area = new RegExp(`<textarea[^>]*name="${esc}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return area ? area[1] : null;
}
