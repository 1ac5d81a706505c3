import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/persistence/data-source';
import { ManualClock } from '../../src/clock';
import { createServices } from '../../src/container';
import { createLogger } from '../../src/logger';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { removeBuild, runScript } from '../support/spawn';

/**
 * Issue 11, finding 3: API tokens on the command line — issued with an expiry
 * (`token <user> --expires-days N`), listed, and revoked by id, by the token
 * itself, or all of a user's (`token revoke …`).
 */

let database: TestDatabase;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-tokens-cli-'));
  database = await createTestDatabase({ sqliteFile: path.join(dir, 'tokens.sqlite') });
  env = { DATABASE_URL: database.url, SCRYPT_COST: '1024', NODE_ENV: 'test' };
  expect((await runScript('cli', ['seed-demo'], env)).code).toBe(0);
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  removeBuild();
});

/** Who a token is now, as a server would answer it (401 → null), at `now`. */
async function whoIs(token: string, now = new Date()): Promise<string | null> {
  const config = testConfig(database.url);
  const db = await openDatabase(config);
  try {
    const services = createServices(config, db, new ManualClock(now.toISOString()), createLogger({ silent: true }));
    return (await services.org.authenticateToken(token)).username;
  } catch (e) {
    if ((e as { status?: number }).status === 401) return null;
    throw e;
  } finally {
    await db.close();
  }
}

const DAY = 24 * 3_600_000;

describe(`API tokens on the command line (${TEST_DB})`, () => {
  it('token USER --expires-days N issues a token that works until then; list shows its expiry', async () => {
    const issued = await runScript(
      'cli',
      ['token', 'waitan.leader', '--label', 'weekly export', '--expires-days', '7'],
      env,
    );
    expect(issued.code).toBe(0);
    const token = issued.stdout.trim();
    expect(token).toMatch(/^ld_[\w-]{32}$/);
    expect(await whoIs(token)).toBe('waitan.leader');
    expect(await whoIs(token, new Date(Date.now() + 7 * DAY + 60_000))).toBeNull();
    const list = await runScript('cli', ['token', 'list', 'waitan.leader'], env);
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((l) => l.includes('weekly export'))!;
    expect(line).toContain(`${token.slice(0, 8)}…`);
    expect(line).toMatch(/\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t(-|\S+)\tactive$/);
    expect(list.stdout).not.toContain(token);
  });

  it('a bad expiry is refused, naming it', async () => {
    const res = await runScript('cli', ['token', 'waitan.leader', '--expires-days', 'soon'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('expiresDays');
  });

  it('token revoke ID, token revoke TOKEN and token revoke --user USER: refused from then on', async () => {
    const issue = async (user: string) => (await runScript('cli', ['token', user], env)).stdout.trim();
    const [one, two, three, four] = [
      await issue('duty'),
      await issue('duty'),
      await issue('legal'),
      await issue('legal'),
    ];
    const id = (await runScript('cli', ['token', 'list', 'duty'], env)).stdout
      .split('\n')
      .find((l) => l.includes(`${one.slice(0, 8)}…`))!
      .split('\t')[0];

    expect((await runScript('cli', ['token', 'revoke', id], env)).stdout).toBe('Revoked 1 token(s).\n');
    expect(await whoIs(one)).toBeNull();
    expect(await whoIs(two)).toBe('duty');

    expect((await runScript('cli', ['token', 'revoke', two], env)).stdout).toBe('Revoked 1 token(s).\n');
    expect(await whoIs(two)).toBeNull();

    expect((await runScript('cli', ['token', 'revoke', '--user', 'legal'], env)).stdout).toBe('Revoked 2 token(s).\n');
    expect([await whoIs(three), await whoIs(four)]).toEqual([null, null]);
    expect((await runScript('cli', ['token', 'list', 'legal'], env)).stdout.match(/\trevoked$/gm)).toHaveLength(2);

    const unknown = await runScript('cli', ['token', 'revoke', '999999'], env);
    expect(unknown.code).toBe(1);
  });
});
