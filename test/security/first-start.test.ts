import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { openDatabase } from '../../src/persistence/data-source';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { removeBuild, runScript, startScript } from '../support/spawn';

/**
 * Issue 11, finding 1: `NODE_ENV=production` on an empty database loaded every
 * demo user, `admin` included, with the published password, and /login printed
 * it. In production nothing demo is loaded unless SEED_DEMO=1 says so; the
 * sign-in page never shows a password; an empty production database starts
 * with no users and start-up says how to create the first administrator.
 * Development (`npm start`) keeps the demo.
 */

let dir: string;
const databases: TestDatabase[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-first-start-'));
});
afterAll(async () => {
  for (const d of databases) await d.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  removeBuild();
});

async function emptyDatabase(name: string): Promise<TestDatabase> {
  const database = await createTestDatabase({ sqliteFile: path.join(dir, `${name}.sqlite`) });
  databases.push(database);
  return database;
}

async function count(url: string, table: string): Promise<number> {
  const db = await openDatabase(testConfig(url));
  try {
    const [row] = await db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row.n);
  } finally {
    await db.close();
  }
}

/** Starts the built server, runs `check` against it, and stops it. */
async function withServer(
  env: Record<string, string>,
  check: (url: string, output: () => string) => Promise<void>,
): Promise<void> {
  const { child, match, output } = await startScript(
    'server',
    { SCRYPT_COST: '1024', PORT: '0', JOBS: '0', DEMO_HISTORY_MONTHS: '0', ...env },
    /running: (http:\/\/\S+)/,
  );
  try {
    // Everything start-up prints comes out in one write.
    await new Promise((r) => setTimeout(r, 200));
    await check(match[1], output);
  } finally {
    await stop(child);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGTERM');
  await exited;
}

const DEMO_PASSWORD = 'liandong-demo';

describe(`the first start in production (${TEST_DB})`, () => {
  it('an empty production database gets no users, the sign-in page shows no password, and start-up says how to create the first administrator', async () => {
    const database = await emptyDatabase('production');
    const env = { DATABASE_URL: database.url, NODE_ENV: 'production' };
    await withServer(env, async (url, output) => {
      expect(await count(database.url, 'users')).toBe(0);
      expect(await count(database.url, 'brigades')).toBe(0);
      const login = await fetch(`${url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(login.status).toBe(200);
      const html = await login.text();
      expect(html).not.toContain(DEMO_PASSWORD);
      expect(output()).not.toContain(DEMO_PASSWORD);
      expect(output()).toContain('npm run cli -- user create --roles admin');
      // Nobody signs in as the demo administrator.
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
      const signIn = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-proto': 'https' },
        body: new URLSearchParams({ _csrf: csrf, username: 'admin', password: DEMO_PASSWORD, next: '/' }).toString(),
      });
      expect(signIn.status).toBe(401);
    });

    // The printed instruction works on that empty database: the brigade and its first administrator in one step.
    const created = await runScript(
      'cli',
      [
        'user',
        'create',
        '--roles',
        'admin',
        '--username',
        'chief.admin',
        '--name',
        '系统管理员',
        '--brigade',
        'xuhui',
        '--brigade-name',
        '徐汇区城管执法大队',
      ],
      { ...env, SCRYPT_COST: '1024' },
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created user chief\.admin \(id \d+\)\. Password: \S{8,}/);
    expect(await count(database.url, 'users')).toBe(1);
    expect(await count(database.url, 'squads')).toBe(0);

    // Started again, it has users: no instruction, no demo, still no password on the page.
    await withServer(env, async (url, output) => {
      expect(output()).not.toContain('user create --roles admin');
      expect(output()).not.toContain(DEMO_PASSWORD);
      expect(await (await fetch(`${url}/login`)).text()).not.toContain(DEMO_PASSWORD);
      expect(await count(database.url, 'users')).toBe(1);
    });
  });

  it('a new brigade is only made with its first administrator: other roles are refused, naming the field', async () => {
    const database = await emptyDatabase('refused');
    const res = await runScript(
      'cli',
      [
        'user',
        'create',
        '--roles',
        'officer',
        '--username',
        'someone',
        '--name',
        '某人',
        '--brigade',
        'xuhui',
        '--brigade-name',
        '徐汇区城管执法大队',
      ],
      { DATABASE_URL: database.url, NODE_ENV: 'production', SCRYPT_COST: '1024' },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('roles:');
    expect(await count(database.url, 'brigades')).toBe(0);
  });

  it('SEED_DEMO=1 loads the demo into an empty production database, explicitly; the sign-in page still shows no password', async () => {
    const database = await emptyDatabase('production-demo');
    await withServer({ DATABASE_URL: database.url, NODE_ENV: 'production', SEED_DEMO: '1' }, async (url, output) => {
      expect(await count(database.url, 'users')).toBe(41);
      expect(output()).toContain('Loaded the reference organisation');
      expect(output()).not.toContain('user create --roles admin');
      expect(await (await fetch(`${url}/login`)).text()).not.toContain(DEMO_PASSWORD);
    });
  });

  it('in development (npm start) an empty database still gets the demo, and start-up says how to sign in', async () => {
    const database = await emptyDatabase('development');
    await withServer({ DATABASE_URL: database.url, NODE_ENV: 'development' }, async (url, output) => {
      expect(await count(database.url, 'users')).toBe(41);
      expect(output()).toContain(DEMO_PASSWORD);
      expect(await (await fetch(`${url}/login`)).text()).not.toContain(DEMO_PASSWORD);
    });
  });
});
