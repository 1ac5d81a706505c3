import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/persistence/data-source';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { removeBuild, runScript, scriptEnv, startScript } from '../support/spawn';

let database: TestDatabase;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-cli-'));
  database = await createTestDatabase({ sqliteFile: path.join(dir, 'cli.sqlite') });
  env = scriptEnv(database.url);
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  removeBuild();
});

describe(`the CLI (${TEST_DB})`, () => {
  it('migrate applies the migrations once, then says the database is up to date', async () => {
    const first = await runScript('cli', ['migrate'], env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Applied: Organisation\d+, WorkflowsAndOperations\d+/);
    const second = await runScript('cli', ['migrate'], env);
    expect(second.stdout).toBe('The database is up to date.\n');
  });

  it('seed-demo loads the reference organisation, and adds nothing the second time', async () => {
    const first = await runScript('cli', ['seed-demo'], env);
    expect(first.stdout).toContain('brigade added, 4 group(s), 17 squad(s), 41 user(s) added');
    const second = await runScript('cli', ['seed-demo'], env);
    expect(second.stdout).toContain('brigade present, 0 group(s), 0 squad(s), 0 user(s) added');
  });

  it('seed-demo --history-months loads a past of demo operations once, and not into a database that has operations', async () => {
    const bad = await runScript('cli', ['seed-demo', '--history-months', 'lots'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--history-months');
    const first = await runScript('cli', ['seed-demo', '--history-months', '2'], env);
    expect(first.code).toBe(0);
    const [, ops, steps] = /Demo history: (\d+) operation\(s\), (\d+) step\(s\)/.exec(first.stdout)!;
    expect(Number(ops)).toBeGreaterThanOrEqual(4);
    expect(Number(steps)).toBeGreaterThan(Number(ops) * 3);
    const second = await runScript('cli', ['seed-demo', '--history-months', '2'], env);
    expect(second.stdout).toContain('Demo history: not loaded, the database already has operations.');
  });

  it('verify-history verifies the demo past and anchors prints the day’s anchor; a step changed behind the application’s back is named, exit 1', async () => {
    const ok = await runScript('cli', ['verify-history'], env);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/History verifies: \d+ record\(s\), \d+ step\(s\)\./);
    expect((await runScript('cli', ['job', 'run', 'history-anchor'], env)).code).toBe(0);
    const anchors = await runScript('cli', ['anchors'], env);
    expect(anchors.stdout).toMatch(/^huangpu\s+\d{4}-\d\d-\d\d\s+[0-9a-f]{64}\s+\d+\s+\d+\s+\d+\s+\S+Z$/m);

    const db = await openDatabase(testConfig(database.url));
    try {
      const [row] = await db.dataSource.query(
        'SELECT h.id, h.instance_id, h.payload, o.title FROM workflow_history h JOIN operations o ON o.id = h.instance_id WHERE h.seq = 2 ORDER BY h.id LIMIT 1',
      );
      await db.dataSource.query('UPDATE workflow_history SET payload = ? WHERE id = ?', ['{"note":"改过"}', row.id]);
      const bad = await runScript('cli', ['verify-history', '--brigade', 'huangpu'], env);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`operation #${row.instance_id} 「${row.title}」: does not verify from row 2`);
      expect(bad.stdout).toContain('row 2: stored hash ≠ recomputed');
      await db.dataSource.query('UPDATE workflow_history SET payload = ? WHERE id = ?', [
        typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload),
        row.id,
      ]);
    } finally {
      await db.close();
    }
    expect((await runScript('cli', ['verify-history'], env)).code).toBe(0);
  });

  it('user create makes a user with roles and a squad; a taken name or unknown role is refused, naming the field', async () => {
    const ok = await runScript(
      'cli',
      [
        'user',
        'create',
        '--username',
        'laoximen.deputy',
        '--name',
        '老西门中队副中队长',
        '--roles',
        'squad_leader',
        '--squad',
        'laoximen',
      ],
      env,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Created user laoximen\.deputy \(id \d+\)\. Password: \S{8,}/);
    const taken = await runScript(
      'cli',
      [
        'user',
        'create',
        '--username',
        'laoximen.deputy',
        '--name',
        'x',
        '--roles',
        'officer',
        '--password',
        'longenough',
      ],
      env,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('username: Already taken');
    const badRole = await runScript(
      'cli',
      ['user', 'create', '--username', 'someone', '--name', 'x', '--roles', 'king', '--password', 'longenough'],
      env,
    );
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('roles: No such role: king');
  });

  it('token prints a new token for a user; an unknown user is an error', async () => {
    const ok = await runScript('cli', ['token', 'waitan.leader'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ld_[\w-]{32}\n$/);
    const unknown = await runScript('cli', ['token', 'nobody'], env);
    expect(unknown.code).toBe(1);
  });

  it('an unknown command prints the help and fails', async () => {
    const res = await runScript('cli', ['frobnicate'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Unknown command: frobnicate');
  });

  it('a bad setting stops it with a message naming the key', async () => {
    const res = await runScript('cli', ['migrate'], { ...env, DATABASE_POOL_SIZE: 'lots' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('DATABASE_POOL_SIZE=lots: must be a whole number');
  });
});

describe(`npm start (${TEST_DB})`, () => {
  it('serves the app, prints where to open it and how to sign in, and stops cleanly', async () => {
    const { child, match, output } = await startScript('server', { ...env, PORT: '0' }, /running: (http:\/\/\S+)/);
    try {
      const url = match[1];
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(output()).toContain('liandong-demo');
      expect(output()).toContain('npm run cli -- token waitan.leader');
    } finally {
      const exited = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('a start that fails says why, at the lines of src/*.ts it failed in (the bundle mapped back)', async () => {
    const res = await runScript('server', [], { ...env, DATABASE_URL: 'mysql://root@127.0.0.1:1/none' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Liandong could not start: Error: connect ECONNREFUSED 127.0.0.1:1');
    expect(res.stderr).toMatch(/at async boot \(\S+\/src\/bootstrap\.ts:\d+:\d+\)/);
    expect(res.stderr).not.toMatch(/server\.js:\d+/);
  });

  it('refuses to start with a bad setting, naming it', async () => {
    const res = await runScript('server', [], { ...env, PORT: '99999' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('http.port (set by PORT)');
  });
});
