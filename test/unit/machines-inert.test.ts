import { type AnyStateMachine, createActor } from 'xstate';
import { borderNoticeMachine } from '../../workflows/border-notice/border-notice.machine';
import { caseTransferMachine } from '../../workflows/case-transfer/case-transfer.machine';
import { goodsMachine } from '../../workflows/goods/goods.machine';
import { groupPlanMachine } from '../../workflows/group-plan/group-plan.machine';
import { hardProblemMachine } from '../../workflows/hard-problem/hard-problem.machine';
import { meetingMachine } from '../../workflows/meeting/meeting.machine';
import { operationMachine } from '../../workflows/operation/operation.machine';

/**
 * Issue 14: XState's pure `transition()`, with which the engine takes every
 * step, first builds a throw-away actor of the machine with no input. A
 * context factory that reads the missing input throws there, and XState
 * catches it: an error made and dropped on every step. Each machine's
 * throw-away actor starts cleanly instead.
 */
describe('every machine starts without input (the engine’s throw-away actor of each step)', () => {
  const machines = {
    operation: operationMachine,
    goods: goodsMachine,
    group_plan: groupPlanMachine,
    meeting: meetingMachine,
    hard_problem: hardProblemMachine,
    border_notice: borderNoticeMachine,
    case_transfer: caseTransferMachine,
  };
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
