import { Brigade, LinkageGroup, Squad, User } from '../../src/persistence/entities';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn, trySignIn, type WebClient } from '../support/web';

let t: TestApp;
let admin: WebClient;

beforeAll(async () => {
  t = await startTestApp();
  admin = await signIn(t, 'admin');
});
afterAll(async () => {
  await t.close();
});

const userRow = (username: string) => t.services.db.manager.findOneByOrFail(User, { username });

/** The message shown beside a field (the field-error partial). */
const errorBeside = (html: string, field: string) =>
  new RegExp(`data-error-for="${field}">([^<]*)<`).exec(html)?.[1] ?? null;
const inputValue = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? null;
const checked = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`name="${name}" value="([^"]+)" checked`, 'g'))].map((m) => m[1]);
const selected = (html: string) => [...html.matchAll(/<option value="([^"]+)" selected>/g)].map((m) => m[1]);

describe('the administration pages', () => {
  it.each(['zh-CN', 'en'] as const)(
    'an administrator finds users, squads and groups, every word from the dictionaries (%s)',
    async (locale) => {
      const client = locale === 'en' ? await signIn(t, 'admin', 'liandong-demo', 'en') : admin;
      const pages = [
        '/admin/users',
        '/admin/users/new',
        '/admin/users/waitan.leader/edit',
        '/admin/squads',
        '/admin/squads/new',
        '/admin/squads/waitan/edit',
        '/admin/groups',
        '/admin/groups/new',
        '/admin/groups/north/edit',
      ];
      for (const path of pages) {
        const res = await client.get(path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect({ path, missing: res.text.match(/⟦[^⟧]+⟧/g) }).toEqual({ path, missing: null });
        expect(res.text).toContain('href="/admin/squads"');
      }
      const home = await client.get('/');
      expect(home.text).toContain('href="/admin/users"');
      expect((await client.get('/admin')).headers.location).toBe('/admin/users');
    },
  );

  it('the users list shows roles and squad; the group list shows members in order', async () => {
    const users = (await admin.get('/admin/users').expect(200)).text;
    expect(users).toMatch(/data-user="waitan.leader"[\s\S]*?中队领导[\s\S]*?外滩中队/);
    const groups = (await admin.get('/admin/groups').expect(200)).text;
    const north = /data-group="north"[\s\S]*?<\/ol>/.exec(groups)![0];
    expect([...north.matchAll(/data-squad="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'waitan',
      'nanjingdonglu',
      'nanjinglu-walk',
      'bund-scenic',
    ]);
    expect(groups).toMatch(/data-testid="ungrouped"[\s\S]*data-squad="mobile-1"/);
  });

  it.each(['duty', 'waitan.leader'])('%s is refused (403) on every administration page and form', async (who) => {
    const client = await signIn(t, who);
    for (const path of [
      '/admin',
      '/admin/users',
      '/admin/users/new',
      '/admin/users/admin/edit',
      '/admin/squads',
      '/admin/squads/waitan/edit',
      '/admin/groups',
      '/admin/groups/north/edit',
    ]) {
      expect({ path, status: (await client.get(path)).status }).toEqual({ path, status: 403 });
    }
    const posts: Array<[string, Record<string, unknown>]> = [
      ['/admin/users', { username: 'sneaky', displayName: 'x', roles: 'admin', password: 'long-enough' }],
      ['/admin/users/admin/active', { active: '0' }],
      ['/admin/users/admin/password', { password: 'taken-over-now' }],
      ['/admin/users/waitan.officer/edit', { displayName: 'x', roles: 'commander' }],
      ['/admin/squads', { code: 'rogue', name: 'x', nameEn: 'x', kind: 'street', dutyStrength: '6' }],
      ['/admin/groups/north/edit', { name: 'x', nameEn: 'x', squads: ['waitan'] }],
    ];
    for (const [path, fields] of posts) {
      expect({ path, status: (await client.post(path, fields, '/')).status }).toEqual({ path, status: 403 });
    }
    expect(await t.services.db.manager.findOneBy(User, { username: 'sneaky' })).toBeNull();
    expect((await userRow('admin')).active).toBe(true);
    expect(await trySignIn(t, 'admin', 'liandong-demo')).toBe(303);
  });
});

describe('users through the pages', () => {
  it('an administrator creates a user with the form; they can sign in', async () => {
    const res = await admin.post(
      '/admin/users',
      {
        username: 'bund.clerk',
        displayName: '外滩风景区内勤',
        squad: 'bund-scenic',
        roles: ['officer'],
        password: 'clerk-pass-1',
      },
      '/admin/users/new',
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users/bund.clerk/edit?done=user_created');
    const page = (await admin.get(res.headers.location).expect(200)).text;
    expect(page).toContain('用户已创建');
    expect(await trySignIn(t, 'bund.clerk', 'clerk-pass-1')).toBe(303);
  });

  it('a refused new-user form comes back with what was typed and the problem beside each field', async () => {
    const before = await t.services.db.manager.count(User);
    const res = await admin.post(
      '/admin/users',
      {
        username: 'duty',
        displayName: '重名的人',
        squad: 'yuyuan',
        roles: ['officer', 'inspector'],
        password: 'long-enough',
      },
      '/admin/users/new',
    );
    expect(res.status).toBe(409);
    expect(errorBeside(res.text, 'username')).toBe('已被使用');
    expect(inputValue(res.text, 'username')).toBe('duty');
    expect(inputValue(res.text, 'displayName')).toBe('重名的人');
    expect(checked(res.text, 'roles')).toEqual(['officer', 'inspector']);
    expect(selected(res.text)).toContain('yuyuan');
    expect(res.text).not.toContain('long-enough');

    const bad = await admin.post(
      '/admin/users',
      { username: 'Not Valid', displayName: '', password: 'short' },
      '/admin/users/new',
    );
    expect(bad.status).toBe(400);
    expect(errorBeside(bad.text, 'username')).toContain('小写字母');
    expect(errorBeside(bad.text, 'displayName')).toBe('必填');
    expect(errorBeside(bad.text, 'roles')).toBe('必填');
    expect(errorBeside(bad.text, 'password')).toContain('8');
    expect(inputValue(bad.text, 'username')).toBe('Not Valid');
    expect(await t.services.db.manager.count(User)).toBe(before);
  });

  it('an administrator gives a user another role with the checkboxes', async () => {
    const res = await admin.post(
      '/admin/users/laoximen.officer/edit',
      { displayName: '老西门中队队员', squad: 'laoximen', roles: ['officer', 'legal'] },
      '/admin/users/laoximen.officer/edit',
    );
    expect(res.status).toBe(303);
    const page = (await admin.get(res.headers.location).expect(200)).text;
    expect(checked(page, 'roles')).toEqual(['officer', 'legal']);
    expect(page).toContain('用户信息已保存');
  });

  it('a user left without roles is refused; the form keeps the typed name and squad', async () => {
    const res = await admin.post(
      '/admin/users/laoximen.officer/edit',
      { displayName: '改过的名字', squad: 'yuyuan' },
      '/admin/users/laoximen.officer/edit',
    );
    expect(res.status).toBe(400);
    expect(errorBeside(res.text, 'roles')).toBe('必填');
    expect(inputValue(res.text, 'displayName')).toBe('改过的名字');
    expect(selected(res.text)).toContain('yuyuan');
    expect((await userRow('laoximen.officer')).displayName).toBe('老西门中队队员');
  });

  it('disabling a user with the button ends their session at once; enabling lets them sign in again', async () => {
    const officer = await signIn(t, 'dapuqiao.officer');
    await officer.get('/').expect(200);
    const res = await admin.post(
      '/admin/users/dapuqiao.officer/active',
      { active: '0' },
      '/admin/users/dapuqiao.officer/edit',
    );
    expect(res.status).toBe(303);
    expect((await admin.get(res.headers.location)).text).toContain('用户已停用');
    const after = await officer.get('/operations');
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);
    await t.as('dapuqiao.officer').get('/api/v1/me').expect(401);
    expect(await trySignIn(t, 'dapuqiao.officer', 'liandong-demo')).toBe(401);

    await admin.post('/admin/users/dapuqiao.officer/active', { active: '1' }, '/admin/users/dapuqiao.officer/edit');
    expect(await trySignIn(t, 'dapuqiao.officer', 'liandong-demo')).toBe(303);
  });

  it('an administrator cannot disable themselves: the page says so beside the status', async () => {
    const res = await admin.post('/admin/users/admin/active', { active: '0' }, '/admin/users/admin/edit');
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, 'active')).toBe('不能停用自己的账号');
    await admin.get('/admin/users').expect(200);
  });

  it('a password reset from the page: the old password fails, the new one works, the old session ends', async () => {
    const leader = await signIn(t, 'wuliqiao.leader');
    const short = await admin.post(
      '/admin/users/wuliqiao.leader/password',
      { password: 'short' },
      '/admin/users/wuliqiao.leader/edit',
    );
    expect(short.status).toBe(400);
    expect(errorBeside(short.text, 'password')).toContain('8');
    await leader.get('/').expect(200);

    const res = await admin.post(
      '/admin/users/wuliqiao.leader/password',
      { password: 'wuliqiao-2026' },
      '/admin/users/wuliqiao.leader/edit',
    );
    expect(res.status).toBe(303);
    expect((await leader.get('/')).status).toBe(302);
    expect(await trySignIn(t, 'wuliqiao.leader', 'liandong-demo')).toBe(401);
    expect(await trySignIn(t, 'wuliqiao.leader', 'wuliqiao-2026')).toBe(303);
  });
});

describe('squads and groups through the pages', () => {
  it('a taken squad code is named beside the code, with the rest kept', async () => {
    const res = await admin.post(
      '/admin/squads',
      { code: 'waitan', name: '又一个外滩', nameEn: 'Another', kind: 'scenic', dutyStrength: '5' },
      '/admin/squads/new',
    );
    expect(res.status).toBe(409);
    expect(errorBeside(res.text, 'code')).toBe('已被使用');
    expect(inputValue(res.text, 'name')).toBe('又一个外滩');
    expect(inputValue(res.text, 'dutyStrength')).toBe('5');
    expect(selected(res.text)).toContain('scenic');
  });

  it('an administrator creates a squad and edits its duty strength', async () => {
    const created = await admin.post(
      '/admin/squads',
      { code: 'laoximen-2', name: '老西门二中队', nameEn: 'Laoximen 2', kind: 'street', dutyStrength: '6' },
      '/admin/squads/new',
    );
    expect(created.status).toBe(303);
    const edited = await admin.post(
      '/admin/squads/laoximen-2/edit',
      { name: '老西门二中队', nameEn: 'Laoximen 2', kind: 'street', dutyStrength: '0', active: '1' },
      '/admin/squads/laoximen-2/edit',
    );
    expect(edited.status).toBe(400);
    expect(errorBeside(edited.text, 'dutyStrength')).toContain('1');
    expect(inputValue(edited.text, 'dutyStrength')).toBe('0');
    await admin.post(
      '/admin/squads/laoximen-2/edit',
      { name: '老西门二中队', nameEn: 'Laoximen 2', kind: 'street', dutyStrength: '8', active: '1' },
      '/admin/squads/laoximen-2/edit',
    );
    const brigade = await t.services.org.brigadeByCode('huangpu');
    expect(
      (await t.services.db.manager.findOneByOrFail(Squad, { brigadeId: brigade.id, code: 'laoximen-2' })).dutyStrength,
    ).toBe(8);
  });

  it('a group of 2 squads is refused naming R3; the positions keep what was chosen', async () => {
    const res = await admin.post(
      '/admin/groups/south/edit',
      { name: '南片', nameEn: 'South', squads: ['wuliqiao', '', 'bansongyuanlu', ''] },
      '/admin/groups/south/edit',
    );
    expect(res.status).toBe(422);
    expect(errorBeside(res.text, 'squads')).toBe('联动小组由 3–4 个中队组成（现为 2 个）');
    const positions = [...res.text.matchAll(/<select name="squads">([\s\S]*?)<\/select>/g)].map(
      (m) => /<option value="([^"]+)" selected>/.exec(m[1])?.[1] ?? '',
    );
    expect(positions).toEqual(['wuliqiao', '', 'bansongyuanlu', '']);
    const brigade = await t.services.org.brigadeByCode('huangpu');
    expect(
      (await t.services.db.manager.findOneByOrFail(Squad, { brigadeId: brigade.id, code: 'dapuqiao' })).groupId,
    ).not.toBeNull();
  });

  it('a squad of another group is refused naming it; a valid order is saved as chosen', async () => {
    const taken = await admin.post(
      '/admin/groups/south/edit',
      { name: '南片', nameEn: 'South', squads: ['dapuqiao', 'wuliqiao', 'bansongyuanlu', 'yuyuan'] },
      '/admin/groups/south/edit',
    );
    expect(taken.status).toBe(422);
    expect(errorBeside(taken.text, 'squads')).toContain('yuyuan → oldcity');
    const ok = await admin.post(
      '/admin/groups/south/edit',
      { name: '南片', nameEn: 'South', squads: ['dapuqiao', 'wuliqiao', '', 'bansongyuanlu'] },
      '/admin/groups/south/edit',
    );
    expect(ok.status).toBe(303);
    const groups = (await admin.get('/admin/groups').expect(200)).text;
    const south = /data-group="south"[\s\S]*?<\/ol>/.exec(groups)![0];
    expect([...south.matchAll(/data-squad="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'dapuqiao',
      'wuliqiao',
      'bansongyuanlu',
    ]);
  });

  it('an administrator creates a group from squads in no group', async () => {
    for (const code of ['shiliupu', 'dongjiadu', 'penglaidu']) {
      await admin.post(
        '/admin/squads',
        { code, name: `${code}中队`, nameEn: code, kind: 'street', dutyStrength: '6' },
        '/admin/squads/new',
      );
    }
    const res = await admin.post(
      '/admin/groups',
      { code: 'riverside', name: '滨江', nameEn: 'Riverside', squads: ['shiliupu', 'dongjiadu', 'penglaidu', ''] },
      '/admin/groups/new',
    );
    expect(res.status).toBe(303);
    const group = await t.services.db.manager.findOneByOrFail(LinkageGroup, { code: 'riverside' });
    const members = await t.services.db.manager.find(Squad, {
      where: { groupId: group.id },
      order: { memberOrder: 'ASC' },
    });
    expect(members.map((s) => [s.code, s.memberOrder])).toEqual([
      ['shiliupu', 1],
      ['dongjiadu', 2],
      ['penglaidu', 3],
    ]);
  });
});

describe('another brigade through the pages', () => {
  beforeAll(async () => {
    await t.services.db.manager.insert(Brigade, {
      code: 'xuhui',
      name: '徐汇区城管执法大队',
      nameEn: 'Xuhui District Brigade',
      timeZone: 'Asia/Shanghai',
      createdAt: t.clock.now(),
      since: '2026-11',
    });
    await t.services.org.createUser({
      username: 'xuhui.officer',
      displayName: '徐汇队员',
      roles: ['officer'],
      password: 'xuhui-pass',
      brigade: 'xuhui',
    });
  });

  it('another brigade’s users are not listed and their pages are 404', async () => {
    expect((await admin.get('/admin/users').expect(200)).text).not.toContain('xuhui.officer');
    await admin.get('/admin/users/xuhui.officer/edit').expect(404);
    const res = await admin.post('/admin/users/xuhui.officer/active', { active: '0' }, '/admin/users');
    expect(res.status).toBe(404);
    expect(await trySignIn(t, 'xuhui.officer', 'xuhui-pass')).toBe(303);
  });
});
