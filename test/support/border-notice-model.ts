import type { AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { type BorderNoticeEvent, borderNoticeMachine } from '../../workflows/border-notice';
import type { Actor } from '../../workflows/shared/actor';

/**
 * The border-notice machine (R8) as a graph for model-based tests: concrete
 * events with payloads (guarded paths are found only so, shared/STACK.md),
 * sent by a squad leader of the group.
 */
const T0 = '2030-01-01T00:00:00.000Z';
const leader: Actor = { kind: 'user', userId: 2, name: 'u2', roles: ['squad_leader'], squadId: 2 };

function eventsFor(): BorderNoticeEvent[] {
  const e = (type: string, payload: Record<string, unknown>) =>
    ({ type, actor: leader, at: T0, facts: { memberSquadIds: [1, 2, 3] }, ...payload }) as unknown as BorderNoticeEvent;
  return [e('TO_PROBLEM', { problemId: 7 }), e('TO_PLAN', { operationId: 8 }), e('CLOSE', { reason: 'r' })];
}

/** Every simple path of the machine from a notice just sent, as lists of event types and the states they reach. */
export function borderNoticeSimplePaths(): Array<{ events: string[]; states: string[] }> {
  const paths = getSimplePaths(borderNoticeMachine, {
    input: {
      report: { location: 'l', what: 'w', squadIds: [1, 2], seenAt: T0 },
      senderSquadId: 1,
      groupId: 1,
      sentBy: 1,
    },
    events: eventsFor as never,
    serializeState: ((s: AnyMachineSnapshot) => JSON.stringify(s.value)) as never,
    limit: 1_000,
  });
  return paths.map((p) => ({
    events: p.steps.slice(1).map((step) => step.event.type),
    states: p.steps.slice(1).map((step) => String(step.state.value)),
  }));
}
