import { planBody } from '../support/factories';
import { statementsSent } from '../support/statements';
import { Operation, OperationSquad, User } from '../../src/persistence/entities';
import { createOperationSchema } from '../../src/http/schemas/operation.schema';
import { parseInput } from '../../src/http/validate';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 14: a create answers from what it had in hand (the record as stored, the squads and groups it
// resolved the codes with, what its first step wrote). Its answer must be the record a GET reads right after.

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

/** Creates a draft as `who` and reads it back at once; both answers, as sent. */
async function createThenGet(body: Record<string, unknown>, who = 'waitan.leader') {
  const api = t.as(who);
  const created = await api.post('/api/v1/operations', body).expect(201);
  expect(created.headers.location).toBe(`/api/v1/operations/${created.body.id}`);
  const read = await api.get(`/api/v1/operations/${created.body.id}`).expect(200);
  return { created: created.body, read: read.body };
}

describe('the answer to a create is the record a GET reads right after', () => {
  it('a complete plan, hosted by the lead squad', async () => {
    const { created, read } = await createThenGet(planBody(t.clock.now()));
    expect(created).toEqual(read);
    expect(created).toMatchObject({ state: 'draft', version: 1, group: 'north', hostSquad: 'waitan' });
    expect(created.commanders.map((c: { username: string }) => c.username)).toContain('waitan.leader');
  });

  it('a bare draft: no group, no host squad, nobody to command it yet', async () => {
    const { created, read } = await createThenGet({
      kind: 'regular',
      leadSquad: 'waitan',
      title: '九江路夜间设摊整治',
    });
    expect(created).toEqual(read);
    expect(created).toMatchObject({ group: null, hostSquad: null, commanders: [], squads: ['waitan'] });
  });

  it('a plan hosted by another squad: its leaders command, the drafter is named apart', async () => {
    const { created, read } = await createThenGet(planBody(t.clock.now(), { hostSquad: 'nanjingdonglu' }));
    expect(created).toEqual(read);
    expect(created.createdBy).toMatchObject({ username: 'waitan.leader' });
    const commanders = created.commanders.map((c: { username: string }) => c.username);
    expect(commanders).toContain('nanjingdonglu.leader');
    expect(commanders).not.toContain('waitan.leader');
  });

  it('a plan that targets hard problems (named twice, out of order) lists each once, by id', async () => {
    const first = await reportProblem(t, { title: '九江路口夜间流动设摊' });
    const second = await reportProblem(t, { title: '汉口路口占道经营' });
    const { created, read } = await createThenGet(
      planBody(t.clock.now(), { problems: [second.id, first.id, second.id] }),
    );
    expect(created).toEqual(read);
    expect(created.problems).toEqual([first.id, second.id]);
    expect(created.resolvedProblems).toEqual([]);
  });

  it('a group code in capitals is matched as the database matches codes, and answered as read', async () => {
    // The groups in hand match a code exactly; any other spelling is the database's to decide (its collation).
    const res = await t.as('waitan.leader').post('/api/v1/operations', planBody(t.clock.now(), { group: 'NORTH' }));
    if (res.status === 201) {
      const read = await t.as('waitan.leader').get(`/api/v1/operations/${res.body.id}`).expect(200);
      expect(res.body).toEqual(read.body);
    } else {
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.error.fields)).toEqual(['group']);
    }
  });

  it('a draft takes no evidence files: a create naming some is refused, so none are in its answer', async () => {
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { files: ['00000000-0000-4000-8000-000000000000'] }))
      .expect(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(Object.keys(res.body.error.fields)).toEqual(['files']);
  });
});

describe('the operation’s rows in a create’s answer are those a read gives back', () => {
  it.each([
    ['a complete plan, forces for some squads, times with milliseconds', { hostSquad: 'nanjingdonglu' }],
    ['a bare draft: nothing planned', null],
  ])('%s', async (_what, overrides) => {
    // Milliseconds in the clock and the planned start: MySQL-family columns keep whole seconds, SQLite all of it.
    t.clock.advance(1_234);
    const body = overrides
      ? planBody(t.clock.now(), {
          ...overrides,
          plannedStart: new Date(t.clock.now().getTime() + 30 * 3_600_000 + 789).toISOString(),
        })
      : { kind: 'regular', leadSquad: 'waitan', title: '九江路夜间设摊整治' };
    const actor = await t.services.org.principalFor(
      (await t.services.db.manager.findOneByOrFail(User, { username: 'waitan.leader' })).id,
    );
    const record = await t.services.operations.createAndGet(actor, parseInput(createOperationSchema, body));
    const id = record.operation.id;
    expect({ ...record.operation }).toEqual({ ...(await t.services.db.manager.findOneByOrFail(Operation, { id })) });
    const squads = await t.services.db.manager.find(OperationSquad, {
      where: { operationId: id },
      order: { position: 'ASC' },
    });
    expect(record.squads.map((s) => ({ ...s }))).toEqual(squads.map((s) => ({ ...s })));
    expect(squads.length).toBeGreaterThan(0);
  });
});

describe('what a create reads', () => {
  it('reads the brigade’s squads and groups once, and never the record it has just written', async () => {
    const statements = await statementsSent(t.services.db, () =>
      t.as('waitan.leader').post('/api/v1/operations', planBody(t.clock.now())).expect(201),
    );
    const reading = (table: string) =>
      statements.filter((q) => /^\s*SELECT/i.test(q) && new RegExp(`FROM [\`"]?${table}[\`"]? `, 'i').test(q));
    expect(reading('squads')).toHaveLength(1);
    expect(reading('linkage_groups')).toHaveLength(1);
    expect(reading('workflow_instances')).toHaveLength(0);
    // Nor the operation's row or its squads': the answer is what the create wrote (createdRowValues).
    expect(reading('operations')).toHaveLength(0);
    expect(reading('operation_squads')).toHaveLength(0);
    // Issue 14: 25 statements before (the record loaded again, squads read three times, every table of a record read).
    expect(statements.length).toBeLessThanOrEqual(13);
  });
});
