/**
 * The joint operation (联动整治行动), SPEC §3.1:
 *
 *   draft --FILE--> filed --APPROVE--> approved --START--> in_progress --COMPLETE--> holding
 *   filed --RETURN--> draft;  draft/filed/approved --CANCEL--> cancelled
 *   holding --HOLDING_ELAPSED--> awaiting_audit --AUDIT_PASS--> closed
 *                                awaiting_audit --AUDIT_FAIL--> holding (again)
 *
 * Every transition is guarded by who may send it (operation.rules `mayOperation`)
 * and by what the event must satisfy (`operationEventProblems`).
 */
import { and, assign, enqueueActions, setup } from 'xstate';
import { addDays } from '../shared/time';
import { actualHours, entryDelayHours, mayOperation, operationEventProblems } from './operation.rules';
import type { OperationContext, OperationEvent, OperationInput, OperationState } from './operation.types';

type Ev<T extends OperationEvent['type']> = Extract<OperationEvent, { type: T }>;

/**
 * Bump when states, events or context change shape, and add the migration of
 * stored snapshots from the version before (`operationSnapshotMigrations`).
 * 2: late entries and early starts say why; holding coverage at the audit.
 */
export const OPERATION_MACHINE_VERSION = 2;

const trimmed = (s: string | undefined) => (s?.trim() ? s.trim() : null);

/** The guard of every transition: the sender may send it in `state`, and the event is sound. */
const allowed = (state: OperationState) => and([{ type: 'permitted', params: { state } }, 'sound']);

const notify = (topic: string) => ({ type: 'notify' as const, params: { topic } });

export const operationMachine = setup({
  types: {
    context: {} as OperationContext,
    events: {} as OperationEvent,
    input: {} as OperationInput,
  },
  guards: {
    permitted: ({ context, event }, params: { state: OperationState }) =>
      mayOperation(event.type, event.actor, context, params.state).ok,
    sound: ({ context, event }) => operationEventProblems(context, event).length === 0,
  },
  actions: {
    /** A side effect for the outbox: the engine delivers it after commit. */
    notify: (_args, _params: { topic: string }) => undefined,
    recordCancel: assign({ cancelReason: ({ event }) => (event as Ev<'CANCEL'>).reason.trim() }),
  },
}).createMachine({
  id: 'operation',
  initial: 'draft',
  context: ({ input }) => ({
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
  }),
  states: {
    draft: {
      on: {
        EDIT_PLAN: {
          guard: allowed('draft'),
          actions: assign({ plan: ({ event }) => (event as Ev<'EDIT_PLAN'>).plan }),
        },
        FILE: {
          target: 'filed',
          guard: allowed('draft'),
          actions: [
            assign({ filedBy: ({ event }) => event.actor.userId, filedAt: ({ event }) => event.at }),
            notify('operation.filed'),
          ],
        },
        DESIGNATE_COMMANDER: {
          guard: allowed('draft'),
          actions: assign({ designatedCommanderId: ({ event }) => (event as Ev<'DESIGNATE_COMMANDER'>).commanderId }),
        },
        CANCEL: { target: 'cancelled', guard: allowed('draft'), actions: ['recordCancel', notify('operation.cancelled')] },
      },
    },
    filed: {
      on: {
        APPROVE: {
          target: 'approved',
          guard: allowed('filed'),
          actions: [
            assign({ approvedBy: ({ event }) => event.actor.userId, approvedAt: ({ event }) => event.at }),
            notify('operation.approved'),
          ],
        },
        RETURN: {
          target: 'draft',
          guard: allowed('filed'),
          actions: [
            assign({
              returnCount: ({ context }) => context.returnCount + 1,
              lastReturnReason: ({ event }) => (event as Ev<'RETURN'>).reason,
              filedBy: null,
              filedAt: null,
            }),
            notify('operation.returned'),
          ],
        },
        DESIGNATE_COMMANDER: {
          guard: allowed('filed'),
          actions: assign({ designatedCommanderId: ({ event }) => (event as Ev<'DESIGNATE_COMMANDER'>).commanderId }),
        },
        CANCEL: { target: 'cancelled', guard: allowed('filed'), actions: ['recordCancel', notify('operation.cancelled')] },
      },
    },
    approved: {
      on: {
        START: {
          target: 'in_progress',
          guard: allowed('approved'),
          actions: assign(({ event }) => {
            const e = event as Ev<'START'>;
            const start = e.actualStart ?? e.at;
            // R6: a start recorded long after it happened stays marked as a late entry, with its reason.
            const late = entryDelayHours(start, e.at) > e.facts.limits.lateEntryHours;
            return {
              actualStart: start,
              lateEntryHours: late ? Math.round(entryDelayHours(start, e.at) * 10) / 10 : null,
              lateReason: late ? trimmed(e.lateReason) : null,
              earlyReason: trimmed(e.earlyReason),
            };
          }),
        },
        DESIGNATE_COMMANDER: {
          guard: allowed('approved'),
          actions: assign({ designatedCommanderId: ({ event }) => (event as Ev<'DESIGNATE_COMMANDER'>).commanderId }),
        },
        CANCEL: { target: 'cancelled', guard: allowed('approved'), actions: ['recordCancel', notify('operation.cancelled')] },
      },
    },
    in_progress: {
      on: {
        LOG_INCIDENT: {
          guard: allowed('in_progress'),
          actions: {
            type: 'notify',
            params: ({ event }) => ({
              topic: (event as Ev<'LOG_INCIDENT'>).severity === 'minor' ? 'operation.incident' : 'operation.serious_incident',
            }),
          },
        },
        COMPLETE: {
          target: 'holding',
          guard: allowed('in_progress'),
          actions: assign(({ context, event }) => {
            const e = event as Ev<'COMPLETE'>;
            const end = e.actualEnd ?? e.at;
            const hours = actualHours(context, end);
            return {
              actualEnd: end,
              actualHours: hours,
              shortReason: e.shortReason?.trim() ? e.shortReason.trim() : null,
              // R6: only regular and brigade-led operations of at least 4 hours count.
              countsTowardMinimum: context.plan.kind !== 'ad_hoc' && hours >= e.facts.limits.minHours,
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
          guard: allowed('holding'),
          actions: [
            // R12: one entry per holding day; a second check of a day amends it (both stay in the history).
            assign({
              holdingChecks: ({ context, event }) =>
                context.holdingChecks + ((event as Ev<'LOG_HOLDING_CHECK'>).facts.checkedDays?.includes((event as Ev<'LOG_HOLDING_CHECK'>).date) ? 0 : 1),
            }),
            // R12: a rebound seen while holding is news for the group.
            enqueueActions(({ event, enqueue }) => {
              if ((event as Ev<'LOG_HOLDING_CHECK'>).reboundObserved) enqueue(notify('operation.rebound_observed'));
            }),
          ],
        },
        SPOT_CHECK: {
          guard: allowed('holding'),
          actions: [
            assign({ spotChecks: ({ context }) => context.spotChecks + 1 }),
            enqueueActions(({ event, enqueue }) => {
              if ((event as Ev<'SPOT_CHECK'>).reboundObserved) enqueue(notify('operation.rebound_observed'));
            }),
          ],
        },
        HOLDING_ELAPSED: { target: 'awaiting_audit', guard: allowed('holding'), actions: notify('operation.audit_due') },
      },
    },
    awaiting_audit: {
      on: {
        AUDIT_PASS: {
          target: 'closed',
          guard: allowed('awaiting_audit'),
          actions: [assign({ coverageReason: ({ event }) => trimmed((event as Ev<'AUDIT_PASS'>).coverageReason) }), notify('operation.audit_passed')],
        },
        AUDIT_FAIL: {
          target: 'holding',
          guard: allowed('awaiting_audit'),
          actions: [
            // R14: a failed audit restarts holding with the rectification asked for.
            assign(({ context, event }) => {
              const e = event as Ev<'AUDIT_FAIL'>;
              return {
                holdingRound: context.holdingRound + 1,
                holdingStartedAt: e.at,
                holdingDeadline: addDays(e.at, e.holdingDays ?? context.plan.holdingDays),
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
export const operationSnapshotMigrations: Record<number, (persisted: any) => any> = {
  // 1 → 2: the late-entry, early-start and coverage reasons are new; nothing in flight had them.
  1: (persisted) => ({
    ...persisted,
    context: { lateEntryHours: null, lateReason: null, earlyReason: null, coverageReason: null, ...persisted.context },
  }),
};
