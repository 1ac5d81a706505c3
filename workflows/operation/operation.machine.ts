/**
 * The joint operation (联动整治行动), SPEC §3.1:
 *
 *   draft --FILE--> filed --APPROVE--> approved --START--> in_progress --COMPLETE--> holding
 *   filed --RETURN--> draft;  draft/filed/approved --CANCEL--> cancelled
 *   holding --HOLDING_ELAPSED--> awaiting_audit --AUDIT_PASS--> closed
 *                                awaiting_audit --AUDIT_FAIL--> holding (again)
 *
 * Every transition is guarded by the rules it enforces, by name: who may send
 * it (operation.rules `OPERATION_WHO`: a refusal is a 403) and what the event
 * must satisfy (`OPERATION_WHAT`: a refusal is a 422 naming the fields).
 */
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { ruleGuards, rules, fromInput } from '../shared/rules';
import { addDays } from '../shared/time';
import { OPERATION_WHAT, OPERATION_WHO, actualHours, entryDelayHours } from './operation.rules';
import type { OperationContext, OperationEvent, OperationInput } from './operation.types';
import type { StoredSnapshot } from '../shared/rules';

/**
 * Bump when states, events or context change shape, and add the migration of
 * stored snapshots from the version before (`operationSnapshotMigrations`).
 * 2: late entries and early starts say why; holding coverage at the audit.
 */
export const OPERATION_MACHINE_VERSION = 2;

const trimmed = (s: string | undefined) => (s?.trim() ? s.trim() : null);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const operationMachine = setup({
  types: {
    context: {} as OperationContext,
    events: {} as OperationEvent,
    input: {} as OperationInput,
  },
  guards: ruleGuards<OperationContext, OperationEvent>()(OPERATION_WHO, OPERATION_WHAT, () => undefined),
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
    recordCancel: assign({
      cancelReason: ({ event }) => {
        assertEvent(event, 'CANCEL');
        return event.reason.trim();
      },
    }),
    recordCommander: assign({
      designatedCommanderId: ({ event }) => {
        assertEvent(event, 'DESIGNATE_COMMANDER');
        return event.commanderId;
      },
    }),
  },
}).createMachine({
  id: 'operation',
  initial: 'draft',
  context: fromInput((input) => ({
    plan: input.plan,
    createdBy: input.createdBy,
    designatedCommanderId: null,
    filedBy: null,
    filedAt: null,
    approvedBy: null,
    approvedAt: null,
    returnCount: 0,
    lastReturnReason: null,
    cancelReason: null,
    actualStart: null,
    actualEnd: null,
    actualHours: null,
    shortReason: null,
    countsTowardMinimum: null,
    holdingRound: 0,
    holdingStartedAt: null,
    holdingDeadline: null,
    holdingChecks: 0,
    spotChecks: 0,
    lateEntryHours: null,
    lateReason: null,
    earlyReason: null,
    coverageReason: null,
  })),
  states: {
    draft: {
      on: {
        EDIT_PLAN: {
          guard: rules(['isLeadSquadLeader', 'planShapeSound', 'leadSquadFixed']),
          actions: assign({
            plan: ({ event }) => {
              assertEvent(event, 'EDIT_PLAN');
              return event.plan;
            },
          }),
        },
        FILE: {
          target: 'filed',
          guard: rules(['isLeadSquadLeader', 'planFitToFile']),
          actions: [
            assign({ filedBy: ({ event }) => event.actor.userId, filedAt: ({ event }) => event.at }),
            notify('operation.filed'),
          ],
        },
        DESIGNATE_COMMANDER: { guard: rules(['isBrigadeCommander']), actions: 'recordCommander' },
        CANCEL: {
          target: 'cancelled',
          guard: rules(['isLeadSquadLeader', 'reasonGiven']),
          actions: ['recordCancel', notify('operation.cancelled')],
        },
      },
    },
    filed: {
      on: {
        APPROVE: {
          target: 'approved',
          guard: rules(['isManager', 'notOwnFiling', 'notOwnDraft']),
          actions: [
            assign({ approvedBy: ({ event }) => event.actor.userId, approvedAt: ({ event }) => event.at }),
            notify('operation.approved'),
          ],
        },
        RETURN: {
          target: 'draft',
          guard: rules(['isManager', 'reasonGiven']),
          actions: [
            assign({
              returnCount: ({ context }) => context.returnCount + 1,
              lastReturnReason: ({ event }) => {
                assertEvent(event, 'RETURN');
                return event.reason;
              },
              filedBy: null,
              filedAt: null,
            }),
            notify('operation.returned'),
          ],
        },
        DESIGNATE_COMMANDER: { guard: rules(['isBrigadeCommander']), actions: 'recordCommander' },
        CANCEL: {
          target: 'cancelled',
          guard: rules(['isManager', 'reasonGiven']),
          actions: ['recordCancel', notify('operation.cancelled')],
        },
      },
    },
    approved: {
      on: {
        START: {
          target: 'in_progress',
          guard: rules([
            'isOperationCommander',
            'notInFuture',
            'startsAfterApproval',
            'lateEntryExplained',
            'earlyStartExplained',
          ]),
          actions: assign(({ event }) => {
            assertEvent(event, 'START');
            const start = event.actualStart ?? event.at;
            // R6: a start recorded long after it happened stays marked as a late entry, with its reason.
            const late = entryDelayHours(start, event.at) > event.facts.limits.lateEntryHours;
            return {
              actualStart: start,
              lateEntryHours: late ? Math.round(entryDelayHours(start, event.at) * 10) / 10 : null,
              lateReason: late ? trimmed(event.lateReason) : null,
              earlyReason: trimmed(event.earlyReason),
            };
          }),
        },
        DESIGNATE_COMMANDER: { guard: rules(['isBrigadeCommander']), actions: 'recordCommander' },
        CANCEL: {
          target: 'cancelled',
          guard: rules(['isManager', 'reasonGiven']),
          actions: ['recordCancel', notify('operation.cancelled')],
        },
      },
    },
    in_progress: {
      on: {
        LOG_INCIDENT: {
          guard: rules(['isCommanderOrParticipant', 'notInFuture', 'duringOperation', 'incidentDescribed']),
          actions: {
            type: 'notify',
            params: ({ event }) => {
              assertEvent(event, 'LOG_INCIDENT');
              return { topic: event.severity === 'minor' ? 'operation.incident' : 'operation.serious_incident' };
            },
          },
        },
        COMPLETE: {
          target: 'holding',
          guard: rules([
            'isOperationCommander',
            'notInFuture',
            'resultsPerSquad',
            'goodsAsLedger',
            'endsAfterStart',
            'shortOperationExplained',
          ]),
          actions: assign(({ context, event }) => {
            assertEvent(event, 'COMPLETE');
            const end = event.actualEnd ?? event.at;
            const hours = actualHours(context, end);
            return {
              actualEnd: end,
              actualHours: hours,
              shortReason: event.shortReason?.trim() ? event.shortReason.trim() : null,
              // R6: only regular and brigade-led operations of at least 4 hours count.
              countsTowardMinimum: context.plan.kind !== 'ad_hoc' && hours >= event.facts.limits.minHours,
              holdingRound: 1,
              holdingStartedAt: end,
              // R12: the host squad holds the site for the planned number of days.
              holdingDeadline: addDays(end, context.plan.holdingDays),
            };
          }),
        },
      },
    },
    holding: {
      on: {
        LOG_HOLDING_CHECK: {
          guard: rules(['isHostSquadMember', 'notInFuture', 'withinHolding']),
          actions: [
            // R12: one entry per holding day; a second check of a day amends it (both stay in the history).
            assign({
              holdingChecks: ({ context, event }) => {
                assertEvent(event, 'LOG_HOLDING_CHECK');
                return context.holdingChecks + (event.facts.checkedDays?.includes(event.date) ? 0 : 1);
              },
            }),
            // R12: a rebound seen while holding is news for the group.
            enqueueActions(({ event, enqueue }) => {
              assertEvent(event, 'LOG_HOLDING_CHECK');
              if (event.reboundObserved) enqueue(notify('operation.rebound_observed'));
            }),
          ],
        },
        SPOT_CHECK: {
          guard: rules(['isInspector', 'independentOfHostSquad', 'findingsGiven']),
          actions: [
            assign({ spotChecks: ({ context }) => context.spotChecks + 1 }),
            enqueueActions(({ event, enqueue }) => {
              assertEvent(event, 'SPOT_CHECK');
              if (event.reboundObserved) enqueue(notify('operation.rebound_observed'));
            }),
          ],
        },
        HOLDING_ELAPSED: {
          target: 'awaiting_audit',
          guard: rules(['isSystem', 'holdingOver']),
          actions: notify('operation.audit_due'),
        },
      },
    },
    awaiting_audit: {
      on: {
        AUDIT_PASS: {
          target: 'closed',
          guard: rules(['isInspector', 'independentOfHostSquad', 'findingsGiven', 'lowCoverageExplained']),
          actions: [
            assign({
              coverageReason: ({ event }) => {
                assertEvent(event, 'AUDIT_PASS');
                return trimmed(event.coverageReason);
              },
            }),
            notify('operation.audit_passed'),
          ],
        },
        AUDIT_FAIL: {
          target: 'holding',
          guard: rules([
            'isInspector',
            'independentOfHostSquad',
            'findingsGiven',
            'rectificationGiven',
            'holdingDaysInBounds',
          ]),
          actions: [
            // R14: a failed audit restarts holding with the rectification asked for.
            assign(({ context, event }) => {
              assertEvent(event, 'AUDIT_FAIL');
              return {
                holdingRound: context.holdingRound + 1,
                holdingStartedAt: event.at,
                holdingDeadline: addDays(event.at, event.holdingDays ?? context.plan.holdingDays),
              };
            }),
            notify('operation.audit_failed'),
          ],
        },
      },
    },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

/**
 * Stored snapshots of an earlier machine version, brought to the next one
 * (keyed by the version they were stored with): records in flight on a
 * brigade's database keep working after an upgrade.
 */
export const operationSnapshotMigrations: Record<number, (persisted: StoredSnapshot) => StoredSnapshot> = {
  // 1 → 2: the late-entry, early-start and coverage reasons are new; nothing in flight had them.
  1: (persisted) => ({
    ...persisted,
    context: { lateEntryHours: null, lateReason: null, earlyReason: null, coverageReason: null, ...persisted.context },
  }),
};
