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
import { assertEvent, assign, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { CASE_TRANSFER_WHAT, CASE_TRANSFER_WHO } from './case-transfer.rules';
import type { CaseTransferContext, CaseTransferEvent, CaseTransferInput } from './case-transfer.types';

/** Bump when states, events or context change shape; add a migration in the workflow definition. */
export const CASE_TRANSFER_MACHINE_VERSION = 1;

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const caseTransferMachine = setup({
  types: {
    context: {} as CaseTransferContext,
    events: {} as CaseTransferEvent,
    input: {} as CaseTransferInput,
  },
  guards: ruleGuards<CaseTransferContext, CaseTransferEvent>()(CASE_TRANSFER_WHO, CASE_TRANSFER_WHAT, () => undefined),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
  },
}).createMachine({
  id: 'caseTransfer',
  initial: 'proposed',
  context: fromInput((input) => ({
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
  })),
  states: {
    proposed: {
      entry: notify('case_transfer.proposed'),
      on: {
        ACCEPT: {
          target: 'transferred',
          guard: rules(['isReceivingSquadLeader']),
          actions: [assign({ answeredBy: ({ event }) => event.actor.userId }), notify('case_transfer.accepted')],
        },
        DISPUTE: {
          target: 'disputed',
          guard: rules(['isReceivingSquadLeader', 'reasonGiven']),
          actions: [
            assign({
              answeredBy: ({ event }) => event.actor.userId,
              disputeReason: ({ event }) => {
                assertEvent(event, 'DISPUTE');
                return event.reason.trim();
              },
            }),
            notify('case_transfer.disputed'),
          ],
        },
        WITHDRAW: {
          target: 'withdrawn',
          guard: rules(['isSendingSquadLeader', 'reasonGiven']),
          actions: [
            assign({
              withdrawReason: ({ event }) => {
                assertEvent(event, 'WITHDRAW');
                return event.reason.trim();
              },
            }),
            notify('case_transfer.withdrawn'),
          ],
        },
      },
    },
    disputed: {
      on: {
        DESIGNATE: {
          target: 'designated',
          guard: rules(['isLegalSection', 'competentSquadNamed', 'reasonGiven']),
          actions: [
            assign(({ event }) => {
              assertEvent(event, 'DESIGNATE');
              return {
                designatedSquadId: event.squadId,
                designationReason: event.reason.trim(),
                designatedBy: event.actor.userId,
              };
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
