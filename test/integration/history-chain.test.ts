import { MIGRATIONS } from '../../src/persistence/migrations';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anchorsCommand, verifyHistoryCommand } from '../../src/cli-history';
import { seedDemoHistory } from '../../src/domain/org/demo-history';
import { GENESIS_HASH, payloadValue, stepHash } from '../../src/engine/history-hash';
import { createLogger } from '../../src/logger';
import { sql } from '../../src/persistence/sql';
import { createOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/db';

let t: TestApp;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  t = await startTestApp({ config: { history: { anchorSettleSeconds: 0 } } });
});
afterAll(async () => {
  await t.close();
});

const q = (statement: string, params: unknown[] = []) =>
  sql<Record<string, any>>(t.services.db.manager, statement, params);

async function verifyCli(args: string[] = []): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await verifyHistoryCommand(t.services, args, (s) => (out += s));
  return { code, out };
}

/** An operation filed, returned, filed again and approved: five steps. */
async function fiveSteps(title: string): Promise<number> {
  const { id } = await createOperation(t, { title });
  let v = await send(t, id, 1, 'FILE');
  v = await send(t, id, v, 'RETURN', { reason: '请补充应急预案' });
  v = await send(t, id, v, 'FILE');
  await send(t, id, v, 'APPROVE');
  return id;
}

/** Runs `change`, then puts back the rows and chain head of `instanceId` exactly as they were. */
async function tampered<T>(instanceId: number, change: () => Promise<T>): Promise<T> {
  const rows = (await q('SELECT * FROM workflow_history WHERE instance_id = ? ORDER BY seq', [instanceId])).rows;
  const head = (await q('SELECT head_hash FROM workflow_instances WHERE id = ?', [instanceId])).rows[0].head_hash;
  try {
    return await change();
  } finally {
    await t.services.db.transaction(async (m) => {
      await sql(m, 'DELETE FROM workflow_history WHERE instance_id = ?', [instanceId]);
      for (const r of rows) {
        const cols = Object.keys(r);
        await sql(
          m,
          `INSERT INTO workflow_history (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
          cols.map((c) => (c === 'payload' && typeof r[c] !== 'string' ? JSON.stringify(r[c]) : r[c])),
        );
      }
      await sql(m, 'UPDATE workflow_instances SET head_hash = ? WHERE id = ?', [head, instanceId]);
    });
  }
}

/** What someone who knows the algorithm would do after an edit: hash the record's whole chain again, head included. */
async function rehashChain(instanceId: number): Promise<void> {
  const {
    rows: [inst],
  } = await q('SELECT workflow FROM workflow_instances WHERE id = ?', [instanceId]);
  const { rows } = await q('SELECT * FROM workflow_history WHERE instance_id = ? ORDER BY seq', [instanceId]);
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const hash = stepHash(prev, {
      instanceId,
      workflow: inst.workflow,
      brigadeId: Number(r.brigade_id),
      seq: Number(r.seq),
      event: r.event,
      payload: payloadValue(r.payload),
      actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
      actorName: r.actor_name,
      role: r.actor_role,
      from: r.from_state,
      to: r.to_state,
      at: r.at,
      effectiveAt: r.effective_at,
    });
    await q('UPDATE workflow_history SET prev_hash = ?, hash = ? WHERE id = ?', [prev, hash, r.id]);
    prev = hash;
  }
  await q('UPDATE workflow_instances SET head_hash = ? WHERE id = ?', [prev, instanceId]);
}

describe(`the history's hash chains (${TEST_DB})`, () => {
  it('the demo past, driven through the workflows, verifies clean, and the daily anchor job anchors it', async () => {
    const report = await seedDemoHistory(t.services.config, t.services.db, createLogger({ silent: true }), {
      months: 2,
      now: t.clock.now(),
    });
    expect(report.events).toBeGreaterThan(20);
    const before = await verifyCli();
    expect(before.code).toBe(0);
    expect(before.out).toContain('no anchor yet');
    const run = await t.services.jobs.run('history-anchor', { via: 'cli' });
    expect(run).toMatchObject({ status: 'ok', did: 1 });
    const again = await t.services.jobs.run('history-anchor', { via: 'cli' });
    expect(again).toMatchObject({ status: 'ok', did: 0 });
    const { code, out } = await verifyCli();
    expect(code).toBe(0);
    expect(out).toMatch(/huangpu: verified \d+ record\(s\), \d+ step\(s\)\n/);
    expect(out).toMatch(/anchor \d{4}-\d\d-\d\d \(latest in the database, history up to #\d+\): reproduced ✓/);
    expect(out).toContain('History verifies');
    const {
      rows: [{ n }],
    } = await q('SELECT COUNT(*) AS n FROM workflow_history');
    expect(out).toContain(`${Number(n)} step(s)`);
  });

  it('each step is chained to the one before, from the genesis value, and the record keeps the head — milliseconds and all', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 999));
    const id = await fiveSteps('九江路无证设摊联合整治');
    const { rows } = await q(
      'SELECT seq, prev_hash, hash, at FROM workflow_history WHERE instance_id = ? ORDER BY seq',
      [id],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    const {
      rows: [inst],
    } = await q('SELECT head_hash FROM workflow_instances WHERE id = ?', [id]);
    expect(inst.head_hash).toBe(rows[4].hash);
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body;
    expect(history).toMatchObject({ verified: true, firstBadSeq: null });
    expect((await verifyCli()).code).toBe(0);
  });

  it('a payload edited in the database is named — record, title and step — and verify-history exits 1', async () => {
    const id = await fiveSteps('河南中路占道经营整治');
    await tampered(id, async () => {
      const {
        rows: [row],
      } = await q('SELECT payload FROM workflow_history WHERE instance_id = ? AND seq = 3', [id]);
      const text = typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
      expect(text).toContain('请补充应急预案');
      await q('UPDATE workflow_history SET payload = ? WHERE instance_id = ? AND seq = 3', [
        text.replace('请补充应急预案', '同意'),
        id,
      ]);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).toContain(`operation #${id} 「河南中路占道经营整治」: does not verify from row 3`);
      expect(out).toContain("row 3: stored hash ≠ recomputed — the row's own content (or its hash) was changed");
      expect(out).toContain('1 record(s) do NOT verify');
      expect(out).toContain('History does NOT verify');
      const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body;
      expect(history).toMatchObject({ verified: false, firstBadSeq: 3 });
    });
    expect((await verifyCli()).code).toBe(0);
  });

  it('an actor changed in the database is named, and so is a from-state that no longer follows the step before', async () => {
    const id = await fiveSteps('中山东一路夜间整治');
    await tampered(id, async () => {
      await q("UPDATE workflow_history SET actor_name = '某某' WHERE instance_id = ? AND seq = 4", [id]);
      await q("UPDATE workflow_history SET from_state = 'approved' WHERE instance_id = ? AND seq = 2", [id]);
      const { code, out } = await verifyCli(['--brigade', 'huangpu']);
      expect(code).toBe(1);
      expect(out).toContain(`operation #${id} 「中山东一路夜间整治」: does not verify from row 2`);
      expect(out).toMatch(/row 2: stored hash ≠ recomputed .*; looks changed: from\n/);
      expect(out).toContain('row 4: stored hash ≠ recomputed');
    });
  });

  it('a deleted step is named, in the middle of a chain and at its end', async () => {
    const id = await fiveSteps('福州路违法户外广告清理');
    await tampered(id, async () => {
      await q('DELETE FROM workflow_history WHERE instance_id = ? AND seq = 3', [id]);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).toContain(`operation #${id} 「福州路违法户外广告清理」: does not verify from row 3`);
      expect(out).toContain('row 3: missing (deleted)');
    });
    await tampered(id, async () => {
      await q('DELETE FROM workflow_history WHERE instance_id = ? AND seq = 5', [id]);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).toContain('row 5: missing (deleted; the record is at version 5)');
    });
    expect((await verifyCli()).code).toBe(0);
  });

  it('a step re-hashed alone after an edit breaks the link to the next step; the last step re-hashed alone no longer matches the head', async () => {
    const id = await fiveSteps('北京东路夜市整治');
    const { rows: original } = await q(
      'SELECT id, seq, prev_hash, hash, actor_role FROM workflow_history WHERE instance_id = ? ORDER BY seq',
      [id],
    );
    await tampered(id, async () => {
      const row2 = original[1];
      const {
        rows: [inst],
      } = await q('SELECT workflow FROM workflow_instances WHERE id = ?', [id]);
      const {
        rows: [full],
      } = await q('SELECT * FROM workflow_history WHERE id = ?', [row2.id]);
      const rehashed = stepHash(row2.prev_hash, {
        instanceId: id,
        workflow: inst.workflow,
        brigadeId: Number(full.brigade_id),
        seq: 2,
        event: full.event,
        payload: payloadValue(full.payload),
        actorUserId: Number(full.actor_user_id),
        actorName: full.actor_name,
        role: 'commander',
        from: full.from_state,
        to: full.to_state,
        at: full.at,
        effectiveAt: full.effective_at,
      });
      await q("UPDATE workflow_history SET actor_role = 'commander', hash = ? WHERE id = ?", [rehashed, row2.id]);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).toContain(`does not verify from row 3`);
      expect(out).toContain('row 3: the link to row 2 is broken');
      expect(out).not.toContain('row 2: stored hash');
    });
    await tampered(id, async () => {
      await q('UPDATE workflow_history SET payload = ? WHERE instance_id = ? AND seq = 5', ['{"note":"补记"}', id]);
      // The last step re-hashed over its stored link: its own check passes, the head on the record does not.
      const {
        rows: [inst],
      } = await q('SELECT workflow FROM workflow_instances WHERE id = ?', [id]);
      const {
        rows: [full],
      } = await q('SELECT * FROM workflow_history WHERE instance_id = ? AND seq = 5', [id]);
      const rehashed = stepHash(full.prev_hash, {
        instanceId: id,
        workflow: inst.workflow,
        brigadeId: Number(full.brigade_id),
        seq: 5,
        event: full.event,
        payload: { note: '补记' },
        actorUserId: Number(full.actor_user_id),
        actorName: full.actor_name,
        role: full.actor_role,
        from: full.from_state,
        to: full.to_state,
        at: full.at,
        effectiveAt: full.effective_at,
      });
      await q('UPDATE workflow_history SET hash = ? WHERE id = ?', [rehashed, full.id]);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).toContain("row 5: the record's chain head is not this row's hash");
    });
  });

  it('an edit followed by re-hashing the whole chain passes the chain check but not the anchor taken before it (nor one kept outside)', async () => {
    const id = await fiveSteps('南京东路步行街联合整治');
    t.clock.advance(DAY);
    const [taken] = await t.services.historyChain.anchor(t.clock.now());
    expect(taken.taken).toBe(true);
    // Kept outside the system: what `anchors` printed.
    let printed = '';
    await anchorsCommand(t.services, [], (s) => (printed += s));
    expect(printed).toContain(taken.anchor.digest);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-anchors-'));
    const file = path.join(dir, 'anchors.txt');
    fs.writeFileSync(file, printed);
    // Steps after the anchor do not disturb it.
    expect(await send(t, id, 5, 'CANCEL', { reason: '天气原因，改期' }, 'duty')).toBe(6);
    expect((await verifyCli(['--anchors', file])).code).toBe(0);

    await tampered(id, async () => {
      await q("UPDATE workflow_history SET actor_name = '外滩中队' WHERE instance_id = ? AND seq = 2", [id]);
      await rehashChain(id);
      const { code, out } = await verifyCli();
      expect(code).toBe(1);
      expect(out).not.toContain('does not verify from row');
      expect(out).toContain(
        `anchor ${taken.day} (latest in the database, history up to #${taken.anchor.uptoHistoryId}): NOT reproduced`,
      );

      // Rewriting the anchors table too does not help against the copy kept outside.
      const [forged] = await t.services.historyChain
        .verify({
          kept: [
            {
              brigade: 'huangpu',
              day: taken.day,
              digest: '0'.repeat(64),
              recordCount: 0,
              stepCount: 0,
              uptoHistoryId: taken.anchor.uptoHistoryId,
            },
          ],
        })
        .then((r) => r.brigades[0].anchors.filter((a) => a.source === 'kept').map((a) => a.found));
      await q('UPDATE history_anchors SET digest = ?, record_count = ?, step_count = ? WHERE id = ?', [
        forged.digest,
        forged.recordCount,
        forged.stepCount,
        taken.anchor.id,
      ]);
      expect((await verifyCli()).code).toBe(0);
      const kept = await verifyCli(['--anchors', file]);
      expect(kept.code).toBe(1);
      expect(kept.out).toContain(
        `anchor ${taken.day} (kept outside, history up to #${taken.anchor.uptoHistoryId}): NOT reproduced`,
      );
      expect(kept.out).toContain('the anchors table was changed');
    });
    await q('UPDATE history_anchors SET digest = ?, record_count = ?, step_count = ? WHERE id = ?', [
      taken.anchor.digest,
      taken.anchor.recordCount,
      taken.anchor.stepCount,
      taken.anchor.id,
    ]);
    expect((await verifyCli(['--anchors', file])).code).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the same content hashes the same on either database: a row written with milliseconds and Chinese text reads back to the known vector', async () => {
    // The vector of test/unit/canonical-json.test.ts: record 12 of brigade 1, step 2, by user 7.
    const brigade = await t.services.org.brigadeByCode('huangpu');
    const at = new Date('2026-11-02T01:00:05.999Z');
    const { insertId: instanceId } = await q(
      "INSERT INTO workflow_instances (brigade_id, workflow, machine_version, state, snapshot, version, created_at, updated_at) VALUES (?, 'vector', 1, 'filed', '{}', 2, ?, ?)",
      [brigade.id, at, at],
    );
    const { insertId } = await q(
      "INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash) VALUES (?, ?, 2, 7, '外滩中队领导', 'squad_leader', 'FILE', ?, 'draft', 'filed', 2, ?, ?, ?, 'x')",
      [instanceId, 1, '{"note":"请审批","hours":4.0}', at, at, GENESIS_HASH],
    );
    try {
      const {
        rows: [r],
      } = await q('SELECT * FROM workflow_history WHERE id = ?', [insertId]);
      const hash = stepHash(GENESIS_HASH, {
        instanceId: 12,
        workflow: 'operation',
        brigadeId: Number(r.brigade_id),
        seq: Number(r.seq),
        event: r.event,
        payload: payloadValue(r.payload),
        actorUserId: Number(r.actor_user_id),
        actorName: r.actor_name,
        role: r.actor_role,
        from: r.from_state,
        to: r.to_state,
        at: r.at,
        effectiveAt: r.effective_at,
      });
      expect(hash).toBe('678d2766aee00085cefa49515df24620fd98d1f993a42616d5a7cfd84ec8ef6e');
    } finally {
      await q('DELETE FROM workflow_instances WHERE id = ?', [instanceId]);
    }
  });
});

/** Undoes the migrations down to and including `name` (each later one's `down` runs on the data too); returns their names, oldest first. */
async function undoThrough(
  db: { dataSource: { undoLastMigration(o: { transaction: 'each' }): Promise<void> } },
  name: string,
): Promise<string[]> {
  const names = MIGRATIONS.map((M) => new M().name);
  const undone = names.slice(names.indexOf(name));
  for (let i = 0; i < undone.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
  return undone;
}

describe(`the migration that chains the history (${TEST_DB})`, () => {
  it('hashes the rows written before it, record by record in batches, so they verify — and the engine chains on from them', async () => {
    const old = await startTestApp({ config: { history: { anchorSettleSeconds: 0 } } });
    try {
      const db = old.services.db;
      const { id } = await createOperation(old, { title: '老西门地铁站口整治' });
      const v = await send(old, id, 1, 'FILE');
      const counts = async () =>
        Object.fromEntries(
          await Promise.all(
            ['workflow_history', 'operations', 'operation_squads', 'workflow_deadlines', 'outbox'].map(
              async (table) => [
                table,
                Number((await sql<{ n: number }>(db.manager, `SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n),
              ],
            ),
          ),
        );
      const before = await counts();
      const brigade = await old.services.org.brigadeByCode('huangpu');
      // Back to the schema before the chain (and the migrations after it): the rows lose their hashes and the records their heads.
      const after = await undoThrough(db, 'HistoryHashChain1796522400000');
      // (Rebuilding a table on SQLite must not cascade to what refers to it.)
      expect(await counts()).toEqual(before);
      const { rows: cols } = await sql<Record<string, unknown>>(
        db.manager,
        'SELECT * FROM workflow_history WHERE instance_id = ?',
        [id],
      );
      expect(Object.keys(cols[0])).not.toContain('hash');
      // And a longer past written then, more records than one batch: Chinese text, 4.0 written as such, milliseconds, the system's steps.
      await db.transaction(async (m) => {
        for (let i = 0; i < 230; i++) {
          const at = new Date(Date.UTC(2026, 9, 1, 8, 0, i % 60, 250 + i));
          const { insertId } = await sql(
            m,
            "INSERT INTO workflow_instances (brigade_id, workflow, machine_version, state, snapshot, version, created_at, updated_at) VALUES (?, 'goods', 1, 'returned', '{}', 3, ?, ?)",
            [brigade.id, at, at],
          );
          await sql(
            m,
            `INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at) VALUES
               (?, ?, 1, 3, '外滩中队领导', 'squad_leader', 'CREATE', ?, NULL, 'held', 1, ?, ?),
               (?, ?, 2, NULL, 'system', 'system', 'LIMIT_NEAR', '{}', 'held', 'held', 2, ?, ?),
               (?, ?, 3, 3, '外滩中队领导', 'squad_leader', 'RETURN_TO_OWNER', ?, 'held', 'returned', 3, ?, ?)`,
            [
              insertId,
              brigade.id,
              `{"description":"西瓜 ${i} 个","quantity":${i}.0,"unit":"个","perishable":true}`,
              at,
              at,
              insertId,
              brigade.id,
              new Date(at.getTime() + 3_600_000),
              at,
              insertId,
              brigade.id,
              '{"note":"当事人领回","receipt":{"by":"王某","count":2.50}}',
              new Date(at.getTime() + 7_200_000),
              new Date(at.getTime() + 7_200_000),
            ],
          );
        }
      });
      expect(await db.migrate()).toEqual(after);
      expect(await counts()).toEqual({ ...before, workflow_history: before.workflow_history + 230 * 3 });

      const report = await old.services.historyChain.verify();
      expect(report.ok).toBe(true);
      expect(report.records).toBe(231);
      expect(report.steps).toBe(2 + 230 * 3);
      // The engine takes up the chain where the migration left it.
      await send(old, id, v, 'APPROVE');
      const { rows } = await sql<Record<string, any>>(
        db.manager,
        'SELECT seq, prev_hash, hash FROM workflow_history WHERE instance_id = ? ORDER BY seq',
        [id],
      );
      expect(rows[2].prev_hash).toBe(rows[1].hash);
      expect((await old.services.historyChain.verify()).ok).toBe(true);
      // And its hashes are the very ones the engine wrote before the schema went back.
      await undoThrough(db, 'HistoryHashChain1796522400000');
      await db.migrate();
      const { rows: again } = await sql<Record<string, any>>(
        db.manager,
        'SELECT seq, prev_hash, hash FROM workflow_history WHERE instance_id = ? ORDER BY seq',
        [id],
      );
      expect(again.map((r) => r.hash)).toEqual(rows.map((r) => r.hash));
    } finally {
      await old.close();
    }
  });
});
