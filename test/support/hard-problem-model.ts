import type { AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { type HardProblemEvent, type ProblemReport, hardProblemMachine } from '../../workflows/hard-problem';
import type { Actor } from '../../workflows/shared/actor';

/**
 * The hard-problem machine as a graph for model-based tests: concrete events
 * with payloads (guarded paths are found only so, shared/STACK.md), a rebound
 * loop taken at most twice and one call-back. The report is a hotline one, so
 * the call-back is on the graph.
 */
const T0 = '2030-01-01T00:00:00.000Z';
const u = (userId: number, roles: Actor['roles'], squadId: number | null): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});
const leader = u(1, ['squad_leader'], 1);
const inspector = u(4, ['inspector'], null);

export const modelReport: ProblemReport = {
  source: 'hotline_12319',
  category: 'street_vending',
  title: 't',
  description: 'd',
  location: 'l',
  squadIds: [1, 2],
  evidence: [],
  hotlineRef: '12319-1',
  complainant: 'c',
};

function eventsFor(s: AnyMachineSnapshot): HardProblemEvent[] {
  const e = (
    type: string,
    actor: Actor,
    payload: Record<string, unknown> = {},
    mergeTarget: { id: number; state: 'open' } | null = null,
  ) => ({ type, actor, at: T0, facts: { mergeTarget }, ...payload }) as unknown as HardProblemEvent;
  const events = [
    e('ACCEPT', leader),
    e('MERGE', leader, { intoId: 99 }, { id: 99, state: 'open' }),
    e('RESOLVE', leader, { note: 'n' }),
  ];
  if (s.context.repeatCount < 2) events.push(e('REBOUND', inspector, { origin: 'inspector', note: 'n' }));
  if (s.context.callbacks.length < 1)
    events.push(e('RECORD_CALLBACK', leader, { caller: 'c', calledAt: T0, outcome: 'satisfied' }));
  return events;
}

export const serializeHardProblem = (s: AnyMachineSnapshot) =>
  JSON.stringify([s.value, s.context.repeatCount, s.context.callbacks.length]);

/** Every simple path of the hard-problem machine from a new report, as lists of event types and the states they reach. */
export function hardProblemSimplePaths(): Array<{ events: string[]; states: string[] }> {
  const paths = getSimplePaths(hardProblemMachine, {
    input: { report: modelReport, reportedBy: 1, reportedAt: T0, fromNoticeId: null },
    events: eventsFor as never,
    serializeState: serializeHardProblem as never,
    serializeEvent: ((ev: HardProblemEvent) => `${ev.type}:${ev.actor.userId}`) as never,
    limit: 10_000,
  });
  return paths.map((p) => ({
    events: p.steps.slice(1).map((step) => step.event.type),
    states: p.steps.slice(1).map((step) => String(step.state.value)),
  }));
}
