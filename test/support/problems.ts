import request from 'supertest';
import type { TestApp } from './test-app';

/** A report of a hard problem at the border of waitan and nanjingdonglu (R7, R8). */
export function problemBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: 'hotspot',
    category: 'street_vending',
    title: '九江路口夜间流动设摊',
    description: '每晚 20 点后十余个流动摊位聚集，跨两中队交界，单方执法即流窜',
    location: '九江路·河南中路口',
    squads: ['waitan', 'nanjingdonglu'],
    evidence: [{ description: '现场照片 6 张', ref: 'IMG-2026-1102-01' }],
    ...overrides,
  };
}

export async function reportProblem(
  t: TestApp,
  overrides: Record<string, unknown> = {},
  as = 'waitan.officer',
): Promise<{ id: number; version: number; body: Record<string, any> }> {
  const res = await t.as(as).post('/api/v1/problems', problemBody(overrides));
  if (res.status !== 201) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, version: res.body.version, body: res.body };
}

/** Sends a problem event, expecting success; returns the new version. */
export async function sendProblem(
  t: TestApp,
  id: number,
  version: number,
  type: string,
  extra: Record<string, unknown> = {},
  as = 'waitan.leader',
): Promise<number> {
  const res = await t.as(as).post(`/api/v1/problems/${id}/events`, { type, expectedVersion: version, ...extra });
  if (res.status !== 200) throw new Error(`${type} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version;
}

/** A system account for the 12319 hotline's feed, and its bearer token. */
export async function hotlineFeed(
  t: TestApp,
): Promise<{ post(path: string, body: unknown): request.Test; get(path: string): request.Test }> {
  const existing = await t.services.org.userByUsername(1, 'hotline-12319').catch(() => null);
  if (!existing) {
    await t
      .as('admin')
      .post('/api/v1/users', {
        username: 'hotline-12319',
        displayName: '12319 热线接口',
        roles: ['hotline_feed'],
        password: 'feed-password-1',
      })
      .expect(201);
  }
  const token = await t.services.org.issueToken('hotline-12319', 'feed');
  return {
    post: (path, body) =>
      request(t.app)
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send(body as object),
    get: (path) => request(t.app).get(path).set('Authorization', `Bearer ${token}`),
  };
}
