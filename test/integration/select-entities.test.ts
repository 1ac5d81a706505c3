import type { EntityTarget, ObjectLiteral } from 'typeorm';
import {
  LinkageGroup,
  Operation,
  OperationSquad,
  Squad,
  User,
  UserRole,
  WorkflowHistory,
  WorkflowInstance,
} from '../../src/persistence/entities';
import { selectEntities } from '../../src/persistence/rows';
import { groupsOfBrigade, squadsByCodes, squadsOfBrigade } from '../../src/domain/org/org.queries';
import { activeSquadLeaders } from '../../src/domain/operations/operations.queries';
import { TEST_DB } from '../support/db';
import { createOperation } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * selectEntities (rows.ts): a plain statement's rows hydrated as a find hydrates them — the same values of the
 * same types (booleans, nullable numbers, datetimes, JSON) in instances of the entity class — on both databases.
 */
let t: TestApp;
let operationId: number;

beforeAll(async () => {
  t = await startTestApp();
  ({ id: operationId } = await createOperation(t));
  await t.as('waitan.leader').post(`/api/v1/operations/${operationId}/events`, { type: 'FILE', expectedVersion: 1 });
});
afterAll(async () => {
  await t.close();
});

const m = () => t.services.db.manager;

async function sameAsFind<T extends ObjectLiteral>(
  entity: EntityTarget<T>,
  where: string,
  params: unknown[],
  find: () => Promise<T[]>,
) {
  const read = await selectEntities(m(), entity, where, params);
  const found = await find();
  expect(found.length).toBeGreaterThan(0);
  const byKey = (xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  expect(byKey(read)).toEqual(byKey(found));
  for (const r of read) expect(r).toBeInstanceOf(entity as new () => T);
  return read;
}

describe(`selectEntities (${TEST_DB})`, () => {
  it('reads squads (booleans, nullable numbers, datetimes) as a find does', async () => {
    const squads = await sameAsFind(Squad, 'brigade_id = ?', [1], () => m().find(Squad, { where: { brigadeId: 1 } }));
    // A squad outside any group (null) and squads in one: both read alike.
    expect(new Set(squads.map((s) => s.groupId === null))).toEqual(new Set([true, false]));
    expect(typeof squads[0].active).toBe('boolean');
    expect(squads[0].createdAt).toBeInstanceOf(Date);
  });

  it('reads users, groups, an operation and its squads as a find does', async () => {
    await sameAsFind(User, 'brigade_id = ?', [1], () => m().find(User, { where: { brigadeId: 1 } }));
    await sameAsFind(LinkageGroup, 'brigade_id = ?', [1], () => m().find(LinkageGroup, { where: { brigadeId: 1 } }));
    const [op] = await sameAsFind(Operation, 'id = ?', [operationId], () =>
      m().find(Operation, { where: { id: operationId } }),
    );
    expect(op.filedAt).toBeInstanceOf(Date);
    await sameAsFind(OperationSquad, 'operation_id = ?', [operationId], () =>
      m().find(OperationSquad, { where: { operationId } }),
    );
  });

  it('reads JSON columns (a snapshot, a step’s payload) as a find does', async () => {
    const [instance] = await sameAsFind(WorkflowInstance, 'id = ?', [operationId], () =>
      m().find(WorkflowInstance, { where: { id: operationId } }),
    );
    expect(typeof instance.snapshot).toBe('object');
    await sameAsFind(WorkflowHistory, 'instance_id = ?', [operationId], () =>
      m().find(WorkflowHistory, { where: { instanceId: operationId } }),
    );
  });

  it('the brigade’s squads, and those of some codes (none asked, none read)', async () => {
    const all = await squadsOfBrigade(m(), 1);
    const two = all.slice(0, 2).map((s) => s.code);
    expect((await squadsByCodes(m(), 1, two)).map((s) => s.code).sort()).toEqual([...two].sort());
    expect(await squadsByCodes(m(), 1, ['no-such-squad'])).toEqual([]);
    expect(await squadsByCodes(m(), 1, [])).toEqual([]);
    expect(await squadsByCodes(m(), 2, two)).toEqual([]);
    expect((await groupsOfBrigade(m(), 1)).length).toBeGreaterThan(0);
  });

  it('a squad’s active squad leaders: those of the role, active, of the squad — as the join read them', async () => {
    const joined = (squadId: number) =>
      m()
        .createQueryBuilder(User, 'u')
        .innerJoin(UserRole, 'r', 'r.user_id = u.id AND r.role = :role', { role: 'squad_leader' })
        .where('u.squad_id = :squad AND u.active = :active', { squad: squadId, active: true })
        .getMany();
    const ids = (us: User[]) => us.map((u) => u.id).sort((a, b) => a - b);
    const squads = await squadsOfBrigade(m(), 1);
    let leaders = 0;
    for (const squad of squads) {
      const read = await activeSquadLeaders(m(), squad.id);
      expect(read).toEqual(expect.arrayContaining(await joined(squad.id)));
      expect(ids(read)).toEqual(ids(await joined(squad.id)));
      leaders += read.length;
    }
    expect(leaders).toBeGreaterThan(0);
    // A leader disabled is no longer one; officers of the squad never were.
    const [leader] = await activeSquadLeaders(m(), squads[0].id);
    await m().update(User, { id: leader.id }, { active: false });
    try {
      expect(ids(await activeSquadLeaders(m(), squads[0].id))).not.toContain(leader.id);
      expect(ids(await activeSquadLeaders(m(), squads[0].id))).toEqual(ids(await joined(squads[0].id)));
    } finally {
      await m().update(User, { id: leader.id }, { active: true });
    }
    const officers = await m().find(User, { where: { squadId: squads[0].id } });
    expect(officers.length).toBeGreaterThan((await activeSquadLeaders(m(), squads[0].id)).length);
  });
});
