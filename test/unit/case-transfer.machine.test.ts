import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type CaseTransferEvent,
  type CaseTransferFacts,
  type CaseTransferInput,
  type TransferMaterial,
  caseTransferMachine,
  materialProblems,
  mayProposeTransfer,
  mayTransfer,
  proposalProblems,
  transferEventProblems,
} from '../../workflows/case-transfer';
import type { Actor } from '../../workflows/shared/actor';

const REQUIRED = ['inspection_record', 'inquiry_record', 'photos_video', 'evidence_list', 'transfer_letter'];
const facts: CaseTransferFacts = { activeSquadIds: [1, 2, 3, 5] };
const NOW = '2026-11-10T06:00:00.000Z';

const user = (roles: Actor['roles'], squadId: number | null, userId: number): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const waitanLeader = user(['squad_leader'], 1, 11); // the sending squad
const nanjingLeader = user(['squad_leader'], 2, 21); // the receiving squad
const nanjingOfficer = user(['officer'], 2, 22);
const yuyuanLeader = user(['squad_leader'], 5, 51); // a third squad
const legal = user(['legal'], null, 80);
const commander = user(['commander'], null, 91);

const pkg = (leave: string[] = []): TransferMaterial[] =>
  REQUIRED.filter((c) => !leave.includes(c)).map((code) => ({ code, count: 2, description: '' }));
const input = (over: Partial<CaseTransferInput> = {}): CaseTransferInput => ({
  caseId: 7,
  fromSquadId: 1,
  toSquadId: 2,
  materials: pkg(),
  note: '违法行为发生在南京东路中队辖区',
  proposedBy: 11,
  ...over,
});

type Payload =
  | { type: 'ACCEPT' }
  | { type: 'DISPUTE'; reason: string }
  | { type: 'DESIGNATE'; squadId: number | null; reason: string }
  | { type: 'WITHDRAW'; reason: string };
const ev = (actor: Actor, payload: Payload): CaseTransferEvent =>
  ({ ...payload, actor, at: NOW, facts }) as CaseTransferEvent;

function proposed(): AnyMachineSnapshot {
  return initialTransition(caseTransferMachine, input())[0] as AnyMachineSnapshot;
}
function step(s: AnyMachineSnapshot, e: CaseTransferEvent): AnyMachineSnapshot {
  return transition(caseTransferMachine, s, e)[0] as AnyMachineSnapshot;
}
const disputed = () => step(proposed(), ev(nanjingLeader, { type: 'DISPUTE', reason: '不在本辖区' }));

describe('case transfer (R10): who may do what', () => {
  it('the receiving squad’s leader accepts, and the transfer is done', () => {
    const s = proposed();
    expect(s.can(ev(nanjingLeader, { type: 'ACCEPT' }))).toBe(true);
    expect(step(s, ev(nanjingLeader, { type: 'ACCEPT' })).value).toBe('transferred');
  });

  it('the sending squad cannot accept its own transfer', () => {
    const s = proposed();
    expect(s.can(ev(waitanLeader, { type: 'ACCEPT' }))).toBe(false);
    expect(mayTransfer('ACCEPT', waitanLeader, s.context, 'proposed')).toEqual({ ok: false, reason: 'own_transfer' });
  });

  it('an officer of the receiving squad, or a leader of a third squad, neither accepts nor disputes', () => {
    const s = proposed();
    for (const a of [nanjingOfficer, yuyuanLeader, commander, legal]) {
      expect(s.can(ev(a, { type: 'ACCEPT' }))).toBe(false);
      expect(s.can(ev(a, { type: 'DISPUTE', reason: 'x' }))).toBe(false);
    }
  });

  it('a dispute needs a reason', () => {
    expect(proposed().can(ev(nanjingLeader, { type: 'DISPUTE', reason: '  ' }))).toBe(false);
    expect(transferEventProblems(proposed().context, ev(nanjingLeader, { type: 'DISPUTE', reason: '' }))).toEqual([
      { code: 'required', field: 'reason', rule: 'R10' },
    ]);
    expect(disputed().value).toBe('disputed');
    expect(disputed().context.disputeReason).toBe('不在本辖区');
  });

  it('only the legal section designates', () => {
    const s = disputed();
    for (const a of [commander, nanjingLeader, waitanLeader, yuyuanLeader]) {
      expect(s.can(ev(a, { type: 'DESIGNATE', squadId: 2, reason: '依据管辖规定' }))).toBe(false);
    }
    expect(mayTransfer('DESIGNATE', commander, s.context, 'disputed')).toEqual({ ok: false, reason: 'not_legal' });
    const done = step(s, ev(legal, { type: 'DESIGNATE', squadId: 2, reason: '依据管辖规定' }));
    expect(done.value).toBe('designated');
    expect(done.context.designatedSquadId).toBe(2);
  });

  it('the legal section may designate either side or a third squad, with a reason, among squads in use', () => {
    const s = disputed();
    for (const squadId of [1, 2, 5])
      expect(s.can(ev(legal, { type: 'DESIGNATE', squadId, reason: '指定管辖' }))).toBe(true);
    expect(s.can(ev(legal, { type: 'DESIGNATE', squadId: 99, reason: '指定管辖' }))).toBe(false);
    expect(s.can(ev(legal, { type: 'DESIGNATE', squadId: 2, reason: '' }))).toBe(false);
    expect(s.can(ev(legal, { type: 'DESIGNATE', squadId: null, reason: 'x' }))).toBe(false);
  });

  it('the sender may withdraw before acceptance, with a reason; the receiver may not withdraw it', () => {
    const s = proposed();
    expect(s.can(ev(nanjingLeader, { type: 'WITHDRAW', reason: '误送' }))).toBe(false);
    expect(s.can(ev(waitanLeader, { type: 'WITHDRAW', reason: '' }))).toBe(false);
    expect(step(s, ev(waitanLeader, { type: 'WITHDRAW', reason: '误送' })).value).toBe('withdrawn');
  });

  it('withdrawal after acceptance is refused', () => {
    const accepted = step(proposed(), ev(nanjingLeader, { type: 'ACCEPT' }));
    expect(accepted.status).toBe('done');
    expect(accepted.can(ev(waitanLeader, { type: 'WITHDRAW', reason: '改变主意' }))).toBe(false);
  });

  it('a disputed transfer is not accepted any more: it waits for the legal section', () => {
    expect(disputed().can(ev(nanjingLeader, { type: 'ACCEPT' }))).toBe(false);
  });

  it('each step says so on the outbox', () => {
    const [, created] = initialTransition(caseTransferMachine, input());
    expect(created.map((a) => (a.params as { topic?: string })?.topic)).toContain('case_transfer.proposed');
    const [, actions] = transition(
      caseTransferMachine,
      proposed(),
      ev(nanjingLeader, { type: 'DISPUTE', reason: '不在本辖区' }),
    );
    expect(actions.map((a) => (a.params as { topic?: string })?.topic)).toContain('case_transfer.disputed');
  });
});

describe('case transfer (R10): the package', () => {
  it('a package missing the inquiry record cannot be proposed', () => {
    const problems = proposalProblems(input({ materials: pkg(['inquiry_record']) }), REQUIRED, facts.activeSquadIds);
    expect(problems).toEqual([
      {
        code: 'material_missing',
        field: 'materials.inquiry_record',
        rule: 'R10',
        params: { material: 'inquiry_record' },
      },
    ]);
  });

  it('every missing item is named, and a count of nothing is no item', () => {
    const materials = pkg(['photos_video', 'transfer_letter']).map((m) =>
      m.code === 'evidence_list' ? { ...m, count: 0 } : m,
    );
    const fields = materialProblems(materials, REQUIRED).map((p) => `${p.code}:${p.field}`);
    expect(fields).toEqual([
      'material_count:materials.evidence_list',
      'material_missing:materials.photos_video',
      'material_missing:materials.evidence_list',
      'material_missing:materials.transfer_letter',
    ]);
  });

  it('a complete package to another squad in use, with a note, may be proposed', () => {
    expect(proposalProblems(input(), REQUIRED, facts.activeSquadIds)).toEqual([]);
    expect(
      proposalProblems(
        input({ materials: [...pkg(), { code: 'other', count: 1, description: '扣押物品照片' }] }),
        REQUIRED,
        facts.activeSquadIds,
      ),
    ).toEqual([]);
  });

  it('a squad does not transfer a case to itself', () => {
    expect(proposalProblems(input({ toSquadId: 1 }), REQUIRED, facts.activeSquadIds).map((p) => p.code)).toEqual([
      'same_squad',
    ]);
  });

  it('only a leader of the handling squad proposes', () => {
    expect(mayProposeTransfer(waitanLeader, 1).ok).toBe(true);
    expect(mayProposeTransfer(nanjingLeader, 1)).toEqual({ ok: false, reason: 'not_handling_squad_leader' });
    expect(mayProposeTransfer(user(['officer'], 1, 12), 1).ok).toBe(false);
  });
});
