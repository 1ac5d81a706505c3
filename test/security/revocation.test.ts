import request from 'supertest';
import { User } from '../../src/persistence/entities';
import { TEST_DB, type TestDatabase } from '../support/db';
import { csrfOf } from '../support/web';
import { type Instance, sharedDatabase, startInstance, testClock } from './instances';

/**
 * Issue 11, finding 3: with two instances on one database, a disabled
 * administrator's token kept working (and created administrators) on the other
 * instance for as long as it remembered the user. Disabling, a role change and
 * a password reset take effect on the very next request on every instance.
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

const token = (username: string) => a.services.org.issueToken(username, 'test');

/** A browser on instance `on`, signed in through the form. */
async function signedInOn(on: Instance, username: string, password: string) {
  const agent = request.agent(on.app);
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfOf(page.text), username, password, next: '/' })
    .expect(303);
  return agent;
}

async function newAdministrator(username: string, password: string): Promise<void> {
  const admin = a.bearer(await token('admin'));
  await admin
    .post('/api/v1/users', { username, displayName: `管理员 ${username}`, roles: ['admin'], password })
    .expect(201);
}

describe(`two instances on one database (${TEST_DB}): a change to a user holds on the very next request everywhere`, () => {
  it('a disabled administrator’s token is refused at once by the other instance, and creates no administrator there', async () => {
    await newAdministrator('admin.two', 'admin-two-pass');
    const two = await token('admin.two');
    // Instance B has served admin.two: whatever it remembers of them, it remembers now.
    await b.bearer(two).get('/api/v1/users').expect(200);
    await b.bearer(two).get('/api/v1/me').expect(200);

    await a
      .bearer(await token('admin'))
      .patch('/api/v1/users/admin.two', { active: false })
      .expect(200);

    const res = await b.bearer(two).post('/api/v1/users', {
      username: 'admin.sneak',
      displayName: '后门管理员',
      roles: ['admin'],
      password: 'sneaky-pass',
    });
    expect(res.status).toBe(401);
    expect(await b.services.db.manager.findOneBy(User, { username: 'admin.sneak' })).toBeNull();
    await b.bearer(two).get('/api/v1/users').expect(401);
  });

  it('a demoted administrator loses administration at once on the other instance, by token and in the browser', async () => {
    await newAdministrator('admin.three', 'admin-three-pass');
    const three = await token('admin.three');
    const web = await signedInOn(b, 'admin.three', 'admin-three-pass');
    await web.get('/admin/users').expect(200);
    await b.bearer(three).get('/api/v1/users').expect(200);

    await a
      .bearer(await token('admin'))
      .patch('/api/v1/users/admin.three', { roles: ['officer'] })
      .expect(200);

    await b.bearer(three).get('/api/v1/users').expect(403);
    expect((await b.bearer(three).get('/api/v1/me').expect(200)).body.roles).toEqual(['officer']);
    await web.get('/admin/users').expect(403);
    // Promoted again: at once too.
    await a
      .bearer(await token('admin'))
      .patch('/api/v1/users/admin.three', { roles: ['admin'] })
      .expect(200);
    await b.bearer(three).get('/api/v1/users').expect(200);
    await web.get('/admin/users').expect(200);
  });

  it('a password reset ends the user’s sessions and revokes their API tokens on every instance', async () => {
    const leaderToken = await token('yuyuan.leader');
    const web = await signedInOn(b, 'yuyuan.leader', 'liandong-demo');
    await web.get('/').expect(200);
    await b.bearer(leaderToken).get('/api/v1/me').expect(200);

    await a
      .bearer(await token('admin'))
      .post('/api/v1/users/yuyuan.leader/password', { password: 'yuyuan-new-2026' })
      .expect(204);

    await b.bearer(leaderToken).get('/api/v1/me').expect(401);
    await a.bearer(leaderToken).get('/api/v1/me').expect(401);
    expect((await web.get('/')).status).toBe(302);
    // A token issued after the reset works.
    await b
      .bearer(await token('yuyuan.leader'))
      .get('/api/v1/me')
      .expect(200);
  });

  it('a disabled user’s web session on the other instance ends at once', async () => {
    const web = await signedInOn(b, 'duty2', 'liandong-demo');
    await web.get('/').expect(200);
    await a
      .bearer(await token('admin'))
      .patch('/api/v1/users/duty2', { active: false })
      .expect(200);
    expect((await web.get('/')).status).toBe(302);
    await a
      .bearer(await token('admin'))
      .patch('/api/v1/users/duty2', { active: true })
      .expect(200);
  });

  it('nothing answered 500 on either instance', () => {
    expect([...a.logged, ...b.logged]).toEqual([]);
  });
});
