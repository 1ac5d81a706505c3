import {
  Brigade,
  OutboxMessage,
  WorkflowHistory,
  Squad,
  User,
  UserRole,
  WorkflowDeadline,
  WorkflowInstance,
} from '../../src/persistence/entities';
import type { Principal } from '../../src/domain/org/org.service';
import {
  createOperation,
  eventBody,
  operationIn,
  planBody,
  resultsBody,
  rowCounts,
  send,
  SENDER,
  systemActorOf,
} from '../support/factories';
import type { EventInput } from '../../src/domain/operations/operation.inputs';
import { OPERATION_MACHINE_VERSION } from '../../workflows/operation';
import { startTestApp, type TestApp } from '../support/test-app';
import { SnapshotError } from '../../src/errors';
import { TEST_DB } from '../support/db';
import { statementsSent } from '../support/statements';
import { sql } from '../../src/persistence/sql';
import { WorkflowEngine } from '../../src/engine/engine';

let t: TestApp;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const principal = (username: string) => t.services.org.authenticateToken(t.token(username));

/** The statements `work` sends, as TypeORM's logger sees them. */
const statementsOf = (work: () => Promise<unknown>) => statementsSent(t.services.db, work);

describe('one event is one transaction', () => {
  it('when anything fails mid-command (here: the projection), nothing of it is written', async () => {
    const { id } = await createOperation(t);
    const real = t.services.workflows.operation;
    // A projection that writes for this step (so the step's COMMIT waits for it), and then fails.
    const failing = {
      ...real,
      projectWrites: () => true,
      project: async (...args: Parameters<typeof real.project>) => {
        await real.project(...args);
        throw new Error('disk full');
      },
    };
    const before = await rowCounts(t);
    await expect(
      t.services.engine.send(failing, id, await principal('waitan.leader'), { type: 'FILE' }, { expectedVersion: 1 }),
    ).rejects.toThrow('disk full');
    expect(await rowCounts(t)).toEqual(before);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op).toMatchObject({ state: 'draft', version: 1 });
  });

  it('an accepted event writes the snapshot, version, history, outbox and deadline together', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    const m = t.services.db.manager;
    const instance = await m.findOneByOrFail(WorkflowInstance, { id });
    expect(instance).toMatchObject({
      state: 'filed',
      version: 2,
      machineVersion: OPERATION_MACHINE_VERSION,
      workflow: 'operation',
    });
    expect((instance.snapshot as { value: string }).value).toBe('filed');
    const outbox = await m.find(OutboxMessage, { where: { instanceId: id } });
    expect(outbox.map((o) => [o.topic, o.historySeq, o.deliveredAt])).toEqual([['operation.filed', 2, null]]);
    const deadlines = await m.find(WorkflowDeadline, { where: { instanceId: id } });
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]).toMatchObject({ kind: 'decision', state: 'filed', closedAt: null });
    // §3.5: a filing waits at most 48 hours for a decision.
    expect(deadlines[0].dueAt.getTime() - t.clock.now().getTime()).toBe(48 * HOUR);
  });

  it('a step computed from a load another step overtook is refused, and nothing of it is written', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    const wf = t.services.workflows.operation;
    const stale = await t.services.engine.load(t.services.db.manager, wf, id, leader);
    await send(t, id, 1, 'FILE');
    const before = await rowCounts(t);
    // The version bump is the guard of the step's writes: it misses, so its history, outbox and limits are not written.
    await expect(t.services.engine.send(wf, id, leader, { type: 'FILE' }, { loaded: stale })).rejects.toMatchObject({
      code: 'stale_version',
    });
    expect(await rowCounts(t)).toEqual(before);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op).toMatchObject({ state: 'filed', version: 2 });
  });

  it('the step’s writes go to MariaDB in one round trip that opens and commits its transaction (one statement each elsewhere)', async () => {
    const { id } = await createOperation(t);
    const sent = await statementsOf(() => send(t, id, 1, 'FILE'));
    const writes = sent.filter((q) => /INSERT INTO (workflow_history|outbox|workflow_deadlines)/.test(q));
    if (TEST_DB === 'mysql') {
      // The test server is MariaDB (MySQL has no anonymous compound statements: one statement each there too).
      // A first filing's projection writes nothing: nothing follows the block, which carries START TRANSACTION
      // and COMMIT, so neither is sent on its own; the step's reads went before it.
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(
        /^BEGIN NOT ATOMIC DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END; START TRANSACTION; UPDATE workflow_instances .*INSERT INTO workflow_history .*INSERT INTO outbox .*INSERT INTO workflow_deadlines .* COMMIT; END$/s,
      );
      expect(sent.filter((q) => /^(START TRANSACTION|COMMIT|ROLLBACK)$/.test(q))).toEqual([]);
      expect(sent.indexOf(writes[0])).toBeGreaterThan(
        sent.findIndex((q) => q.startsWith('SELECT id, brigade_id, machine_version')),
      );
    } else {
      expect(writes).toHaveLength(3);
    }
  });

  it('a plan’s create sends its reads, then one round trip that opens the transaction and gives the record its id, then its rows with the COMMIT (MariaDB)', async () => {
    await createOperation(t); // the token's use is noted once a minute, in a transaction of its own: not in the next
    const sent = await statementsOf(() => createOperation(t));
    if (TEST_DB === 'mysql') {
      const blocks = sent.filter((q) => q.startsWith('BEGIN NOT ATOMIC'));
      expect(blocks).toHaveLength(2);
      expect(blocks[0]).toMatch(
        /^BEGIN NOT ATOMIC DECLARE EXIT HANDLER .* START TRANSACTION; INSERT INTO workflow_instances .*; SELECT LAST_INSERT_ID\(\) AS id; END$/s,
      );
      expect(blocks[1]).toMatch(
        /^BEGIN NOT ATOMIC INSERT INTO workflow_history .*INSERT INTO operations .*INSERT INTO operation_squads .* COMMIT; END$/s,
      );
      expect(sent.filter((q) => /^(START TRANSACTION|COMMIT|ROLLBACK)$/.test(q))).toEqual([]);
      expect(sent.filter((q) => /^INSERT/.test(q))).toEqual([]);
    } else {
      expect(sent.filter((q) => /^INSERT INTO operation_squads/.test(q))).toHaveLength(1);
    }
  });

  it('when the last round trip of a create fails, nothing of the record is written — not even its instance row', async () => {
    const real = t.services.workflows.operation;
    const leader = await principal('waitan.leader');
    const { id: model } = await createOperation(t);
    const { plan } = (await t.services.engine.load(t.services.db.manager, real, model, leader)).context;
    // A row that cannot be written, last among the create's rows: brigade 1's code is taken.
    const failing = {
      ...real,
      stepRows: (...args: Parameters<NonNullable<typeof real.stepRows>>) => [
        ...(real.stepRows?.(...args) ?? []),
        {
          text: "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) SELECT code, 'x', 'x', 'Asia/Shanghai', ?, '2026-01' FROM brigades WHERE id = 1",
          params: [new Date()],
        },
      ],
    };
    const before = await rowCounts(t);
    await expect(
      t.services.engine.create(failing, leader, 'squad_leader', { plan, createdBy: leader.userId }),
    ).rejects.toThrow(/Duplicate|UNIQUE/i);
    expect(await rowCounts(t)).toEqual(before);
    // No transaction was left open: the next create is written whole, and alone.
    const { id } = await createOperation(t);
    const after = await rowCounts(t);
    expect([after.workflow_instances - before.workflow_instances, after.operations - before.operations]).toEqual([
      1, 1,
    ]);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({ state: 'draft', version: 1 });
  });

  it('a step sent in a caller’s deferred transaction leaves its COMMIT to the caller, who may write after it', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    const code = `after-step-${id}`;
    await t.services.db.transaction(
      async (m) => {
        await t.services.engine.send(t.services.workflows.operation, id, leader, { type: 'FILE' }, { tx: m });
        await sql(
          m,
          "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES (?, '测试', 'Test', 'Asia/Shanghai', ?, '2026-01')",
          [code, new Date()],
        );
      },
      { deferred: true },
    );
    expect(await t.services.db.manager.countBy(Brigade, { code })).toBe(1);
    expect(await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id })).toMatchObject({ version: 2 });
  });

  it('a step whose projection writes after the engine’s writes commits after it, on its own', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    await send(t, id, 2, 'RETURN', { reason: '补充警力安排' });
    // A second filing: the projection reads the plan's number (kept), in the step's transaction.
    const sent = await statementsOf(() => send(t, id, 3, 'FILE'));
    if (TEST_DB === 'mysql') {
      const block = sent.filter((q) => q.startsWith('BEGIN NOT ATOMIC'));
      expect(block).toHaveLength(1);
      expect(block[0]).toMatch(/START TRANSACTION; UPDATE workflow_instances .* END$/s);
      expect(block[0]).not.toMatch(/COMMIT; END$/);
      const after = sent.slice(sent.indexOf(block[0]) + 1);
      expect(after.some((q) => /FROM operations/.test(q))).toBe(true);
      expect(after.filter((q) => q === 'COMMIT')).toHaveLength(1);
    }
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    expect(op).toMatchObject({ state: 'filed', version: 4 });
  });

  it('when a write of the step’s last round trip fails, none of it is written and the next step goes through', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    const wf = t.services.workflows.operation;
    // A history row already at seq 2 (not a step's: written here by hand): the step's own history row collides
    // with it after its version bump and the rest of its writes went in.
    await t.services.db.transaction((m) =>
      sql(
        m,
        "INSERT INTO workflow_history (instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, version, at, effective_at, prev_hash, hash) VALUES (?, ?, 2, NULL, 'x', 'x', 'X', '{}', 'draft', 'draft', 2, ?, ?, 'x', 'x')",
        [id, leader.brigadeId, new Date(), new Date()],
      ),
    );
    const before = await rowCounts(t);
    await expect(t.services.engine.send(wf, id, leader, { type: 'FILE' }, { expectedVersion: 1 })).rejects.toThrow();
    expect(await rowCounts(t)).toEqual(before);
    const instance = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id });
    expect(instance).toMatchObject({ state: 'draft', version: 1 });
    // No transaction was left open on a pooled connection: others' steps commit.
    await t.services.db.transaction((m) =>
      sql(m, 'DELETE FROM workflow_history WHERE instance_id = ? AND seq = 2', [id]),
    );
    await send(t, id, 1, 'FILE');
    expect(await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id })).toMatchObject({ version: 2 });
  });

  it('a deadline left late is closed as late', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    t.clock.advance(50 * HOUR);
    await send(t, id, 2, 'RETURN');
    const [d] = await t.services.db.manager.find(WorkflowDeadline, { where: { instanceId: id } });
    expect(d).toMatchObject({ kind: 'decision', outcome: 'late' });
  });
});

describe('a change of state closes the time limits its state opened, and sends nothing when it opened none', () => {
  const wf = () => t.services.workflows.operation;
  const instance = async (id: number) => {
    const row = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id });
    // Written with every version bump.
    expect(row.openDeadlinesVersion).toBe(row.version);
    return row;
  };
  const closes = (sent: string[]) => sent.filter((q) => q.includes('UPDATE workflow_deadlines')).length;

  it('each state says how many limits it opened: none closed leaving draft or approved, the decision and results closed', async () => {
    const { id } = await createOperation(t);
    expect((await instance(id)).openDeadlines).toBe(0);
    // draft opened none: filing closes nothing, and filed opens the decision's.
    expect(closes(await statementsOf(() => send(t, id, 1, 'FILE')))).toBe(0);
    expect((await instance(id)).openDeadlines).toBe(1);
    expect(closes(await statementsOf(() => send(t, id, 2, 'APPROVE')))).toBe(1);
    expect((await instance(id)).openDeadlines).toBe(0);
    t.clock.advance(24 * HOUR);
    expect(closes(await statementsOf(() => send(t, id, 3, 'START')))).toBe(0);
    expect((await instance(id)).openDeadlines).toBe(1);
    // A step that stays in its state leaves the count (and the limits) as they are.
    expect(closes(await statementsOf(() => send(t, id, 4, 'LOG_INCIDENT')))).toBe(0);
    expect((await instance(id)).openDeadlines).toBe(1);
    t.clock.advance(5 * HOUR);
    expect(closes(await statementsOf(() => send(t, id, 5, 'COMPLETE')))).toBe(1);
    const limits = await t.services.db.manager.find(WorkflowDeadline, {
      where: { instanceId: id },
      order: { id: 'ASC' },
    });
    expect(limits.map((d) => [d.kind, d.outcome])).toEqual([
      ['decision', 'met'],
      ['results', 'met'],
      ['holding_end', null],
    ]);
    expect((await instance(id)).openDeadlines).toBe(1);
  });

  /**
   * A draft with a limit open that today's definition never opens in draft, its count as `count` says — written
   * at the draft's version, or (`olderStep`) at the version before, as when an instance of an earlier release,
   * which knows nothing of the count, took the record's last step.
   */
  const draftWithLimit = async (count: number | null, olderStep = false) => {
    const { id } = await createOperation(t);
    const m = t.services.db.manager;
    await m.insert(WorkflowDeadline, {
      brigadeId: (await instance(id)).brigadeId,
      instanceId: id,
      workflow: 'operation',
      kind: 'decision',
      state: 'draft',
      startsAt: t.clock.now(),
      dueAt: new Date(t.clock.now().getTime() + HOUR),
      event: null,
      closedAt: null,
      outcome: null,
    });
    await sql(
      m,
      'UPDATE workflow_instances SET open_deadlines = ?, open_deadlines_version = version, version = version + ? WHERE id = ?',
      [count, olderStep ? 1 : 0, id],
    );
    // Another instance of the application: it reads the row (this one's copy says what it wrote).
    await new WorkflowEngine(t.services.db, t.clock).send(
      wf(),
      id,
      await principal('waitan.leader'),
      { type: 'FILE' },
      { expectedVersion: olderStep ? 2 : 1 },
    );
    return m.find(WorkflowDeadline, { where: { instanceId: id, state: 'draft' } });
  };

  it('a record written before the count was kept (null) closes its limits at its next change of state, as always', async () => {
    const [limit] = await draftWithLimit(null);
    expect(limit.closedAt).not.toBeNull();
    expect(limit.outcome).toBe('met');
  });

  it('the count is what is trusted: a record that says its state opened none is not sent a closing', async () => {
    // Only the engine opens limits, and it writes the count with them: this row is one no step could leave.
    const [limit] = await draftWithLimit(0);
    expect(limit.closedAt).toBeNull();
  });

  it('a count written at another version than the record’s (a step by an instance of an earlier release, in a rolling restart) is not trusted', async () => {
    const [limit] = await draftWithLimit(0, true);
    expect(limit.closedAt).not.toBeNull();
  });
});

describe('a step starts from the record as this process last wrote it (RecentRecords)', () => {
  const wf = () => t.services.workflows.operation;
  /** A second instance of the application on the same database: its steps are news to ours. */
  const otherInstance = () => new WorkflowEngine(t.services.db, t.clock);
  /** The metrics' count of steps computed from a copy, by outcome. */
  const copies = async (outcome: string) =>
    (await t.services.metrics.recordCopies.get()).values.find(
      (v) => v.labels.workflow === 'operation' && v.labels.outcome === outcome,
    )?.value ?? 0;
  const history = (id: number) =>
    t.services.db.manager.find(WorkflowHistory, { where: { instanceId: id }, order: { seq: 'ASC' } });

  it('the next step of a record this process wrote reads nothing of it, and its version bump checks the chain head too', async () => {
    const { id } = await createOperation(t);
    await send(t, id, 1, 'FILE');
    const sent = await statementsOf(() => send(t, id, 2, 'APPROVE'));
    expect(sent.filter((q) => /FROM workflow_instances/.test(q))).toEqual([]);
    const guard = sent.find((q) => /UPDATE workflow_instances SET snapshot/.test(q));
    expect(guard).toMatch(/WHERE id = \S+ AND version = \S+ AND head_hash = /);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({ state: 'approved', version: 3 });
  });

  it('a record another instance moved on: the step is computed from the row as it is — not refused for the state this process saw', async () => {
    const { id } = await createOperation(t); // ours remembers it at version 1, a draft
    const leader = await principal('waitan.leader');
    await otherInstance().send(wf(), id, leader, { type: 'FILE' });
    // From our copy APPROVE is refused (a draft does not take it); from the row it is taken.
    const stale = () => copies('stale');
    const before = await stale();
    const approved = await t.services.engine.send(wf(), id, await principal('commander'), { type: 'APPROVE' });
    expect(approved).toMatchObject({ state: 'approved', version: 3 });
    expect((await stale()) - before).toBe(1); // liandong_record_copies_total{outcome="stale"}
    const steps = await history(id);
    expect(steps.map((h) => [h.seq, h.event])).toEqual([
      [1, 'CREATE'],
      [2, 'FILE'],
      [3, 'APPROVE'],
    ]);
    expect(steps[2].prevHash).toBe(steps[1].hash);
  });

  it('a step the copy would take, after another instance’s steps: the version bump misses, and it is computed again from the row', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    await t.services.engine.send(wf(), id, leader, { type: 'FILE' }); // ours remembers it at version 2, filed
    const other = otherInstance();
    await other.send(wf(), id, await principal('duty'), { type: 'RETURN', reason: '补充警力安排' });
    await other.send(wf(), id, leader, { type: 'FILE' }); // version 4, filed again
    const approved = await t.services.engine.send(wf(), id, await principal('commander'), { type: 'APPROVE' });
    expect(approved).toMatchObject({ state: 'approved', version: 5 });
    const steps = await history(id);
    expect(steps.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(steps[4].prevHash).toBe(steps[3].hash);
    // The refusal a caller who read another version gets is about the record as it is.
    await expect(
      t.services.engine.send(wf(), id, leader, { type: 'START', earlyReason: 'x' }, { expectedVersion: 2 }),
    ).rejects.toMatchObject({ code: 'stale_version', currentVersion: 5 });
  });

  it('a command prepared from the record (COMPLETE) starts from the copy too: nothing of the record is read', async () => {
    const { id, version } = await operationIn(t, 'in_progress');
    t.clock.advance(5 * HOUR);
    const sent = await statementsOf(() => send(t, id, version, 'COMPLETE'));
    expect(sent.filter((q) => /FROM workflow_instances/.test(q))).toEqual([]);
    expect(sent.find((q) => /UPDATE workflow_instances SET snapshot/.test(q))).toMatch(/AND head_hash = /);
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({
      state: 'holding',
      version: version + 1,
    });
  });

  it('a COMPLETE names its squads by code: on MariaDB their ids are read once per process (a code never changes), on SQLite each time', async () => {
    const squadReads = (sent: string[]) => sent.filter((q) => /FROM squads WHERE brigade_id = \S+ AND code IN/.test(q));
    const complete = async () => {
      const { id, version } = await operationIn(t, 'in_progress');
      t.clock.advance(5 * HOUR);
      return statementsOf(() => send(t, id, version, 'COMPLETE'));
    };
    await complete();
    expect(squadReads(await complete())).toHaveLength(TEST_DB === 'mysql' ? 0 : 1);
    // A code the process knows no squad of is still read, and still refused by name.
    const { id, version } = await operationIn(t, 'in_progress');
    t.clock.advance(5 * HOUR);
    let refused: { status: number; body: { error: { fields: Record<string, string> } } } | undefined;
    const sent = await statementsOf(async () => {
      refused = await t.as('waitan.leader').post(`/api/v1/operations/${id}/events`, {
        type: 'COMPLETE',
        expectedVersion: version,
        results: [...resultsBody(), ...resultsBody(['nosuch'])],
      });
    });
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.fields).toEqual({ results: '代码不存在：nosuch' });
    // (Read again with the command prepared afresh: a refusal of one prepared from the copy is checked on the row.)
    const reads = squadReads(sent);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads)
      expect(read).toMatch(TEST_DB === 'mysql' ? /code IN \(\?\)$/ : /code IN \(\?, \?, \?, \?\)$/);
  });

  it('a COMPLETE writes every squad’s result line in one statement, each to its own squad', async () => {
    const { id, version } = await operationIn(t, 'in_progress');
    t.clock.advance(5 * HOUR);
    const sent = await statementsOf(() => send(t, id, version, 'COMPLETE'));
    // Issue 14: one statement for the three squads' lines (it was one per squad).
    expect(sent.filter((q) => /UPDATE operation_squads/.test(q))).toHaveLength(1);
    const lines = resultsBody();
    expect(new Set(lines.map((l) => l.officers)).size).toBe(lines.length);
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(op.results).toEqual(lines.map((l) => ({ ...l, goodsDetained: 0 })));
  });

  it('a command prepared from a copy another instance overtook is prepared and sent again from the row', async () => {
    const { id, version } = await operationIn(t, 'in_progress'); // ours remembers it at `version`
    t.clock.advance(5 * HOUR);
    const incident = { type: 'LOG_INCIDENT', ...eventBody('LOG_INCIDENT', t.clock.now()) };
    await otherInstance().send(wf(), id, await principal(SENDER.LOG_INCIDENT), incident);
    const completed = await t.services.operations.send(await principal(SENDER.COMPLETE), id, {
      type: 'COMPLETE',
      ...eventBody('COMPLETE', t.clock.now()),
    } as EventInput);
    expect(completed).toEqual({ state: 'holding', version: version + 2 });
    const steps = await history(id);
    expect(steps.slice(-2).map((h) => h.event)).toEqual(['LOG_INCIDENT', 'COMPLETE']);
    expect(steps.at(-1)?.prevHash).toBe(steps.at(-2)?.hash);
  });

  it('a row stored by another machine version (an instance of an older release) is not taken for the copy', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    await t.services.engine.send(wf(), id, leader, { type: 'FILE' }); // ours remembers version 2, machine version 2
    await t.services.db.transaction((m) => m.update(WorkflowInstance, { id }, { machineVersion: 1 }));
    const before = await copies('stale');
    await t.services.engine.send(wf(), id, await principal('commander'), { type: 'APPROVE' });
    // The version bump from the copy missed; the step was computed again from the row, through its migration.
    expect((await copies('stale')) - before).toBe(1);
    expect(await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id })).toMatchObject({
      version: 3,
      machineVersion: OPERATION_MACHINE_VERSION,
    });
  });

  it('a row put back at the same version with another history (a restored backup) is not taken for the copy', async () => {
    const { id } = await createOperation(t);
    const leader = await principal('waitan.leader');
    await t.services.engine.send(wf(), id, leader, { type: 'FILE' }); // ours remembers version 2 and its chain head
    // The row as a backup put it back: the same version, another chain head.
    await t.services.db.transaction((m) =>
      sql(m, "UPDATE workflow_instances SET head_hash = 'restored' WHERE id = ?", [id]),
    );
    await t.services.engine.send(wf(), id, await principal('commander'), { type: 'APPROVE' });
    const steps = await history(id);
    expect(steps[2]).toMatchObject({ seq: 3, event: 'APPROVE', prevHash: 'restored' });
  });
});

describe('snapshots and machine versions', () => {
  async function storedAs(machineVersion: number) {
    const { id } = await createOperation(t);
    await t.services.db.transaction((m) => m.update(WorkflowInstance, { id }, { machineVersion }));
    return id;
  }

  it('a snapshot stored by an older machine version is migrated on load', async () => {
    const id = await storedAs(0);
    const wf = {
      ...t.services.workflows.operation,
      migrations: {
        ...t.services.workflows.operation.migrations,
        0: (p: { context: Record<string, unknown> }) => ({ ...p, context: { ...p.context, migrated: true } }),
      },
    };
    const loaded = await t.services.engine.load(t.services.db.manager, wf, id, await principal('duty'));
    expect((loaded.context as unknown as { migrated: boolean }).migrated).toBe(true);
  });

  it('an older snapshot without a migration, or one from a newer machine, is refused rather than guessed at', async () => {
    const older = await storedAs(0);
    await expect(
      t.services.engine.load(t.services.db.manager, t.services.workflows.operation, older, await principal('duty')),
    ).rejects.toThrow(SnapshotError);
    const newer = await storedAs(99);
    await expect(
      t.services.engine.load(t.services.db.manager, t.services.workflows.operation, newer, await principal('duty')),
    ).rejects.toThrow(/newer/);
  });

  it('an operation in flight stored by machine version 1 keeps working after the upgrade to version 2', async () => {
    const { id, version } = await operationIn(t, 'in_progress');
    // As version 1 stored it: no late-entry, early-start or coverage reasons in its context.
    const row = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id });
    const v1 = structuredClone(row.snapshot) as { context: Record<string, unknown> };
    for (const k of ['lateEntryHours', 'lateReason', 'earlyReason', 'coverageReason']) delete v1.context[k];
    await t.services.db.transaction((m) => m.update(WorkflowInstance, { id }, { machineVersion: 1, snapshot: v1 }));
    t.clock.advance(5 * 3_600_000);
    const v = await send(t, id, version, 'COMPLETE');
    const stored = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id });
    expect(stored.machineVersion).toBe(OPERATION_MACHINE_VERSION);
    expect((stored.snapshot as { context: Record<string, unknown> }).context).toMatchObject({
      lateEntryHours: null,
      coverageReason: null,
    });
    expect((await t.as('duty').get(`/api/v1/operations/${id}`)).body).toMatchObject({ state: 'holding', version: v });
  });

  it('a snapshot naming a state that no longer exists is refused', async () => {
    const { id } = await createOperation(t);
    const row = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id });
    await t.services.db.transaction((m) =>
      m.update(WorkflowInstance, { id }, { snapshot: { ...(row.snapshot as object), value: 'teleported' } }),
    );
    await expect(
      t.services.engine.load(t.services.db.manager, t.services.workflows.operation, id, await principal('duty')),
    ).rejects.toThrow();
  });
});

describe('allowed events come from the same rules as the machine', () => {
  it('each user sees only what they may send now', async () => {
    const { id } = await createOperation(t);
    const allowed = async (who: string) => (await t.as(who).get(`/api/v1/operations/${id}`)).body.allowedEvents.sort();
    expect(await allowed('waitan.leader')).toEqual(['CANCEL', 'EDIT_PLAN', 'FILE']);
    expect(await allowed('nanjingdonglu.leader')).toEqual([]);
    expect(await allowed('duty')).toEqual([]);
    expect(await allowed('commander')).toEqual(['DESIGNATE_COMMANDER']);
    await send(t, id, 1, 'FILE');
    expect(await allowed('waitan.leader')).toEqual([]);
    expect(await allowed('duty')).toEqual(['APPROVE', 'CANCEL', 'RETURN']);
    expect(await allowed('commander')).toEqual(['APPROVE', 'CANCEL', 'DESIGNATE_COMMANDER', 'RETURN']);
  });

  it('what allowedEvents lists is accepted, and what it does not list is refused, for every demo user', async () => {
    const { id } = await createOperation(t);
    const v = await send(t, id, 1, 'FILE');
    const users = [
      'waitan.leader',
      'waitan.officer',
      'nanjingdonglu.leader',
      'duty',
      'duty2',
      'commander',
      'inspector',
      'legal',
      'admin',
    ];
    for (const who of users) {
      const allowed: string[] = (await t.as(who).get(`/api/v1/operations/${id}`)).body.allowedEvents;
      const res = await t.as(who).post(`/api/v1/operations/${id}/events`, { type: 'APPROVE', expectedVersion: v });
      if (allowed.includes('APPROVE')) {
        expect(res.status).toBe(200);
        break;
      }
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
  });
});

describe('brigades never see each other’s data', () => {
  let other: Principal;

  beforeAll(async () => {
    const m = t.services.db.manager;
    await t.services.db.transaction(async (tx) => {
      const now = t.clock.now();
      await tx.insert(Brigade, {
        code: 'jingan',
        name: '静安区城管执法大队',
        nameEn: 'Jing’an',
        timeZone: 'Asia/Shanghai',
        createdAt: now,
        since: '2026-11',
      });
      const brigade = await tx.findOneByOrFail(Brigade, { code: 'jingan' });
      await tx.insert(Squad, {
        brigadeId: brigade.id,
        code: 'waitan',
        name: '同名中队',
        nameEn: 'Same code',
        kind: 'street',
        groupId: null,
        memberOrder: null,
        dutyStrength: 7,
        active: true,
        createdAt: now,
      });
      const squad = await tx.findOneByOrFail(Squad, { brigadeId: brigade.id, code: 'waitan' });
      await tx.insert(User, {
        brigadeId: brigade.id,
        username: 'jingan.duty',
        displayName: '静安值班',
        squadId: squad.id,
        passwordHash: 'x',
        active: true,
        createdAt: now,
        updatedAt: now,
      });
      const user = await tx.findOneByOrFail(User, { username: 'jingan.duty' });
      await tx.insert(UserRole, [
        { userId: user.id, role: 'duty_officer' },
        { userId: user.id, role: 'squad_leader' },
      ]);
    });
    const user = await m.findOneByOrFail(User, { username: 'jingan.duty' });
    other = await t.services.org.principalFor(user.id);
  });

  it('an operation of another brigade is 404, its events too, and lists do not show it', async () => {
    const { id } = await createOperation(t);
    await expect(t.services.operations.get(other, id)).rejects.toMatchObject({ status: 404 });
    await expect(
      t.services.operations.send(other, id, { type: 'CANCEL', reason: 'x', expectedVersion: 1 }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(t.services.operations.history(other, id)).rejects.toMatchObject({ status: 404 });
    const page = await t.services.operations.list(other, {});
    expect(page.items).toEqual([]);
    expect((await t.services.org.squads(other.brigadeId)).map((s) => s.code)).toEqual(['waitan']);
  });

  it('codes resolve within the caller’s brigade only', async () => {
    // `waitan` exists in both brigades; `nanjingdonglu` only in Huangpu.
    const input = { ...planBody(t.clock.now()), group: null, kind: 'brigade_led' as const };
    await expect(t.services.operations.create(other, input as never)).rejects.toMatchObject({ status: 400 });
  });
});

describe('the system actor', () => {
  it('acts in its own brigade and is recorded as system', async () => {
    const { id } = await createOperation(t);
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    t.clock.advance(24 * HOUR);
    v = await send(t, id, v, 'START');
    t.clock.advance(5 * HOUR);
    v = await send(t, id, v, 'COMPLETE');
    t.clock.advance(8 * 24 * HOUR);
    await t.services.engine.send(
      t.services.workflows.operation,
      id,
      await systemActorOf(t),
      { type: 'HOLDING_ELAPSED' },
      { expectedVersion: v },
    );
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({
      event: 'HOLDING_ELAPSED',
      actor: 'system',
      role: 'system',
      from: 'holding',
      to: 'awaiting_audit',
    });
  });
});
