import { createHash } from 'node:crypto';
import { ApiToken, Brigade, User } from '../../src/persistence/entities';
import { TEST_DB, type TestDatabase } from '../support/db';
import { type Instance, sharedDatabase, startInstance, testClock } from './instances';

/**
 * Issue 11, finding 3: API tokens have a lifecycle — an optional expiry, the
 * time they were last used (written at most once a minute, not on every
 * request), a list (`GET /api/v1/tokens`: one's own; an administrator: the
 * brigade's) and revocation (`DELETE /api/v1/tokens/:id`) that holds at once
 * on every instance.
 */

let database: TestDatabase;
let a: Instance;
let b: Instance;
const clock = testClock();

beforeAll(async () => {
  database = await sharedDatabase();
  a = await startInstance(database.url, { clock, seed: true });
  b = await startInstance(database.url, { clock });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await database?.drop();
});

const issue = (username: string, label = 'test', opts: { expiresDays?: number } = {}) =>
  a.services.org.issueToken(username, label, opts);
const row = (token: string) =>
  a.services.db.manager.findOneByOrFail(ApiToken, { tokenStart: token.slice(0, 8), tokenHash: sha256(token) });
function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

interface Listed {
  id: number;
  user: string;
  label: string;
  tokenStart: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

describe(`API tokens (${TEST_DB})`, () => {
  it('a user lists their own tokens — label, first characters, created, expiry, last use — and never a token or its hash', async () => {
    const mine = await issue('waitan.officer', 'phone script');
    await issue('waitan.leader', 'not mine');
    const res = await a.bearer(mine).get('/api/v1/tokens').expect(200);
    const items = res.body.items as Listed[];
    expect(items.map((i) => i.user)).toEqual(['waitan.officer']);
    expect(items[0]).toEqual({
      id: expect.any(Number),
      user: 'waitan.officer',
      label: 'phone script',
      tokenStart: mine.slice(0, 8),
      createdAt: clock.now().toISOString(),
      expiresAt: null,
      lastUsedAt: clock.now().toISOString(),
      revokedAt: null,
      state: 'active',
    });
    expect(res.text).not.toContain(mine);
    expect(res.text).not.toContain(sha256(mine));
  });

  it('an administrator lists the brigade’s tokens, and none of another brigade', async () => {
    await a.services.db.manager.insert(Brigade, {
      code: 'jingan',
      name: '静安区城管执法大队',
      nameEn: 'Jing’an District Brigade',
      timeZone: 'Asia/Shanghai',
      createdAt: clock.now(),
      since: '2026-11',
    });
    await a.services.org.createUser({
      username: 'jingan.admin',
      displayName: '静安管理员',
      roles: ['admin'],
      password: 'jingan-pass',
      brigade: 'jingan',
    });
    const jingan = await issue('jingan.admin');
    await issue('laoximen.leader', 'laoximen script');
    const items = (
      await a
        .bearer(await issue('admin'))
        .get('/api/v1/tokens')
        .expect(200)
    ).body.items as Listed[];
    expect(items.map((i) => i.user)).toEqual(
      expect.arrayContaining(['admin', 'waitan.officer', 'waitan.leader', 'laoximen.leader']),
    );
    expect(items.map((i) => i.user)).not.toContain('jingan.admin');
    const theirs = (await a.bearer(jingan).get('/api/v1/tokens').expect(200)).body.items as Listed[];
    expect(theirs.map((i) => i.user)).toEqual(['jingan.admin']);
  });

  it('a user revokes their own token: refused at once on every instance, listed as revoked', async () => {
    const keep = await issue('nanjingdonglu.leader', 'keep');
    const drop = await issue('nanjingdonglu.leader', 'drop');
    await b.bearer(drop).get('/api/v1/me').expect(200);
    const id = (await row(drop)).id;
    await a.bearer(keep).delete(`/api/v1/tokens/${id}`).expect(204);
    await b.bearer(drop).get('/api/v1/me').expect(401);
    await a.bearer(drop).get('/api/v1/me').expect(401);
    const listed = ((await b.bearer(keep).get('/api/v1/tokens').expect(200)).body.items as Listed[]).find(
      (i) => i.id === id,
    )!;
    expect(listed).toMatchObject({ state: 'revoked', revokedAt: clock.now().toISOString() });
    // Revoking again changes nothing.
    await a.bearer(keep).delete(`/api/v1/tokens/${id}`).expect(204);
  });

  it('another user’s token is not yours to revoke (404); an administrator revokes a brigade user’s, not another brigade’s', async () => {
    const victim = await issue('xiaodongmen.leader');
    const victimId = (await row(victim)).id;
    await a
      .bearer(await issue('xiaodongmen.officer'))
      .delete(`/api/v1/tokens/${victimId}`)
      .expect(404);
    await a
      .bearer(await issue('jingan.admin'))
      .delete(`/api/v1/tokens/${victimId}`)
      .expect(404);
    await b.bearer(victim).get('/api/v1/me').expect(200);
    await a
      .bearer(await issue('admin'))
      .delete(`/api/v1/tokens/${victimId}`)
      .expect(204);
    await b.bearer(victim).get('/api/v1/me').expect(401);
    await a
      .bearer(await issue('admin'))
      .delete('/api/v1/tokens/999999')
      .expect(404);
  });

  it('a token with an expiry works until then and is refused after it', async () => {
    const token = await issue('dapuqiao.leader', 'monthly report', { expiresDays: 30 });
    const { expiresAt } = ((await b.bearer(token).get('/api/v1/tokens').expect(200)).body.items as Listed[])[0];
    expect(Date.parse(expiresAt!) - clock.now().getTime()).toBe(30 * 24 * 3_600_000);
    clock.advance(30 * 24 * 3_600_000 - 1000);
    await b.bearer(token).get('/api/v1/me').expect(200);
    clock.advance(2000);
    const res = await b.bearer(token).get('/api/v1/me').expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
    const listed = (
      (
        await a
          .bearer(await issue('dapuqiao.leader'))
          .get('/api/v1/tokens')
          .expect(200)
      ).body.items as Listed[]
    ).find((i) => i.label === 'monthly report');
    expect(listed?.state).toBe('expired');
  });

  it('a token’s last use is written at most once a minute, not on every request', async () => {
    const token = await issue('wuliqiao.officer');
    expect((await row(token)).lastUsedAt).toBeNull();
    const first = clock.now().getTime();
    await b.bearer(token).get('/api/v1/me').expect(200);
    expect((await row(token)).lastUsedAt?.getTime()).toBe(first);
    clock.advance(30_000);
    await a.bearer(token).get('/api/v1/me').expect(200);
    await b.bearer(token).get('/api/v1/me').expect(200);
    expect((await row(token)).lastUsedAt?.getTime()).toBe(first);
    clock.advance(31_000);
    await a.bearer(token).get('/api/v1/me').expect(200);
    expect((await row(token)).lastUsedAt?.getTime()).toBe(clock.now().getTime());
  });

  it('a disabled user’s tokens are refused; enabled again, they work', async () => {
    const token = await issue('bansongyuanlu.officer');
    const admin = a.bearer(await issue('admin'));
    await admin.patch('/api/v1/users/bansongyuanlu.officer', { active: false }).expect(200);
    await b.bearer(token).get('/api/v1/tokens').expect(401);
    await admin.patch('/api/v1/users/bansongyuanlu.officer', { active: true }).expect(200);
    await b.bearer(token).get('/api/v1/me').expect(200);
    expect(await a.services.db.manager.findOneBy(User, { username: 'bansongyuanlu.officer' })).toMatchObject({
      active: true,
    });
  });

  it('nothing answered 500 on either instance', () => {
    expect([...a.logged, ...b.logged]).toEqual([]);
  });
});
