import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type GoodsEvent,
  type GoodsFacts,
  type GoodsInput,
  goodsEventProblems,
  goodsMachine,
  goodsStandingProblems,
  mayGoods,
} from '../../workflows/goods';
import type { Actor } from '../../workflows/shared/actor';

const facts: GoodsFacts = { activeSquadIds: [1, 2, 3, 5], extensionDays: 30 };
const NOW = '2026-11-10T06:00:00.000Z';

const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11);
const waitanOfficer = user(['officer'], 1, 12);
const nanjingLeader = user(['squad_leader'], 2, 21);
const duty = user(['duty_officer'], null, 90);
const commander = user(['commander'], null, 91);

const input = (over: Partial<GoodsInput> = {}): GoodsInput => ({
  operationId: 7,
  partyId: 3,
  party: { name: '王某', idNumber: null, phone: '13800000000', stall: '中山东一路 12 号门前' },
  description: '三轮车',
  quantity: 1,
  unit: '辆',
  perishable: false,
  caseRef: null,
  custodianSquadId: 1,
  storagePlace: '外滩中队暂扣物品仓库',
  registeredAt: NOW,
  registeredBy: 11,
  dueAt: '2026-12-10T06:00:00.000Z',
  ...over,
});

const ev = (type: string, actor: Actor, payload: Record<string, unknown> = {}): GoodsEvent =>
  ({ type, actor, at: NOW, facts, ...payload }) as unknown as GoodsEvent;

function start(over: Partial<GoodsInput> = {}) {
  return initialTransition(goodsMachine, input(over))[0] as AnyMachineSnapshot;
}
function step(s: AnyMachineSnapshot, e: GoodsEvent) {
  return transition(goodsMachine, s, e)[0] as AnyMachineSnapshot;
}

describe('a detained item (R13: 暂扣物品)', () => {
  it('is registered held, in the custody of its squad at its storage place', () => {
    const s = start();
    expect(s.value).toBe('held');
    expect(s.context.custody).toMatchObject({ squadId: 1, place: '外滩中队暂扣物品仓库' });
  });

  it('goes back to its owner when the custodian squad’s leader returns it', () => {
    const s = start();
    const e = ev('RETURN_TO_OWNER', waitanLeader, { receivedBy: '王某' });
    expect(s.can(e)).toBe(true);
    expect(step(s, e).value).toBe('returned');
  });

  it('only the custodian squad returns goods', () => {
    const s = start();
    for (const actor of [nanjingLeader, waitanOfficer, duty]) {
      expect(s.can(ev('RETURN_TO_OWNER', actor, { receivedBy: '王某' }))).toBe(false);
      expect(mayGoods('RETURN_TO_OWNER', actor, s.context).ok).toBe(false);
    }
    expect(mayGoods('RETURN_TO_OWNER', nanjingLeader, s.context)).toEqual({
      ok: false,
      reason: 'not_custodian_leader',
    });
  });

  it('is confiscated only with a decision reference', () => {
    const s = start();
    expect(s.can(ev('CONFISCATE', waitanLeader, { decisionRef: ' ' }))).toBe(false);
    expect(goodsEventProblems(s.context, ev('CONFISCATE', waitanLeader, { decisionRef: '' }))).toEqual([
      { code: 'required', field: 'decisionRef', rule: 'R13' },
    ]);
    expect(step(s, ev('CONFISCATE', waitanLeader, { decisionRef: '黄城管罚决字〔2026〕第 118 号' })).value).toBe(
      'confiscated',
    );
  });

  it('goods cannot be disposed of without approval', () => {
    const s = start({ perishable: true });
    const dispose = ev('DISPOSE', waitanLeader, { method: 'destroyed' });
    expect(s.can(dispose)).toBe(false);
    expect(goodsStandingProblems(s.context, 'DISPOSE')).toEqual([{ code: 'disposal_not_approved', rule: 'R13' }]);
    // A squad leader cannot approve their own disposal; a manager can.
    expect(s.can(ev('APPROVE_DISPOSAL', waitanLeader, { method: 'destroyed', reason: '变质' }))).toBe(false);
    const approved = step(s, ev('APPROVE_DISPOSAL', duty, { method: 'destroyed', reason: '蔬菜已变质' }));
    expect(approved.value).toBe('held');
    expect(approved.context.disposalApproval).toMatchObject({ byUserId: 90, method: 'destroyed' });
    // The approval is for one method: another is refused.
    expect(approved.can(ev('DISPOSE', waitanLeader, { method: 'auctioned' }))).toBe(false);
    expect(step(approved, dispose).value).toBe('disposed');
  });

  it('a manager extends the limit once by the configured days, with a reason; a second extension is refused', () => {
    const s = start();
    expect(s.can(ev('EXTEND', duty, { reason: '' }))).toBe(false);
    expect(s.can(ev('EXTEND', waitanLeader, { reason: '当事人在外地' }))).toBe(false);
    const once = step(s, ev('EXTEND', commander, { reason: '当事人在外地，暂不能领回' }));
    expect(once.value).toBe('held');
    expect(once.context.dueAt).toBe('2027-01-09T06:00:00.000Z');
    expect(once.context.extension).toMatchObject({ byUserId: 91, days: 30 });
    expect(once.can(ev('EXTEND', duty, { reason: '再延长' }))).toBe(false);
    expect(goodsStandingProblems(once.context, 'EXTEND')).toEqual([{ code: 'already_extended', rule: 'R13' }]);
  });

  it('the limit is extended before it runs out, never once it has passed (R13, the rule and the field named)', () => {
    const s = start();
    const at = (iso: string) => ({ ...ev('EXTEND', duty, { reason: '当事人在外地' }), at: iso }) as GoodsEvent;
    // Up to the last instant of the limit (dueAt 2026-12-10T06:00Z) it may be extended …
    expect(s.can(at('2026-12-10T06:00:00.000Z'))).toBe(true);
    // … a moment later it may not.
    expect(s.can(at('2026-12-10T06:00:00.001Z'))).toBe(false);
    expect(goodsEventProblems(s.context, at('2026-12-11T00:00:00.000Z'))).toEqual([
      { code: 'limit_passed', field: 'dueAt', rule: 'R13' },
    ]);
    expect(goodsStandingProblems(s.context, 'EXTEND', '2026-12-11T00:00:00.000Z')).toEqual([
      { code: 'limit_passed', field: 'dueAt', rule: 'R13' },
    ]);
    expect(goodsStandingProblems(s.context, 'EXTEND', NOW)).toEqual([]);
    // Other steps are not refused by the limit: goods past it must still be returned, confiscated or disposed of.
    expect(
      s.can({
        ...ev('RETURN_TO_OWNER', waitanLeader, { receivedBy: '王某' }),
        at: '2026-12-11T00:00:00.000Z',
      } as GoodsEvent),
    ).toBe(true);
  });

  it('perishable goods are never extended: they are kept only their short limit', () => {
    const s = start({ perishable: true });
    expect(s.can(ev('EXTEND', commander, { reason: '当事人在外地' }))).toBe(false);
    expect(goodsStandingProblems(s.context, 'EXTEND')).toEqual([{ code: 'perishable_not_extended', rule: 'R13' }]);
  });

  it('changes hands (MOVE): the new custodian’s leader then does the custody steps, the old one no longer', () => {
    const s = start();
    expect(s.can(ev('MOVE', waitanLeader, { custodianSquadId: 1, storagePlace: '外滩中队暂扣物品仓库' }))).toBe(false);
    expect(s.can(ev('MOVE', waitanLeader, { custodianSquadId: 99, storagePlace: '别处' }))).toBe(false);
    const moved = step(s, ev('MOVE', waitanLeader, { custodianSquadId: 2, storagePlace: '南京东路中队仓库' }));
    expect(moved.context.custody).toMatchObject({ squadId: 2, place: '南京东路中队仓库', byUserId: 11 });
    expect(moved.can(ev('RETURN_TO_OWNER', waitanLeader, { receivedBy: '王某' }))).toBe(false);
    expect(moved.can(ev('RETURN_TO_OWNER', nanjingLeader, { receivedBy: '王某' }))).toBe(true);
  });

  it('once returned, confiscated or disposed, nothing more happens to it', () => {
    const done = step(start(), ev('RETURN_TO_OWNER', waitanLeader, { receivedBy: '王某' }));
    expect(done.status).toBe('done');
    expect(done.can(ev('EXTEND', duty, { reason: 'x' }))).toBe(false);
  });

  it('four eyes: the manager who approves or extends did not register the goods, and who approved a disposal does not carry it out', () => {
    const both = user(['squad_leader', 'duty_officer'], 1, 11);
    const s = start({ registeredBy: both.userId });
    expect(mayGoods('APPROVE_DISPOSAL', both, s.context)).toEqual({ ok: false, reason: 'own_registration' });
    expect(mayGoods('EXTEND', both, s.context)).toEqual({ ok: false, reason: 'own_registration' });
    expect(s.can(ev('APPROVE_DISPOSAL', duty, { method: 'destroyed', reason: '破损' }))).toBe(true);
    const approved = step(
      start({ registeredBy: 99 }),
      ev('APPROVE_DISPOSAL', both, { method: 'destroyed', reason: '破损' }),
    );
    expect(mayGoods('DISPOSE', both, approved.context)).toEqual({ ok: false, reason: 'own_disposal_approval' });
    expect(approved.can(ev('DISPOSE', user(['squad_leader'], 1, 13), { method: 'destroyed' }))).toBe(true);
  });
});
