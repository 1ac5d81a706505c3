import type { FindOptionsWhere } from 'typeorm';
import { Flag, JobRun, WorkflowDeadline } from '../../src/persistence/entities';
import { createOperation, runOperation, send } from '../support/factories';
import { signedIn } from '../support/web';
import { startTestApp, type TestApp } from '../support/test-app';
import type { JobDefinition } from '../../src/jobs/job';
import { JobRunner } from '../../src/jobs/job-runner';

let t: TestApp;
/** Shanghai wall-clock time as an instant. */
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-01T08:00:00') });
});
afterAll(async () => {
  await t.close();
});

const flags = (where: FindOptionsWhere<Flag> = {}) => t.services.db.manager.find(Flag, { where, order: { id: 'ASC' } });
const groupId = async (code: string) => (await t.services.org.groups(1)).find((g) => g.group.code === code)!.group.id;
const run = (name: string, period?: string) => t.services.jobs.run(name, { via: 'cli', period });

describe('monthly minimum (R6)', () => {
  beforeAll(async () => {
    // November, Shanghai time: north runs two of 5 h; oldcity one of 5 h and one of 3.5 h; south and west none.
    await runOperation(t, 'north', { start: sh('2026-11-05T09:00:00'), hours: 5 });
    await runOperation(t, 'north', { start: sh('2026-11-19T14:00:00'), hours: 5 });
    await runOperation(t, 'oldcity', { start: sh('2026-11-10T09:00:00'), hours: 5 });
    await runOperation(t, 'oldcity', { start: sh('2026-11-24T09:00:00'), hours: 3.5 });
    // An operation that began at 23:30 on the 30th belongs to November, though it ended in December.
    await runOperation(t, 'west', { start: sh('2026-11-30T23:30:00'), hours: 4 });
  });

  it('a group with 2 qualifying operations is not flagged; one whose second lasted 3.5 h is, with the figures why', async () => {
    t.clock.set(sh('2026-12-01T01:10:00'));
    const r = await run('monthly-minimum');
    expect(r).toMatchObject({ status: 'ok', period: '2026-11' });
    const november = await flags({ kind: 'monthly_minimum', period: '2026-11' });
    const flagged = new Map(november.map((f) => [f.groupId, f]));
    expect(flagged.has(await groupId('north'))).toBe(false);
    const oldcity = flagged.get(await groupId('oldcity'))!;
    expect(oldcity).toMatchObject({ rule: 'R6', status: 'open' });
    expect(oldcity.figures).toMatchObject({
      minimum: 2,
      qualifying: 1,
      counted: [expect.objectContaining({ hours: 5 })],
      notCounted: [expect.objectContaining({ hours: 3.5, reason: 'short' })],
    });
    expect(flagged.get(await groupId('south'))!.figures).toMatchObject({ qualifying: 0, counted: [], notCounted: [] });
    expect(flagged.get(await groupId('west'))!.figures).toMatchObject({ qualifying: 1 });
  });

  it('re-running never duplicates a flag', async () => {
    const before = await flags();
    const again = await run('monthly-minimum');
    expect(again.did).toBe(0);
    expect(await flags()).toEqual(before);
  });

  it('a late-recorded operation resolves the flag by data on the next run, and says so', async () => {
    // Recorded on 3 December, after the fact: oldcity's third operation of November.
    await runOperation(t, 'oldcity', { start: sh('2026-11-27T09:00:00'), hours: 4.5 });
    t.clock.set(sh('2026-12-03T10:00:00'));
    const r = await run('monthly-minimum');
    expect(r.summary).toMatchObject({ huangpu: { '2026-11': { resolvedByData: 1 } } });
    const [oldcity] = await flags({ kind: 'monthly_minimum', period: '2026-11', groupId: await groupId('oldcity') });
    expect(oldcity).toMatchObject({ status: 'resolved_by_data', resolvedBy: null, jobRunId: r.id });
  });

  it('a manager resolves a flag with a note; a squad leader may not; a later run leaves it resolved', async () => {
    const [south] = await flags({ kind: 'monthly_minimum', period: '2026-11', groupId: await groupId('south') });
    const leader = await t.services.org.authenticateToken(t.token('bansongyuanlu.leader'));
    await expect(t.services.flags.resolve(leader, south.id, 'x')).rejects.toMatchObject({ status: 403 });
    const duty = await t.services.org.authenticateToken(t.token('duty'));
    await expect(t.services.flags.resolve(duty, south.id, '  ')).rejects.toMatchObject({ status: 400 });
    const resolved = await t.services.flags.resolve(duty, south.id, '南片本月承担进博会保障任务，经总指挥同意');
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: duty.userId,
      resolutionNote: '南片本月承担进博会保障任务，经总指挥同意',
    });
    await run('monthly-minimum', '2026-11');
    const [after] = await flags({ id: south.id });
    expect(after.status).toBe('resolved');
    await expect(t.services.flags.resolve(duty, south.id, 'again')).rejects.toMatchObject({ status: 422 });
  });

  it('a month before the brigade used Liandong is not judged', async () => {
    await run('monthly-minimum', '2026-10');
    expect(await flags({ period: '2026-10' })).toEqual([]);
  });
});

describe('early warning (R6)', () => {
  it('warns the groups that cannot reach the minimum with what is completed plus what is approved for the rest of the month', async () => {
    // December: north has one done and one approved for the 20th; south has one approved only; west and oldcity nothing.
    await runOperation(t, 'north', { start: sh('2026-12-04T09:00:00'), hours: 5 });
    await runOperation(t, 'north', { start: sh('2026-12-20T09:00:00'), hours: 5, until: 'approved' });
    await runOperation(t, 'south', { start: sh('2026-12-18T09:00:00'), hours: 5, until: 'approved' });
    t.clock.set(sh('2026-12-15T01:10:00'));
    await run('monthly-minimum');
    const warned = await flags({ kind: 'early_warning', period: '2026-12' });
    const ids = warned.map((f) => f.groupId);
    expect(ids).not.toContain(await groupId('north'));
    expect(ids).toEqual(
      expect.arrayContaining([await groupId('south'), await groupId('west'), await groupId('oldcity')]),
    );
    const southId = await groupId('south');
    const south = warned.find((f) => f.groupId === southId)!;
    expect((south.figures as { stillToCome: number[] }).stillToCome).toHaveLength(1);
  });

  it('is given only on the configured days', async () => {
    t.clock.set(sh('2026-12-16T01:10:00'));
    const before = (await flags({ kind: 'early_warning' })).length;
    await run('monthly-minimum');
    expect((await flags({ kind: 'early_warning' })).length).toBe(before);
  });
});

describe('holding (R12, R14)', () => {
  it('HOLDING_ELAPSED arrives exactly once per operation, even when the job runs twice — at once', async () => {
    const a = await runOperation(t, 'west', { start: sh('2027-01-05T09:00:00'), hours: 5 });
    const b = await runOperation(t, 'south', { start: sh('2027-01-06T09:00:00'), hours: 5 });
    t.clock.set(sh('2027-01-20T00:00:00'));
    const [r1, r2] = await Promise.all([run('holding'), run('holding')]);
    expect([r1.status, r2.status]).toEqual(['ok', 'ok']);
    await run('holding');
    for (const { id } of [a, b]) {
      const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`)).body.items;
      expect(history.filter((h: { event: string }) => h.event === 'HOLDING_ELAPSED')).toHaveLength(1);
      expect(history.at(-1)).toMatchObject({ event: 'HOLDING_ELAPSED', actor: 'system', to: 'awaiting_audit' });
    }
  });

  it('the end of holding is recorded at its due time beside when the job noticed it; its limit elapsed then, and the audit’s clock runs from it', async () => {
    const { id } = await runOperation(t, 'north', { start: sh('2027-01-12T09:00:00'), hours: 5 });
    t.logged.splice(0);
    // Holding of 7 days from the end at 14:00 ends on the 19th at 14:00; the job runs at 15:45.
    t.clock.set(sh('2027-01-19T15:45:00'));
    await run('holding');
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({
      event: 'HOLDING_ELAPSED',
      at: '2027-01-19T15:45:00+08:00',
      effectiveAt: '2027-01-19T14:00:00+08:00',
    });
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    const holdingEnd = op.timeLimits.find((l: { kind: string }) => l.kind === 'holding_end');
    expect(holdingEnd).toMatchObject({ closedAt: '2027-01-19T14:00:00+08:00', outcome: 'met' });
    const audit = op.timeLimits.find((l: { kind: string }) => l.kind === 'audit');
    expect(audit).toMatchObject({ startsAt: '2027-01-19T14:00:00+08:00', dueAt: '2027-01-22T14:00:00+08:00' });
    expect(t.logged.filter((l) => l.message === 'job failed')).toEqual([]);
    const page = await (await signedIn(t, 'duty')).get(`/operations/${id}`);
    expect(page.text).toContain('期满于 2027-01-19 14:00');
    expect(page.text).toContain('系统记录于 2027-01-19 15:45');
  });

  it('flags a holding whose audit is overdue, and closes the flag by data once the audit is done', async () => {
    const { id } = await runOperation(t, 'north', { start: sh('2027-02-01T09:00:00'), hours: 5 });
    t.clock.set(sh('2027-02-09T00:00:00'));
    await run('holding');
    t.clock.set(sh('2027-02-13T00:00:00'));
    await run('holding');
    const [flag] = await flags({ kind: 'audit_overdue', recordId: id });
    expect(flag).toMatchObject({ rule: 'R14', status: 'open', recordType: 'operation' });
    const op = (await t.as('duty').get(`/api/v1/operations/${id}`)).body;
    await send(t, id, op.version, 'AUDIT_PASS', {}, 'inspector');
    await run('holding');
    expect((await flags({ id: flag.id }))[0].status).toBe('resolved_by_data');
  });
});

describe('time limits (§3.5)', () => {
  it('flags a filing that waited past its 48 hours for a decision, and settles it by data once decided', async () => {
    t.clock.set(sh('2027-03-01T09:00:00'));
    const filed = await createOperation(t, { plannedStart: sh('2027-03-25T09:00:00') });
    await send(t, filed.id, 1, 'FILE');
    t.clock.set(sh('2027-03-03T10:00:00'));
    await run('time-limits');
    const [flag] = await flags({ kind: 'time_limit', recordId: filed.id });
    expect(flag).toMatchObject({ rule: '§3.5', status: 'open' });
    expect(flag.figures).toMatchObject({ limit: 'decision', state: 'filed', hoursLate: 1 });
    await send(t, filed.id, 2, 'APPROVE', {}, 'duty');
    await run('time-limits');
    expect((await flags({ id: flag.id }))[0].status).toBe('resolved_by_data');
    const [deadline] = await t.services.db.manager.find(WorkflowDeadline, {
      where: { instanceId: filed.id, kind: 'decision' },
    });
    expect(deadline.outcome).toBe('late');
  });
});

describe('the job-run log', () => {
  it('records every run with what it found and did; a failing run is retried and each failure stays visible', async () => {
    t.logged.splice(0); // only this run's log lines
    let calls = 0;
    const flaky: JobDefinition = {
      name: 'flaky',
      description: 'test',
      async run() {
        calls++;
        if (calls < 3) throw new Error(`database went away (${calls})`);
        return { found: 2, did: 1, summary: { ok: true } };
      },
    };
    const runner = new JobRunner(
      { ...t.services, config: { ...t.services.config, jobs: { ...t.services.config.jobs, retryDelayMs: 1 } } },
      [flaky],
    );
    const final = await runner.run('flaky', { via: 'cli' });
    expect(final).toMatchObject({ status: 'ok', attempt: 3, found: 2, did: 1 });
    const log = await t.services.db.manager.find(JobRun, { where: { job: 'flaky' }, order: { id: 'ASC' } });
    expect(log.map((r) => [r.attempt, r.status, r.error])).toEqual([
      [1, 'failed', 'Error: database went away (1)'],
      [2, 'failed', 'Error: database went away (2)'],
      [3, 'ok', null],
    ]);
    expect(t.logged.splice(0).map((l) => l.message)).toEqual(['job failed', 'job failed']);
  });

  it('a bad period is refused naming it', async () => {
    await expect(run('monthly-minimum', '2026-13')).rejects.toMatchObject({
      status: 400,
      fields: { period: 'invalid_format:YYYY-MM' },
    });
  });
});
