import type { AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { type CaseTransferEvent, type CaseTransferFacts, caseTransferMachine } from '../../workflows/case-transfer';
import type { Actor } from '../../workflows/shared/actor';

/**
 * The case transfer machine as a graph for model-based tests: concrete events
 * with payloads (shared/STACK.md: guarded paths vanish otherwise), each sent
 * by every role that might try, so the graph holds only the steps the rules let.
 * Squads: 1 sends, 2 receives, 5 is a third squad.
 */
const facts: CaseTransferFacts = { activeSquadIds: [1, 2, 5] };
const u = (userId: number, roles: Actor['roles'], squadId: number | null): Actor => ({
  kind: 'user',
  userId,
  name: `u${userId}`,
  roles,
  squadId,
});

/** The model's people, by the demo user who plays them in the API. */
export const MODEL_ACTORS: Record<string, Actor> = {
  'waitan.leader': u(1, ['squad_leader'], 1),
  'nanjingdonglu.leader': u(2, ['squad_leader'], 2),
  'yuyuan.leader': u(5, ['squad_leader'], 5),
  legal: u(8, ['legal'], null),
  commander: u(9, ['commander'], null),
};

/** The API body of each event (the squad by code). */
export const MODEL_BODIES: Record<string, Record<string, unknown>> = {
  ACCEPT: {},
  DISPUTE: { reason: '不属本队辖区' },
  DESIGNATE: { squad: 'yuyuan', reason: '依据属地管辖' },
  WITHDRAW: { reason: '材料需补正' },
};

const AT = '2030-01-01T00:00:00.000Z';

function eventsFor(): CaseTransferEvent[] {
  const payloads: Array<Record<string, unknown>> = [
    { type: 'ACCEPT' },
    { type: 'DISPUTE', reason: '不属本队辖区' },
    { type: 'DESIGNATE', squadId: 5, reason: '依据属地管辖' },
    { type: 'WITHDRAW', reason: '材料需补正' },
  ];
  return Object.values(MODEL_ACTORS).flatMap((actor) =>
    payloads.map((p) => ({ ...p, actor, at: AT, facts }) as unknown as CaseTransferEvent),
  );
}

export const MODEL_INPUT = { caseId: 1, fromSquadId: 1, toSquadId: 2, materials: [], note: 'n', proposedBy: 1 };

/** The events each model person may send in a snapshot (what the API's allowedEvents must say). */
export function allowedByModel(s: AnyMachineSnapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [username, actor] of Object.entries(MODEL_ACTORS)) {
    out[username] = eventsFor()
      .filter((e) => e.actor === actor && s.can(e))
      .map((e) => e.type)
      .sort();
  }
  return out;
}

/** Every simple path of the transfer machine from a proposal: the events, who sent them, the states and what each person may do then. */
export function transferSimplePaths(): Array<{
  steps: Array<{ type: string; sender: string; state: string; allowed: Record<string, string[]> }>;
}> {
  const paths = getSimplePaths(caseTransferMachine, {
    input: MODEL_INPUT,
    events: eventsFor as never,
    serializeState: ((s: AnyMachineSnapshot) => JSON.stringify(s.value)) as never,
    serializeEvent: ((ev: CaseTransferEvent) => `${ev.type}:${ev.actor.userId}`) as never,
    limit: 1000,
  });
  const sender = (a: Actor) => Object.entries(MODEL_ACTORS).find(([, x]) => x === a)![0];
  return paths.map((p) => ({
    steps: p.steps.slice(1).map((step) => ({
      type: step.event.type,
      sender: sender((step.event as CaseTransferEvent).actor),
      state: String(step.state.value),
      allowed: allowedByModel(step.state as AnyMachineSnapshot),
    })),
  }));
}
