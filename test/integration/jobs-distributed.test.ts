import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { openDatabase } from '../../src/persistence/data-source';
import { sql } from '../../src/persistence/sql';
import { createTestDatabase, TEST_DB, testConfig, type TestDatabase } from '../support/db';
import { removeBuild, scriptEnv, startScript } from '../support/spawn';

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-cron-'));
  database = await createTestDatabase({ sqliteFile: path.join(dir, 'cron.sqlite') });
});
afterAll(async () => {
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  removeBuild();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));

describe(`scheduled jobs across instances (${TEST_DB})`, () => {
  it('three instances on one database with a one-second schedule: every slot runs exactly once, and killing one loses no slot after it', async () => {
    const env = scriptEnv(database.url, {
      PORT: '0',
      JOB_SCHEDULES: JSON.stringify({ sessions: '* * * * * *' }),
    });
    const first = await startScript('server', { ...env, INSTANCE_NAME: 'a' }, /running: (http:\/\/\S+)/);
    const others = await Promise.all(
      ['b', 'c'].map((name) => startScript('server', { ...env, INSTANCE_NAME: name }, /running: (http:\/\/\S+)/)),
    );
    const all = [first, ...others];
    try {
      await sleep(5000);
      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      await exited(first.child);
      await sleep(6000);
      for (const s of others) s.child.kill('SIGTERM');
      const stoppedAt = Date.now();
      await Promise.all(others.map((s) => exited(s.child)));

      const db = await openDatabase(testConfig(database.url));
      const { rows } = await sql<{ slot_key: string; instance: string; status: string }>(
        db.manager,
        "SELECT slot_key, instance, status FROM job_runs WHERE job = 'sessions' AND via = 'schedule' ORDER BY slot_key",
      );
      const { rows: slots } = await sql<{ slot_key: string; instance: string }>(
        db.manager,
        "SELECT slot_key, instance FROM job_slots WHERE job = 'sessions' ORDER BY slot_key",
      );
      await db.close();

      // Exactly once: no slot ran twice, and every claimed slot ran on the instance that claimed it.
      const perSlot = new Map<string, string[]>();
      for (const r of rows) perSlot.set(r.slot_key, [...(perSlot.get(r.slot_key) ?? []), r.instance]);
      expect([...perSlot.values()].filter((v) => v.length > 1)).toEqual([]);
      for (const s of slots) {
        if (perSlot.has(s.slot_key)) expect(perSlot.get(s.slot_key)).toEqual([s.instance]);
      }
      // No slot lost after the kill: every second from just after it to just before the stop ran, on b or c.
      const seconds = new Set(slots.map((s) => Date.parse(s.slot_key.slice('sessions:'.length)) / 1000));
      const after = Math.ceil(killedAt / 1000) + 1;
      const before = Math.floor(stoppedAt / 1000) - 1;
      const missing: number[] = [];
      for (let s = after; s <= before; s++) if (!seconds.has(s)) missing.push(s);
      expect(missing).toEqual([]);
      const survivors = new Set(
        slots.filter((s) => Date.parse(s.slot_key.slice(9)) / 1000 >= after).map((s) => s.instance),
      );
      expect([...survivors].every((i) => i === 'b' || i === 'c')).toBe(true);
      expect(slots.length).toBeGreaterThanOrEqual(9);
      // Each slot ran once in all, spread over the instances (whoever inserted the key first).
      expect(new Set(slots.map((s) => s.instance)).size).toBeGreaterThanOrEqual(2);
    } finally {
      for (const s of all) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 60_000);
});
