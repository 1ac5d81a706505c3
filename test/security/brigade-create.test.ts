import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/persistence/data-source';
import { Brigade, User } from '../../src/persistence/entities';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { removeBuild, runScript, scriptEnv } from '../support/spawn';

/**
 * Issue 11, finding 4: a second brigade is an ordinary thing —
 * `npm run cli -- brigade create`, then its first administrator with
 * `user create --brigade`.
 */
let database: TestDatabase;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-brigade-'));
  database = await createTestDatabase({ sqliteFile: path.join(dir, 'cli.sqlite') });
  env = scriptEnv(database.url);
  expect((await runScript('cli', ['seed-demo'], env)).code).toBe(0);
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  removeBuild();
});

async function brigades(): Promise<Brigade[]> {
  const db = await openDatabase(testConfig(database.url));
  try {
    return await db.manager.find(Brigade, { order: { id: 'ASC' } });
  } finally {
    await db.close();
  }
}

describe(`brigade create (${TEST_DB})`, () => {
  it('creates a brigade with its code, names, time zone and since month, and says what to do next', async () => {
    const res = await runScript(
      'cli',
      [
        'brigade',
        'create',
        '--code',
        'jingan',
        '--name',
        '静安区城管执法大队',
        '--name-en',
        'Jing’an District brigade',
        '--time-zone',
        'Asia/Shanghai',
        '--since',
        '2026-01',
      ],
      env,
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^Created brigade jingan \(静安区城管执法大队, id \d+\), time zone Asia\/Shanghai, using Liandong since 2026-01\.\n/,
    );
    expect(res.stdout).toContain('npm run cli -- user create --brigade jingan --username jingan.admin');
    const jingan = (await brigades()).find((b) => b.code === 'jingan');
    expect(jingan).toMatchObject({
      name: '静安区城管执法大队',
      nameEn: 'Jing’an District brigade',
      timeZone: 'Asia/Shanghai',
      since: '2026-01',
    });
  });

  it('by default: the English name is the name, the time zone the configured one, since the month under way', async () => {
    const res = await runScript('cli', ['brigade', 'create', '--code', 'xuhui', '--name', '徐汇区城管执法大队'], env);
    expect(res.code).toBe(0);
    const xuhui = (await brigades()).find((b) => b.code === 'xuhui')!;
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .slice(0, 7);
    expect(xuhui).toMatchObject({ nameEn: '徐汇区城管执法大队', timeZone: 'Asia/Shanghai', since: month });
  });

  it('refuses a taken code, a bad code, a missing name, a time zone that is not an IANA name and a since month in the future, naming each', async () => {
    const taken = await runScript('cli', ['brigade', 'create', '--code', 'huangpu', '--name', '重复'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('code: Already taken');
    const bad = await runScript(
      'cli',
      ['brigade', 'create', '--code', 'Bad Code', '--time-zone', '+08:00', '--since', '2999-01'],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/code: /);
    expect(bad.stderr).toMatch(/name: /);
    expect(bad.stderr).toContain('timeZone: A time zone is an IANA name, e.g. Asia/Shanghai');
    const mars = await runScript(
      'cli',
      ['brigade', 'create', '--code', 'mars', '--name', '火星', '--time-zone', 'Mars/Olympus_Mons'],
      env,
    );
    expect(mars.stderr).toContain('timeZone: A time zone is an IANA name');
    const future = await runScript(
      'cli',
      ['brigade', 'create', '--code', 'future', '--name', '未来', '--since', '2999-01'],
      env,
    );
    expect(future.stderr).toMatch(/since: Cannot be later than this month/);
    expect((await brigades()).map((b) => b.code)).toEqual(['huangpu', 'jingan', 'xuhui']);
  });

  it('its first administrator is made with user create --brigade; with two brigades, user create must name one', async () => {
    const admin = await runScript(
      'cli',
      [
        'user',
        'create',
        '--brigade',
        'jingan',
        '--username',
        'jingan.admin',
        '--name',
        '静安系统管理员',
        '--roles',
        'admin',
        '--password',
        'longenough',
      ],
      env,
    );
    expect(admin.code).toBe(0);
    const unnamed = await runScript(
      'cli',
      ['user', 'create', '--username', 'someone', '--name', 'x', '--roles', 'officer', '--password', 'longenough'],
      env,
    );
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toContain('brigade:');
    const db = await openDatabase(testConfig(database.url));
    try {
      const user = await db.manager.findOneByOrFail(User, { username: 'jingan.admin' });
      expect(user.brigadeId).toBe((await db.manager.findOneByOrFail(Brigade, { code: 'jingan' })).id);
    } finally {
      await db.close();
    }
  });
});
