import { WorkflowInstance } from '../../src/persistence/entities';
import { readJson } from '../../src/persistence/sql';
import { HARD_PROBLEM_MACHINE_VERSION } from '../../workflows/hard-problem';
import { operationIn } from '../support/factories';
import { reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Hard problems stored before the resolved-by links and machine version 2:
 * their snapshots are migrated on load, their rows by the migrations of
 * 2026-12-06, on SQLite and MariaDB alike.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const q = <T = Record<string, unknown>>(statement: string, params: unknown[] = []) =>
  t.services.db.manager.query(statement, params) as Promise<T[]>;

describe('a hard problem stored by machine version 1', () => {
  it('is loaded through the migration to version 2 and driven on: its old resolution names no operation, the new one does', async () => {
    const p = await reportProblem(t, { location: '四川中路·福州路口' });
    let v = await sendProblem(t, p.id, 1, 'ACCEPT');
    v = await sendProblem(t, p.id, v, 'RESOLVE', { note: '第一次整治' });
    // Store it as version 1 did: the same snapshot without each resolution's operation.
    const row = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id: p.id });
    const snapshot = readJson<{ context: { resolutions: Array<Record<string, unknown>> } }>(row.snapshot);
    const v1 = {
      ...snapshot,
      context: {
        ...snapshot.context,
        resolutions: snapshot.context.resolutions.map(({ operationId: _gone, ...r }) => r),
      },
    };
    await t.services.db.transaction((m) =>
      m.update(WorkflowInstance, { id: p.id }, { machineVersion: 1, snapshot: v1 }),
    );

    const before = (await t.as('duty').get(`/api/v1/problems/${p.id}`).expect(200)).body;
    expect(before).toMatchObject({ state: 'resolved', version: v });
    expect(before.allowedEvents).toContain('REBOUND');
    expect(before.resolutions).toEqual([expect.objectContaining({ note: '第一次整治', operation: null })]);

    const op = await operationIn(t, 'in_progress', { title: '福州路口再整治' });
    v = await sendProblem(t, p.id, v, 'REBOUND', { origin: 'inspector', note: '回潮' }, 'inspector');
    await sendProblem(t, p.id, v, 'RESOLVE', { note: '再次整治', operation: op.id });
    const stored = await t.services.db.manager.findOneByOrFail(WorkflowInstance, { id: p.id });
    expect(stored.machineVersion).toBe(HARD_PROBLEM_MACHINE_VERSION);
    expect(readJson<{ context: { resolutions: unknown[] } }>(stored.snapshot).context.resolutions).toEqual([
      expect.objectContaining({ note: '第一次整治', operationId: null }),
      expect.objectContaining({ note: '再次整治', operationId: op.id }),
    ]);
    const after = (await t.as('duty').get(`/api/v1/problems/${p.id}`).expect(200)).body;
    expect(after.resolvedBy.map((o: { id: number }) => o.id)).toEqual([op.id]);
  });
});

describe('rows written before the resolved-by links (migration 20261206T0300)', () => {
  it('classifies them from the history: a resolution becomes a resolved-by link, a target the resolution made goes, a target the plan made stays, a resolution an edit dropped comes back', async () => {
    // Made with today's code, then taken back to the old schema and shaped as the old code left them.
    const untargeted = await reportProblem(t, { location: '江西中路·汉口路口' });
    const targeted = await reportProblem(t, { location: '江西中路·九江路口' });
    const dropped = await reportProblem(t, { location: '江西中路·福州路口' });
    for (const p of [untargeted, targeted, dropped]) await sendProblem(t, p.id, 1, 'ACCEPT');
    const plain = await operationIn(t, 'in_progress', { title: '江西中路整治' });
    const planned = await operationIn(t, 'in_progress', { title: '九江路口整治', problems: [targeted.id] });
    const other = await operationIn(t, 'in_progress', { title: '福州路口整治' });
    await sendProblem(t, untargeted.id, 2, 'RESOLVE', { note: '已清', operation: plain.id });
    await sendProblem(t, targeted.id, 2, 'RESOLVE', { note: '已清', operation: planned.id });
    await sendProblem(t, dropped.id, 2, 'RESOLVE', { note: '已清', operation: other.id });

    const ds = t.services.db.dataSource;
    const applied = async () =>
      (await q<{ name: string }>('SELECT name FROM migrations ORDER BY id')).map((r) => r.name);
    while ((await applied()).some((n) => n.startsWith('HardProblemResolutions')))
      await ds.undoLastMigration({ transaction: 'each' });
    // The old code linked each resolving operation as a target …
    const links = async () =>
      (
        await q<{ problem_id: number; operation_id: number }>(
          'SELECT problem_id, operation_id FROM hard_problem_operations ORDER BY problem_id, operation_id',
        )
      ).map((r) => [Number(r.problem_id), Number(r.operation_id)]);
    expect(await links()).toEqual(
      expect.arrayContaining([
        [untargeted.id, plain.id],
        [targeted.id, planned.id],
        [dropped.id, other.id],
      ]),
    );
    // … and a later edit of a draft that dropped the problem took the resolution with it (drafts resolved problems then).
    await q('DELETE FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ?', [dropped.id, other.id]);

    await t.services.db.migrate();
    const resolutions = (
      await q<{ problem_id: number; operation_id: number }>(
        'SELECT problem_id, operation_id FROM hard_problem_resolutions WHERE problem_id IN (?, ?, ?) ORDER BY problem_id',
        [untargeted.id, targeted.id, dropped.id],
      )
    ).map((r) => [Number(r.problem_id), Number(r.operation_id)]);
    expect(resolutions).toEqual([
      [untargeted.id, plain.id],
      [targeted.id, planned.id],
      [dropped.id, other.id],
    ]);
    const now = await links();
    expect(now).not.toContainEqual([untargeted.id, plain.id]);
    expect(now).toContainEqual([targeted.id, planned.id]);
    expect(now).not.toContainEqual([dropped.id, other.id]);
    expect((await t.as('duty').get(`/api/v1/problems/${untargeted.id}`).expect(200)).body).toMatchObject({
      operations: [],
      resolvedBy: [expect.objectContaining({ id: plain.id })],
    });
    expect((await t.as('waitan.leader').get(`/api/v1/operations/${plain.id}`).expect(200)).body).toMatchObject({
      problems: [],
      resolvedProblems: [untargeted.id],
    });
  });
});

describe('duplicates merged before the merge moved their links (migration 20261206T0301)', () => {
  it('hands a merged duplicate’s plan links to the problem that survives it, and leaves the duplicate none', async () => {
    const survivor = await reportProblem(t, { location: '山东中路·福州路口' });
    const duplicate = await reportProblem(t, { location: '山东中路福州路口' });
    const plan = await operationIn(t, 'draft', { title: '山东中路整治', problems: [duplicate.id] });
    await sendProblem(t, duplicate.id, 1, 'MERGE', { into: survivor.id });
    const links = async (problemId: number) =>
      (
        await q<{ operation_id: number }>('SELECT operation_id FROM hard_problem_operations WHERE problem_id = ?', [
          problemId,
        ])
      ).map((r) => Number(r.operation_id));

    const ds = t.services.db.dataSource;
    const applied = async () =>
      (await q<{ name: string }>('SELECT name FROM migrations ORDER BY id')).map((r) => r.name);
    while ((await applied()).some((n) => n.startsWith('MergedProblemsHandOverPlans')))
      await ds.undoLastMigration({ transaction: 'each' });
    // As the old code left it: the survivor has a copy, the duplicate its own.
    await q(
      'INSERT INTO hard_problem_operations (problem_id, operation_id, brigade_id, linked_at) SELECT ?, operation_id, brigade_id, linked_at FROM hard_problem_operations WHERE problem_id = ?',
      [duplicate.id, survivor.id],
    );
    expect(await links(duplicate.id)).toEqual([plan.id]);
    expect(await links(survivor.id)).toEqual([plan.id]);

    await t.services.db.migrate();
    expect(await links(duplicate.id)).toEqual([]);
    expect(await links(survivor.id)).toEqual([plan.id]);
    expect((await t.as('waitan.leader').get(`/api/v1/operations/${plan.id}`).expect(200)).body.problems).toEqual([
      survivor.id,
    ]);
  });
});

describe('problems reopened before resolvedAt meant the current resolution (migration 20261206T0302)', () => {
  it('clears the stale resolvedAt of a reopened problem and keeps a resolved one’s', async () => {
    const reopened = await reportProblem(t, { location: '山东中路·汉口路口' });
    const resolved = await reportProblem(t, { location: '山东中路·九江路口' });
    let v = await sendProblem(t, reopened.id, 1, 'ACCEPT');
    v = await sendProblem(t, reopened.id, v, 'RESOLVE', { note: '已清' });
    await sendProblem(t, reopened.id, v, 'REBOUND', { origin: 'inspector', note: '回潮' }, 'inspector');
    await sendProblem(t, resolved.id, await sendProblem(t, resolved.id, 1, 'ACCEPT'), 'RESOLVE', { note: '已清' });
    const resolvedAt = async (id: number) =>
      (await q<{ resolved_at: unknown }>('SELECT resolved_at FROM hard_problems WHERE id = ?', [id]))[0].resolved_at;
    const kept = await resolvedAt(resolved.id);
    expect(kept).not.toBeNull();
    expect(await resolvedAt(reopened.id)).toBeNull();

    const ds = t.services.db.dataSource;
    const applied = async () =>
      (await q<{ name: string }>('SELECT name FROM migrations ORDER BY id')).map((r) => r.name);
    while ((await applied()).some((n) => n.startsWith('CurrentResolutionOnly')))
      await ds.undoLastMigration({ transaction: 'each' });
    // As the code before left it: the last resolution's time on the reopened one too.
    expect(await resolvedAt(reopened.id)).not.toBeNull();

    await t.services.db.migrate();
    expect(await resolvedAt(reopened.id)).toBeNull();
    expect(await resolvedAt(resolved.id)).toEqual(kept);
    expect((await t.as('duty').get(`/api/v1/problems/${reopened.id}`).expect(200)).body).toMatchObject({
      state: 'open',
      resolvedAt: null,
    });
  });
});
