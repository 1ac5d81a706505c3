import { type AnyStateMachine, createActor } from 'xstate';
import { borderNoticeMachine } from '../../workflows/border-notice/border-notice.machine';
import { caseTransferMachine } from '../../workflows/case-transfer/case-transfer.machine';
import { goodsMachine } from '../../workflows/goods/goods.machine';
import { groupPlanMachine } from '../../workflows/group-plan/group-plan.machine';
import { hardProblemMachine } from '../../workflows/hard-problem/hard-problem.machine';
import { meetingMachine } from '../../workflows/meeting/meeting.machine';
import { operationMachine } from '../../workflows/operation/operation.machine';

const machines = {
  operation: operationMachine,
  goods: goodsMachine,
  group_plan: groupPlanMachine,
  meeting: meetingMachine,
  hard_problem: hardProblemMachine,
  border_notice: borderNoticeMachine,
  case_transfer: caseTransferMachine,
};

/**
 * Issue 14: XState's pure `transition()`, with which the engine takes every
 * step, first builds a throw-away actor of the machine with no input. A
 * context factory that reads the missing input throws there, and XState
 * catches it: an error made and dropped on every step. Each machine's
 * throw-away actor starts cleanly instead.
 */
describe('every machine starts without input (the engine’s throw-away actor of each step)', () => {
  it.each(Object.entries(machines))('%s', (_name, machine) => {
    const errors: unknown[] = [];
    const actor = createActor(machine as AnyStateMachine);
    actor.subscribe({ error: (e) => errors.push(e) });
    const snapshot = actor.getSnapshot() as { status: string; error?: unknown };
    expect(snapshot.error).toBeUndefined();
    expect(snapshot.status).toBe('active');
    expect(errors).toEqual([]);
  });
});

/**
 * Issue 14: the engine restores a stored snapshot with `machine.resolveState` (its state value, context and
 * status), not by starting an actor on it. That is the same snapshot only while no machine invokes an actor
 * or keeps a history state: a stored snapshot then has no children and no history to restore.
 */
describe('every machine invokes nothing and has no history state (what resolveState restores is all there is)', () => {
  type Node = { id: string; type: string; invoke: unknown[]; states: Record<string, Node> };
  const nodesOf = (node: Node): Node[] => [node, ...Object.values(node.states).flatMap(nodesOf)];
  it.each(Object.entries(machines))('%s', (_name, machine) => {
    const nodes = nodesOf((machine as AnyStateMachine).root as unknown as Node);
    expect(nodes.length).toBeGreaterThan(1);
    expect(nodes.filter((n) => n.invoke.length > 0 || n.type === 'history').map((n) => n.id)).toEqual([]);
  });
});
