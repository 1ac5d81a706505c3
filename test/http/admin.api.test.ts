import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { Brigade, LinkageGroup, Squad, User } from '../../src/persistence/entities';
import { planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn, trySignIn } from '../support/web';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const admin = () => t.as('admin');
const bearer = (token: string) => ({
  get: (path: string) => request(t.app).get(path).set('Authorization', `Bearer ${token}`),
  post: (path: string, body?: object) => request(t.app).post(path).set('Authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body?: object) => request(t.app).patch(path).set('Authorization', `Bearer ${token}`).send(body),
});

async function groupsByCode(): Promise<Record<string, string[]>> {
  const items = (await admin().get('/api/v1/groups').expect(200)).body.items as Array<{
    code: string;
    squads: string[];
  }>;
  return Object.fromEntries(items.map((g) => [g.code, g.squads]));
}

async function squadRow(code: string) {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  return t.services.db.manager.findOneByOrFail(Squad, { brigadeId: brigade.id, code });
}

/** A new street squad of the reference brigade, in no group. */
async function newSquad(code: string, name = `${code}中队`) {
  const res = await admin().post('/api/v1/squads', {
    code,
    name,
    nameEn: `${code} squad`,
    kind: 'street',
    dutyStrength: 6,
  });
  if (res.status !== 201) throw new Error(`squad ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('users', () => {
  it('an administrator lists the brigade’s users with roles and squad, and never a password hash', async () => {
    const res = await admin().get('/api/v1/users').expect(200);
    const leader = res.body.items.find((u: { username: string }) => u.username === 'waitan.leader');
    expect(leader).toEqual({
      username: 'waitan.leader',
      displayName: expect.any(String),
      roles: ['squad_leader'],
      squad: 'waitan',
      active: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.body.items).toHaveLength(41);
    expect(res.text).not.toMatch(/password|scrypt|\$s/i);
  });

  it('an administrator creates a user who can then sign in with the password given', async () => {
    const res = await admin()
      .post('/api/v1/users', {
        username: 'laoximen.deputy',
        displayName: '老西门中队副中队长',
        roles: ['squad_leader'],
        squad: 'laoximen',
        password: 'deputy-2026',
      })
      .expect(201);
    expect(res.headers.location).toBe('/api/v1/users/laoximen.deputy');
    expect(res.body).toMatchObject({
      username: 'laoximen.deputy',
      roles: ['squad_leader'],
      squad: 'laoximen',
      active: true,
    });
    expect(res.text).not.toMatch(/password/i);
    expect(await trySignIn(t, 'laoximen.deputy', 'deputy-2026')).toBe(303);
  });

  it('a taken username is refused naming the field, and nothing is written', async () => {
    const before = await t.services.db.manager.count(User);
    const res = await admin()
      .post('/api/v1/users', { username: 'duty', displayName: '重名', roles: ['officer'], password: 'long-enough' })
      .expect(409);
    expect(res.body.error).toMatchObject({ code: 'username_taken', fields: { username: expect.any(String) } });
    expect(await t.services.db.manager.count(User)).toBe(before);
  });

  it('bad fields are each named: username, roles, password, squad', async () => {
    const res = await admin()
      .post('/api/v1/users', { username: 'A B', displayName: ' ', roles: [], password: 'short', squad: 'Nowhere!' })
      .expect(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual([
      'displayName',
      'password',
      'roles',
      'squad',
      'username',
    ]);
    expect(res.body.error.fields.roles).toBe('必填');
    const unknownRole = await admin()
      .post('/api/v1/users', { username: 'someone', displayName: 'x', roles: ['king'], password: 'long-enough' })
      .expect(400);
    // In words for people; the choices (API values) listed apart for programs.
    expect(unknownRole.body.error.fields).toEqual({ 'roles.0': '取值无效，请从所列选项中选择' });
    expect(unknownRole.body.error.allowed['roles.0']).toContain('squad_leader');
  });

  it('a squad leader must belong to a squad, and only to a squad of the brigade in use', async () => {
    const noSquad = await admin()
      .post('/api/v1/users', {
        username: 'leader.nosquad',
        displayName: '无中队',
        roles: ['squad_leader'],
        password: 'long-enough',
      })
      .expect(400);
    expect(noSquad.body.error.fields).toHaveProperty('squad');
    const unknown = await admin()
      .post('/api/v1/users', {
        username: 'leader.x',
        displayName: 'x',
        roles: ['officer'],
        squad: 'atlantis',
        password: 'long-enough',
      })
      .expect(400);
    expect(unknown.body.error.fields.squad).toContain('atlantis');
    expect(await t.services.db.manager.findOneBy(User, { username: 'leader.x' })).toBeNull();
  });

  it('an administrator changes a user’s roles and squad; the user’s very next request sees them', async () => {
    expect((await t.as('xiaodongmen.officer').get('/api/v1/me').expect(200)).body.roles).toEqual(['officer']);
    const res = await admin()
      .patch('/api/v1/users/xiaodongmen.officer', {
        roles: ['officer', 'inspector'],
        displayName: '小东门中队队员（兼督察）',
      })
      .expect(200);
    expect(res.body).toMatchObject({
      roles: ['officer', 'inspector'],
      displayName: '小东门中队队员（兼督察）',
      squad: 'xiaodongmen',
    });
    expect((await t.as('xiaodongmen.officer').get('/api/v1/me').expect(200)).body.roles.sort()).toEqual([
      'inspector',
      'officer',
    ]);
    const moved = await admin().patch('/api/v1/users/xiaodongmen.officer', { squad: 'laoximen' }).expect(200);
    expect(moved.body.squad).toBe('laoximen');
    await admin()
      .patch('/api/v1/users/xiaodongmen.officer', { squad: 'xiaodongmen', roles: ['officer'] })
      .expect(200);
  });

  it('a refused change writes nothing: a user keeps name and roles when one field is bad', async () => {
    const res = await admin()
      .patch('/api/v1/users/yuyuan.officer', { displayName: '改名', roles: ['officer'], squad: 'atlantis' })
      .expect(400);
    expect(res.body.error.fields).toHaveProperty('squad');
    expect((await admin().get('/api/v1/users/yuyuan.officer').expect(200)).body.displayName).not.toBe('改名');
  });

  it('a disabled user’s token and web session are refused at once; enabled again, the token works', async () => {
    const web = await signIn(t, 'waitan.officer');
    await web.get('/').expect(200);
    await t.as('waitan.officer').get('/api/v1/me').expect(200);

    const res = await admin().patch('/api/v1/users/waitan.officer', { active: false }).expect(200);
    expect(res.body.active).toBe(false);

    await t.as('waitan.officer').get('/api/v1/me').expect(401);
    const after = await web.get('/');
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);
    expect(await trySignIn(t, 'waitan.officer', 'liandong-demo')).toBe(401);

    await admin().patch('/api/v1/users/waitan.officer', { active: true }).expect(200);
    await t.as('waitan.officer').get('/api/v1/me').expect(200);
  });

  it('a password reset: the old password fails, the new one works, the old sessions end and the API tokens are revoked', async () => {
    const web = await signIn(t, 'yuyuan.leader');
    await web.get('/').expect(200);
    const short = await admin().post('/api/v1/users/yuyuan.leader/password', { password: 'short' }).expect(400);
    expect(short.body.error.fields).toHaveProperty('password');

    await admin().post('/api/v1/users/yuyuan.leader/password', { password: 'yuyuan-new-2026' }).expect(204);

    expect((await web.get('/')).status).toBe(302);
    expect(await trySignIn(t, 'yuyuan.leader', 'liandong-demo')).toBe(401);
    expect(await trySignIn(t, 'yuyuan.leader', 'yuyuan-new-2026')).toBe(303);
    // A reset is what is done when credentials may have leaked: the user's API tokens are revoked too.
    await t.as('yuyuan.leader').get('/api/v1/me').expect(401);
  });

  it('an administrator cannot disable their own account', async () => {
    const res = await admin().patch('/api/v1/users/admin', { active: false }).expect(422);
    expect(res.body.error.problems).toEqual([expect.objectContaining({ code: 'own_account', field: 'active' })]);
    expect((await admin().get('/api/v1/users/admin').expect(200)).body.active).toBe(true);
  });

  it('an administrator cannot take the admin role from the last administrator', async () => {
    const res = await admin()
      .patch('/api/v1/users/admin', { roles: ['officer'] })
      .expect(422);
    expect(res.body.error.problems).toEqual([expect.objectContaining({ code: 'last_admin', field: 'roles' })]);
    expect((await admin().get('/api/v1/users/admin').expect(200)).body.roles).toEqual(['admin']);
  });

  it('with a second administrator, one may disable the other; the one left cannot leave the brigade without an administrator', async () => {
    await admin()
      .post('/api/v1/users', {
        username: 'admin2',
        displayName: '第二管理员',
        roles: ['admin'],
        password: 'admin2-pass',
      })
      .expect(201);
    const admin2 = bearer(await t.services.org.issueToken('admin2', 'test'));
    await admin2.patch('/api/v1/users/admin', { active: false }).expect(200);
    await admin().get('/api/v1/users').expect(401);
    const last = await admin2.patch('/api/v1/users/admin2', { roles: ['duty_officer'] }).expect(422);
    expect(last.body.error.problems).toEqual([expect.objectContaining({ code: 'last_admin' })]);
    await admin2.patch('/api/v1/users/admin', { active: true }).expect(200);
    await admin().patch('/api/v1/users/admin2', { active: false }).expect(200);
  });

  it('an unknown user is 404', async () => {
    await admin().patch('/api/v1/users/nobody', { active: false }).expect(404);
    await admin().post('/api/v1/users/nobody/password', { password: 'long-enough' }).expect(404);
    await admin().get('/api/v1/users/nobody').expect(404);
  });
});

describe('two administrators at once', () => {
  it('disabling each other at the same moment leaves the brigade one administrator', async () => {
    await admin()
      .post('/api/v1/users', {
        username: 'admin.a',
        displayName: '管理员甲',
        roles: ['admin'],
        password: 'admin-a-pass',
      })
      .expect(201);
    await admin()
      .post('/api/v1/users', {
        username: 'admin.b',
        displayName: '管理员乙',
        roles: ['admin'],
        password: 'admin-b-pass',
      })
      .expect(201);
    // Only these two are administrators for this test.
    const a = bearer(await t.services.org.issueToken('admin.a', 'test'));
    const b = bearer(await t.services.org.issueToken('admin.b', 'test'));
    await a.patch('/api/v1/users/admin', { roles: ['legal'] }).expect(200);
    const [ab, ba] = await Promise.all([
      a.patch('/api/v1/users/admin.b', { active: false }),
      b.patch('/api/v1/users/admin.a', { active: false }),
    ]);
    // One wins. The other is refused: as the last administrator (422), or, if the winner committed
    // before the loser's request was even let in, as a disabled user (401).
    expect([ab.status, ba.status]).toContain(200);
    const refused = ab.status === 200 ? ba : ab;
    expect([401, 422]).toContain(refused.status);
    if (refused.status === 422)
      expect(refused.body.error.problems).toEqual([expect.objectContaining({ code: 'last_admin' })]);
    const active = await t.services.db.manager.find(User, {
      where: [{ username: 'admin.a' }, { username: 'admin.b' }],
    });
    expect(active.filter((u) => u.active)).toHaveLength(1);
    const survivor = ab.status === 200 ? a : b;
    // put things back: the demo administrator is the administrator again
    await survivor.patch('/api/v1/users/admin', { roles: ['admin'] }).expect(200);
    await admin().patch('/api/v1/users/admin.a', { active: false }).expect(200);
    await admin().patch('/api/v1/users/admin.b', { active: false }).expect(200);
  });

  it('two groups claiming the same squad at the same moment: one gets it, the other is refused (R3)', async () => {
    for (const code of ['race-a', 'race-b', 'race-c', 'race-d', 'race-e', 'race-shared']) await newSquad(code);
    const [one, two] = await Promise.all([
      admin().post('/api/v1/groups', {
        code: 'race-1',
        name: '甲',
        nameEn: 'One',
        squads: ['race-a', 'race-b', 'race-shared'],
      }),
      admin().post('/api/v1/groups', {
        code: 'race-2',
        name: '乙',
        nameEn: 'Two',
        squads: ['race-c', 'race-d', 'race-shared'],
      }),
    ]);
    expect([one.status, two.status].sort()).toEqual([201, 422]);
    const groups = await groupsByCode();
    expect(Object.keys(groups).filter((g) => g.startsWith('race-'))).toHaveLength(1);
  });
});

describe('who may administer', () => {
  const calls: Array<[string, string, object?]> = [
    ['get', '/api/v1/users'],
    ['get', '/api/v1/users/waitan.officer'],
    ['post', '/api/v1/users', { username: 'sneaky', displayName: 'x', roles: ['admin'], password: 'long-enough' }],
    ['post', '/api/v1/users', {}],
    ['patch', '/api/v1/users/waitan.officer', { roles: ['commander'] }],
    ['patch', '/api/v1/users/admin', { active: false }],
    ['post', '/api/v1/users/admin/password', { password: 'taken-over-now' }],
    ['post', '/api/v1/squads', { code: 'rogue', name: 'x', nameEn: 'x', kind: 'street', dutyStrength: 6 }],
    ['patch', '/api/v1/squads/waitan', { dutyStrength: 1 }],
    ['post', '/api/v1/groups', { code: 'rogue', name: 'x', nameEn: 'x', squads: [] }],
    ['patch', '/api/v1/groups/north', { squads: ['waitan'] }],
  ];

  it.each(['duty', 'waitan.leader', 'commander', 'inspector'])(
    '%s is refused (403) on every administration call',
    async (who) => {
      for (const [method, path, body] of calls) {
        const req = t.as(who) as unknown as Record<string, (p: string, b?: object) => request.Test>;
        const res = await req[method](path, body);
        expect({ method, path, status: res.status, reason: res.body?.error?.reason }).toEqual({
          method,
          path,
          status: 403,
          reason: 'admin_only',
        });
      }
      expect(await t.services.db.manager.findOneBy(User, { username: 'sneaky' })).toBeNull();
    },
  );

  it('the admin role gives no operational powers: an administrator cannot draft a plan', async () => {
    const res = await admin().post('/api/v1/operations', planBody(t.clock.now())).expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('squads', () => {
  it('an administrator creates a squad of one of the four kinds; its code is unique in the brigade', async () => {
    const created = await newSquad('dongjiadu', '董家渡中队');
    expect(created).toEqual({
      code: 'dongjiadu',
      name: '董家渡中队',
      nameEn: 'dongjiadu squad',
      kind: 'street',
      group: null,
      memberOrder: null,
      dutyStrength: 6,
      active: true,
    });
    const again = await admin()
      .post('/api/v1/squads', { code: 'dongjiadu', name: 'x', nameEn: 'x', kind: 'street', dutyStrength: 6 })
      .expect(409);
    expect(again.body.error).toMatchObject({ code: 'code_taken', fields: { code: expect.any(String) } });
    expect(
      (await admin().get('/api/v1/squads').expect(200)).body.items.filter(
        (s: { code: string }) => s.code === 'dongjiadu',
      ),
    ).toHaveLength(1);
  });

  it('refuses a bad code, an unknown kind and a duty strength under 1, naming each', async () => {
    const res = await admin()
      .post('/api/v1/squads', { code: 'Bad Code', name: '', nameEn: 'x', kind: 'navy', dutyStrength: 0 })
      .expect(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['code', 'dutyStrength', 'kind', 'name']);
  });

  it('an administrator edits names, kind and duty strength; the code stays', async () => {
    await newSquad('shiliupu');
    const res = await admin()
      .patch('/api/v1/squads/shiliupu', { name: '十六铺中队', kind: 'scenic', dutyStrength: 8 })
      .expect(200);
    expect(res.body).toMatchObject({ code: 'shiliupu', name: '十六铺中队', kind: 'scenic', dutyStrength: 8 });
    const code = await admin().patch('/api/v1/squads/shiliupu', { code: 'other' }).expect(400);
    expect(code.body.error.fields).toEqual({ code: expect.any(String) });
  });

  it('a squad in a linkage group cannot be disabled (R3); one in no group can, and then takes no new members', async () => {
    const refused = await admin().patch('/api/v1/squads/waitan', { active: false }).expect(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({ code: 'grouped_squad_disabled', rule: 'R3', field: 'active' }),
    ]);
    expect((await squadRow('waitan')).active).toBe(true);

    await newSquad('old-post');
    await admin().patch('/api/v1/squads/old-post', { active: false }).expect(200);
    const user = await admin()
      .post('/api/v1/users', {
        username: 'old.post',
        displayName: 'x',
        roles: ['officer'],
        squad: 'old-post',
        password: 'long-enough',
      })
      .expect(400);
    expect(user.body.error.fields.squad).toContain('old-post');
  });

  it('an unknown squad is 404', async () => {
    await admin().patch('/api/v1/squads/atlantis', { dutyStrength: 5 }).expect(404);
  });
});

describe('linkage groups (R3)', () => {
  beforeAll(async () => {
    for (const code of ['east-a', 'east-b', 'east-c', 'east-d', 'east-e']) await newSquad(code);
  });

  it('a group of 2 squads is refused naming R3, and nothing is written', async () => {
    const res = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-a', 'east-b'] })
      .expect(422);
    expect(res.body.error.problems).toEqual([
      expect.objectContaining({
        code: 'group_size',
        rule: 'R3',
        field: 'squads',
        params: { min: 3, max: 4, actual: 2 },
      }),
    ]);
    expect(res.body.error.fields.squads).toContain('3');
    expect(await t.services.db.manager.findOneBy(LinkageGroup, { code: 'east' })).toBeNull();
    expect((await squadRow('east-a')).groupId).toBeNull();
  });

  it('a group of 5 squads is refused naming R3', async () => {
    const res = await admin()
      .post('/api/v1/groups', {
        code: 'east',
        name: '东片',
        nameEn: 'East',
        squads: ['east-a', 'east-b', 'east-c', 'east-d', 'east-e'],
      })
      .expect(422);
    expect(res.body.error.problems).toEqual([expect.objectContaining({ code: 'group_size', rule: 'R3' })]);
  });

  it('a squad cannot be in two groups (R3)', async () => {
    const res = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-a', 'east-b', 'waitan'] })
      .expect(422);
    expect(res.body.error.problems).toEqual([
      expect.objectContaining({ code: 'squad_in_other_group', rule: 'R3', field: 'squads' }),
    ]);
    expect(res.body.error.fields.squads).toContain('waitan → north');
    expect((await groupsByCode()).north).toEqual(['waitan', 'nanjingdonglu', 'nanjinglu-walk', 'bund-scenic']);
    expect(await t.services.db.manager.findOneBy(LinkageGroup, { code: 'east' })).toBeNull();
  });

  it('unknown, repeated and disabled squads are refused as input', async () => {
    await newSquad('east-old');
    await admin().patch('/api/v1/squads/east-old', { active: false }).expect(200);
    const disabled = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-a', 'east-b', 'east-old'] })
      .expect(400);
    expect(disabled.body.error.fields.squads).toContain('east-old');
    const unknown = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-a', 'east-b', 'atlantis'] })
      .expect(400);
    expect(unknown.body.error.fields.squads).toContain('atlantis');
    const twice = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-a', 'east-b', 'east-a'] })
      .expect(400);
    expect(twice.body.error.fields).toHaveProperty('squads');
  });

  it('an administrator creates a group; members are ordered 1..n as given', async () => {
    const res = await admin()
      .post('/api/v1/groups', { code: 'east', name: '东片', nameEn: 'East', squads: ['east-c', 'east-a', 'east-b'] })
      .expect(201);
    expect(res.body).toEqual({
      code: 'east',
      name: '东片',
      nameEn: 'East',
      active: true,
      squads: ['east-c', 'east-a', 'east-b'],
    });
    expect([
      (await squadRow('east-c')).memberOrder,
      (await squadRow('east-a')).memberOrder,
      (await squadRow('east-b')).memberOrder,
    ]).toEqual([1, 2, 3]);
    const again = await admin()
      .post('/api/v1/groups', { code: 'east', name: 'x', nameEn: 'x', squads: ['east-d', 'east-e', 'mobile-1'] })
      .expect(409);
    expect(again.body.error.fields).toHaveProperty('code');
  });

  it('setting members reorders them, and a squad taken out leaves the group', async () => {
    const res = await admin()
      .patch('/api/v1/groups/east', { squads: ['east-a', 'east-d', 'east-c'], name: '东片区' })
      .expect(200);
    expect(res.body).toMatchObject({ name: '东片区', squads: ['east-a', 'east-d', 'east-c'] });
    const out = await squadRow('east-b');
    expect([out.groupId, out.memberOrder]).toEqual([null, null]);
    expect((await squadRow('east-d')).memberOrder).toBe(2);
  });

  it('a squad moves between groups by leaving one and then joining the other', async () => {
    await admin()
      .patch('/api/v1/groups/east', { squads: ['east-a', 'east-d', 'east-c', 'bund-scenic'] })
      .expect(422);
    await admin()
      .patch('/api/v1/groups/north', { squads: ['waitan', 'nanjingdonglu', 'nanjinglu-walk'] })
      .expect(200);
    await admin()
      .patch('/api/v1/groups/east', { squads: ['east-a', 'east-d', 'east-c', 'bund-scenic'] })
      .expect(200);
    expect((await groupsByCode()).east).toEqual(['east-a', 'east-d', 'east-c', 'bund-scenic']);
    // and back, as the reference organisation has it
    await admin()
      .patch('/api/v1/groups/east', { squads: ['east-a', 'east-d', 'east-c'] })
      .expect(200);
    await admin()
      .patch('/api/v1/groups/north', { squads: ['waitan', 'nanjingdonglu', 'nanjinglu-walk', 'bund-scenic'] })
      .expect(200);
  });

  it('a group cannot be emptied below the minimum by a change', async () => {
    const res = await admin()
      .patch('/api/v1/groups/south', { squads: ['bansongyuanlu', 'wuliqiao'] })
      .expect(422);
    expect(res.body.error.problems[0]).toMatchObject({ code: 'group_size', rule: 'R3' });
    expect((await groupsByCode()).south).toEqual(['bansongyuanlu', 'wuliqiao', 'dapuqiao']);
  });

  it('an unknown group is 404', async () => {
    await admin().patch('/api/v1/groups/atlantis', { name: 'x' }).expect(404);
  });
});

describe('brigades are apart', () => {
  let other: ReturnType<typeof bearer>;

  beforeAll(async () => {
    const m = t.services.db.manager;
    await m.insert(Brigade, {
      code: 'jingan',
      name: '静安区城管执法大队',
      nameEn: 'Jing’an District Brigade',
      timeZone: 'Asia/Shanghai',
      createdAt: t.clock.now(),
      since: '2026-11',
    });
    await t.services.org.createUser({
      username: 'jingan.admin',
      displayName: '静安管理员',
      roles: ['admin'],
      password: 'jingan-pass',
      brigade: 'jingan',
    });
    other = bearer(await t.services.org.issueToken('jingan.admin', 'test'));
    // The same code in another brigade is another squad.
    await other
      .post('/api/v1/squads', {
        code: 'waitan',
        name: '静安同名中队',
        nameEn: 'Namesake',
        kind: 'street',
        dutyStrength: 5,
      })
      .expect(201);
    await other
      .post('/api/v1/squads', {
        code: 'jingansi',
        name: '静安寺中队',
        nameEn: 'Jing’an Temple squad',
        kind: 'scenic',
        dutyStrength: 6,
      })
      .expect(201);
  });

  it('another brigade’s users are invisible and untouchable', async () => {
    const mine = (await admin().get('/api/v1/users').expect(200)).body.items.map(
      (u: { username: string }) => u.username,
    );
    expect(mine).not.toContain('jingan.admin');
    await admin().get('/api/v1/users/jingan.admin').expect(404);
    await admin().patch('/api/v1/users/jingan.admin', { active: false }).expect(404);
    await admin().post('/api/v1/users/jingan.admin/password', { password: 'hijacked-now' }).expect(404);
    expect(
      (await other.get('/api/v1/users').expect(200)).body.items.map((u: { username: string }) => u.username),
    ).toEqual(['jingan.admin']);
    await other.patch('/api/v1/users/admin', { active: false }).expect(404);
  });

  it('another brigade’s squads and groups cannot be named', async () => {
    await admin().patch('/api/v1/squads/jingansi', { dutyStrength: 1 }).expect(404);
    const res = await admin()
      .patch('/api/v1/groups/south', { squads: ['bansongyuanlu', 'wuliqiao', 'dapuqiao', 'jingansi'] })
      .expect(400);
    expect(res.body.error.fields.squads).toContain('jingansi');
    const user = await admin()
      .post('/api/v1/users', {
        username: 'spy',
        displayName: 'x',
        roles: ['officer'],
        squad: 'jingansi',
        password: 'long-enough',
      })
      .expect(400);
    expect(user.body.error.fields).toHaveProperty('squad');
    expect((await squadRow('waitan')).name).toBe('外滩中队');
    await other.patch('/api/v1/groups/north', { name: 'x' }).expect(404);
  });
});

describe('the OpenAPI document and the server agree on administration bodies', () => {
  const cases: Array<[string, string, string, object, boolean]> = [
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'doc.user', displayName: '文档', roles: ['officer'], squad: 'waitan', password: 'long-enough' },
      true,
    ],
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'doc.user2', displayName: '文档', roles: ['legal'], password: 'long-enough' },
      true,
    ],
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'doc.user3', displayName: '文档', roles: [], password: 'long-enough' },
      false,
    ],
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'Doc User', displayName: '文档', roles: ['officer'], password: 'long-enough' },
      false,
    ],
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'doc.user4', displayName: '文档', roles: ['officer'], password: 'short' },
      false,
    ],
    [
      'NewUser',
      'post',
      '/api/v1/users',
      { username: 'doc.user5', displayName: '文档', roles: ['officer'], password: 'long-enough', colour: 'red' },
      false,
    ],
    ['UserPatch', 'patch', '/api/v1/users/doc.user', { active: 'no' }, false],
    ['UserPatch', 'patch', '/api/v1/users/doc.user', { squad: null, roles: ['officer', 'legal'] }, true],
    ['PasswordReset', 'post', '/api/v1/users/doc.user/password', { password: 'another-one' }, true],
    ['PasswordReset', 'post', '/api/v1/users/doc.user/password', {}, false],
    [
      'NewSquad',
      'post',
      '/api/v1/squads',
      { code: 'doc-squad', name: '文档', nameEn: 'Doc', kind: 'mobile', dutyStrength: 6 },
      true,
    ],
    [
      'NewSquad',
      'post',
      '/api/v1/squads',
      { code: 'doc-squad2', name: '文档', nameEn: 'Doc', kind: 'mobile', dutyStrength: 6.5 },
      false,
    ],
    [
      'NewSquad',
      'post',
      '/api/v1/squads',
      { code: 'doc_squad', name: '文档', nameEn: 'Doc', kind: 'mobile', dutyStrength: 6 },
      false,
    ],
    ['SquadPatch', 'patch', '/api/v1/squads/doc-squad', { dutyStrength: 7, active: true }, true],
    ['SquadPatch', 'patch', '/api/v1/squads/doc-squad', { kind: 'navy' }, false],
    [
      'NewGroup',
      'post',
      '/api/v1/groups',
      { code: 'doc-group', name: '文档', nameEn: 'Doc', squads: 'doc-squad' },
      false,
    ],
    ['GroupPatch', 'patch', '/api/v1/groups/west', { name: '西片' }, true],
    ['GroupPatch', 'patch', '/api/v1/groups/west', { squads: [1, 2, 3] }, false],
  ];

  it.each(cases)('%s: %s %s %j (valid: %s)', async (schema, method, path, body, valid) => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    expect(ajv.validate(doc.components.schemas[schema], body)).toBe(valid);
    const res = await (admin() as unknown as Record<string, (p: string, b: object) => request.Test>)[method](
      path,
      body,
    );
    // What the document calls valid the server takes; what it calls invalid the server refuses as input (400), nothing else.
    if (valid) expect(res.status).toBeLessThan(300);
    else expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'invalid_input' });
  });

  it('describes what the server answers', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('date-time', true);
    const user = (await admin().get('/api/v1/users/waitan.leader').expect(200)).body;
    expect(ajv.validate(doc.components.schemas.User, user)).toBe(true);
    const squad = (await admin().patch('/api/v1/squads/mobile-2', { dutyStrength: 9 }).expect(200)).body;
    expect(ajv.validate(doc.components.schemas.Squad, squad)).toBe(true);
    const group = (await admin().patch('/api/v1/groups/oldcity', { nameEn: 'Old City' }).expect(200)).body;
    expect(ajv.validate(doc.components.schemas.Group, group)).toBe(true);
  });
});
