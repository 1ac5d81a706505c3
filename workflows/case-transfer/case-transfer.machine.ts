/**
 * A case transfer (案件移送), R10 and SPEC §3.2:
 *
 *   proposed --ACCEPT--> transferred
 *   proposed --DISPUTE(reason)--> disputed --DESIGNATE(squad, reason)--> designated
 *   proposed --WITHDRAW(reason)--> withdrawn
 *
 * The package (evidence and materials) is checked complete before the record
 * exists (proposalProblems); the receiving squad's leader answers; the legal
 * section designates the competent squad in a dispute.
 */
import { and, assign, setup } from 'xstate';
import { mayTransfer, transferEventProblems } from './case-transfer.rules';
import type { CaseTransferContext, CaseTransferEvent, CaseTransferInput, CaseTransferState } from './case-transfer.types';

type Ev<T extends CaseTransferEvent['type']> = Extract<CaseTransferEvent, { type: T }>;

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const CASE_TRANSFER_MACHINE_VERSION = 1;

const allowed = (state: CaseTransferState) => and([{ type: 'permitted', params: { state } }, 'sound']);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const caseTransferMachine = setup({
  types: {
    context: {} as CaseTransferContext,
    events: {} as CaseTransferEvent,
    input: {} as CaseTransferInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: CaseTransferState }) => mayTransfer(event.type, event.actor, context, params.state).ok,
    sound: ({ context, event }) => transferEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'caseTransfer',
  initial: 'proposed',
  context: ({ input }) => ({
    caseId: input.caseId,
    fromSquadId: input.fromSquadId,
    toSquadId: input.toSquadId,
    materials: input.materials,
    note: input.note,
    proposedBy: input.proposedBy,
    answeredBy: null,
    disputeReason: null,
    designatedSquadId: null,
    designationReason: null,
    designatedBy: null,
    withdrawReason: null,
  }),
  states: {
    proposed: {
      entry: notify('case_transfer.proposed'),
      on: {
        ACCEPT: {
          target: 'transferred',
          guard: allowed('proposed'),
          actions: [assign({ answeredBy: ({ event }) => event.actor.userId }), notify('case_transfer.accepted')],
        },
        DISPUTE: {
          target: 'disputed',
          guard: allowed('proposed'),
          actions: [
            assign({ answeredBy: ({ event }) => event.actor.userId, disputeReason: ({ event }) => (event as Ev<'DISPUTE'>).reason.trim() }),
            notify('case_transfer.disputed'),
          ],
        },
        WITHDRAW: {
          target: 'withdrawn',
          guard: allowed('proposed'),
          actions: [assign({ withdrawReason: ({ event }) => (event as Ev<'WITHDRAW'>).reason.trim() }), notify('case_transfer.withdrawn')],
        },
      },
    },
    disputed: {
      on: {
        DESIGNATE: {
          target: 'designated',
          guard: allowed('disputed'),
          actions: [
            assign({
              designatedSquadId: ({ event }) => (event as Ev<'DESIGNATE'>).squadId,
              designationReason: ({ event }) => (event as Ev<'DESIGNATE'>).reason.trim(),
              designatedBy: ({ event }) => event.actor.userId,
            }),
            notify('case_transfer.designated'),
          ],
        },
      },
    },
    transferred: { type: 'final' },
    designated: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
