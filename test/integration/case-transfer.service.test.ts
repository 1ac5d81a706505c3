import type { Principal } from '../../src/domain/org/org.service';
import { ConflictError, ForbiddenError } from '../../src/errors';
import { Squad } from '../../src/persistence/entities';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * R10's case transfer asked of CaseService directly (no HTTP): a case of one
 * squad proposed to the squad at the border, disputed, designated by the legal
 * section; who is waited on at each step, and where the case ends up.
 */

let t: TestApp;
const HOUR = 3_600_000;

async function as(username: string): Promise<Principal> {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

const squadId = async (code: string) => (await t.services.db.manager.findOneByOrFail(Squad, { code })).id;
const materials = () => t.services.config.transfers.requiredMaterials.map((code) => ({ code, count: 1 }));

let waitan: Principal;
let nanjing: Principal;
let legal: Principal;
let caseId: number;
let transferId: number;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-04T02:00:00.000Z' });
  [waitan, nanjing, legal] = [await as('waitan.leader'), await as('nanjingdonglu.leader'), await as('legal')];
  caseId = await t.services.cases.registerCase(waitan, {
    reference: '黄浦城管〔2026〕第0007号',
    partyKind: 'stall',
    partyName: '某水果店',
    violation: '占道经营',
    location: '九江路',
  });
});

afterAll(async () => {
  await t.close();
});

describe('a case transfer (R10), asked of the domain', () => {
  it('a proposal marks the case as having a transfer under way and waits on the receiving squad’s leader', async () => {
    transferId = await t.services.cases.propose(waitan, {
      case: caseId,
      toSquad: 'nanjingdonglu',
      materials: materials(),
      note: '违法行为发生地属对方辖区。',
    });
    const view = await t.services.cases.getCase(waitan, caseId);
    expect([view.case.openTransferId, view.case.handlingSquadId, view.mayPropose]).toEqual([
      transferId,
      await squadId('waitan'),
      false,
    ]);
    expect([
      await t.services.cases.waitingCount(nanjing),
      await t.services.cases.waitingCount(legal),
      await t.services.cases.waitingCount(waitan),
    ]).toEqual([1, 0, 0]);
    expect((await t.services.cases.waiting(nanjing)).items.map((x) => [x.id, x.state])).toEqual([
      [transferId, 'proposed'],
    ]);
    // One transfer at a time.
    await expect(
      t.services.cases.propose(waitan, { case: caseId, toSquad: 'yuyuan', materials: materials(), note: '另案移送。' }),
    ).rejects.toThrow(ConflictError);
  });

  it('a dispute moves the wait to the legal section; the transfer list finds it by state and by either squad', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 5 * HOUR));
    await t.services.cases.send(nanjing, transferId, {
      type: 'DISPUTE',
      reason: '经核查，违法行为发生地不在本中队辖区。',
    });
    expect([await t.services.cases.waitingCount(nanjing), await t.services.cases.waitingCount(legal)]).toEqual([0, 1]);
    const ids = async (f: Parameters<typeof t.services.cases.list>[1]) =>
      (await t.services.cases.list(legal, f)).items.map((x) => x.id);
    expect(await ids({ state: 'disputed' })).toEqual([transferId]);
    expect(await ids({ state: 'proposed' })).toEqual([]);
    expect(await ids({ squad: 'waitan' })).toEqual([transferId]);
    expect(await ids({ squad: 'nanjingdonglu' })).toEqual([transferId]);
    expect(await ids({ squad: 'yuyuan' })).toEqual([]);
    expect(await ids({ case: caseId })).toEqual([transferId]);
  });

  it('a designation ends the transfer and hands the case to the squad designated; only that squad may transfer it on', async () => {
    t.clock.set(new Date(t.clock.now().getTime() + 24 * HOUR));
    await t.services.cases.send(legal, transferId, {
      type: 'DESIGNATE',
      squad: 'nanjingdonglu',
      reason: '依据现场勘验笔录确定违法行为发生地。',
    });
    expect([await t.services.cases.waitingCount(nanjing), await t.services.cases.waitingCount(legal)]).toEqual([0, 0]);
    const view = await t.services.cases.getCase(nanjing, caseId);
    expect([view.case.openTransferId, view.case.handlingSquadId]).toEqual([null, await squadId('nanjingdonglu')]);
    expect((await t.services.cases.get(legal, transferId)).transfer).toMatchObject({
      state: 'designated',
      designatedSquadId: await squadId('nanjingdonglu'),
    });
    expect((await t.services.cases.listCases(waitan, { squad: 'nanjingdonglu' })).items.map((c) => c.id)).toEqual([
      caseId,
    ]);
    expect((await t.services.cases.listCases(waitan, { squad: 'waitan' })).items).toEqual([]);
    await expect(
      t.services.cases.propose(waitan, { case: caseId, toSquad: 'yuyuan', materials: materials(), note: '再移送。' }),
    ).rejects.toThrow(ForbiddenError);
    // The squad now handling it may.
    const next = await t.services.cases.propose(nanjing, {
      case: caseId,
      toSquad: 'waitan',
      materials: materials(),
      note: '移回。',
    });
    expect((await t.services.cases.getCase(nanjing, caseId)).case.openTransferId).toBe(next);
  });
});
