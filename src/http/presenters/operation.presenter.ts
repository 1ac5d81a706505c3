import type { OperationPage, OperationRecord } from '../../domain/operations/operation.service';
import type { LinkageGroup, Operation, Squad, User, WorkflowHistory } from '../../persistence/entities';
import { isoInZone } from '../../time';
import { lightOf } from '../../domain/oversight/lights';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset). */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const whenIso = (iso: string | null, tz: string) => (iso ? isoInZone(new Date(iso), tz) : null);

/** The brigade's number of a plan (null for a draft never filed). */
export function numberOf(o: Pick<Operation, 'numberYear' | 'numberSeq'>): { year: number; seq: number } | null {
  return o.numberSeq !== null && o.numberYear !== null ? { year: o.numberYear, seq: o.numberSeq } : null;
}

function person(u: User | undefined | null) {
  return u ? { username: u.username, displayName: u.displayName } : null;
}

export function presentOperationSummary(o: Operation, squadById: Map<number, Squad>, groupById: Map<number, LinkageGroup>, tz: string) {
  return {
    id: o.id,
    /** The brigade's number for the plan (given at its first filing): 〔year〕第 seq 号. */
    number: numberOf(o),
    state: o.state,
    kind: o.kind,
    title: o.title,
    group: o.groupId !== null ? (groupById.get(o.groupId)?.code ?? null) : null,
    leadSquad: squadById.get(o.leadSquadId)?.code ?? null,
    hostSquad: o.hostSquadId !== null ? (squadById.get(o.hostSquadId)?.code ?? null) : null,
    problemSource: o.problemSource,
    location: o.location,
    plannedStart: when(o.plannedStart, tz),
    plannedHours: o.plannedHours,
    actualStart: when(o.actualStart, tz),
    actualEnd: when(o.actualEnd, tz),
    actualHours: o.actualHours,
    lateEntryHours: o.lateEntryHours,
    countsTowardMinimum: o.countsTowardMinimum,
    holdingDeadline: when(o.holdingDeadline, tz),
    updatedAt: when(o.updatedAt, tz),
  };
}

export function presentOperationPage(page: OperationPage, tz: string, now: Date) {
  return {
    items: page.items.map((o) => {
      const d = page.timeLimits.get(o.id);
      return {
        ...presentOperationSummary(o, page.squadById, page.groupById, tz),
        timeLimit: d ? { kind: d.kind, dueAt: when(d.dueAt, tz), light: lightOf(d.startsAt, d.dueAt, now) } : null,
      };
    }),
    nextCursor: page.nextCursor,
  };
}

export function presentOperation(r: OperationRecord, tz: string, now: Date) {
  const ctx = r.context;
  const plan = ctx.plan;
  const squad = (id: number | null) => (id === null ? null : (r.squadById.get(id)?.code ?? null));
  const user = (id: number | null) => (id === null ? null : person(r.userById.get(id)));
  const completed = ctx.actualEnd !== null;
  return {
    id: r.operation.id,
    number: numberOf(r.operation),
    state: r.state,
    version: r.version,
    allowedEvents: r.allowedEvents,
    kind: plan.kind,
    title: plan.title,
    group: plan.groupId !== null ? (r.groupById.get(plan.groupId)?.code ?? null) : null,
    leadSquad: squad(plan.leadSquadId),
    hostSquad: squad(plan.hostSquadId),
    squads: plan.squadIds.map(squad),
    problemSource: plan.problemSource,
    location: plan.location,
    plannedStart: whenIso(plan.plannedStart, tz),
    plannedHours: plan.plannedHours,
    holdingDays: plan.holdingDays,
    forces: plan.forces.map((f) => ({ squad: squad(f.squadId), officers: f.officers, vehicles: f.vehicles })),
    situation: plan.situation,
    mission: plan.mission,
    execution: plan.execution,
    command: plan.command,
    contingency: plan.contingency,
    goodsArrangements: plan.goodsArrangements,
    holdingPlan: plan.holdingPlan,
    /** §3.4: the hard problems the plan targets (ids). */
    problems: r.problemIds,
    /** §3.4: the hard problems this operation resolved (ids), named by its plan or not. */
    resolvedProblems: r.resolvedProblemIds,
    commanders: r.commanders.map(person),
    designatedCommander: user(ctx.designatedCommanderId),
    createdBy: user(ctx.createdBy),
    filedBy: user(ctx.filedBy),
    filedAt: whenIso(ctx.filedAt, tz),
    approvedBy: user(ctx.approvedBy),
    approvedAt: whenIso(ctx.approvedAt, tz),
    returnCount: ctx.returnCount,
    lastReturnReason: ctx.lastReturnReason,
    cancelReason: ctx.cancelReason,
    actualStart: whenIso(ctx.actualStart, tz),
    /** R6: hours between the start and its recording, when more than `operations.lateEntryHours` (a late entry), and why. */
    lateEntryHours: ctx.lateEntryHours,
    lateReason: ctx.lateReason,
    earlyReason: ctx.earlyReason,
    actualEnd: whenIso(ctx.actualEnd, tz),
    actualHours: ctx.actualHours,
    shortReason: ctx.shortReason,
    countsTowardMinimum: ctx.countsTowardMinimum,
    results: completed
      ? r.squads.map((s) => ({
          squad: squad(s.squadId),
          officers: s.officers,
          vehicles: s.vehicles,
          educated: s.educated,
          handled: s.handled,
          goodsDetained: s.goodsDetained,
        }))
      : [],
    incidents: r.incidents.map((i) => ({
      id: i.id,
      incidentType: i.type,
      severity: i.severity,
      occurredAt: when(i.occurredAt, tz),
      injuries: i.injuries,
      description: i.description,
      response: i.response,
      informed: i.informed,
      reportedBy: user(i.reportedBy),
    })),
    holdingRound: ctx.holdingRound,
    holdingStartedAt: whenIso(ctx.holdingStartedAt, tz),
    holdingDeadline: whenIso(ctx.holdingDeadline, tz),
    holdingRecords: r.holding.map((h) => ({
      kind: h.kind,
      round: h.round,
      date: h.date,
      officersOnPost: h.officersOnPost,
      reboundObserved: h.reboundObserved,
      notes: h.notes,
      rectification: h.rectification,
      by: user(h.byUserId),
      at: when(h.at, tz),
      /** A holding check amended by a later check of the same day (each is in the history). */
      amendments: h.amendments,
    })),
    /** R12: what the audit sees of the current (or last) round of holding. */
    coverage: r.coverage
      ? {
          holdingDays: r.coverage.holdingDays.length,
          daysChecked: r.coverage.checkedDays.length,
          share: Math.round(r.coverage.share * 1000) / 1000,
          days: r.coverage.holdingDays,
          missedDays: r.coverage.missedDays,
          spotChecks: r.coverage.spotChecks,
          rebounds: r.coverage.rebounds,
        }
      : null,
    coverageReason: ctx.coverageReason,
    timeLimits: r.deadlines.map((d) => ({
      kind: d.kind,
      state: d.state,
      startsAt: when(d.startsAt, tz),
      dueAt: when(d.dueAt, tz),
      closedAt: when(d.closedAt, tz),
      outcome: d.outcome,
      // §3.5: the clock of a limit still running, as a light.
      light: d.closedAt ? null : lightOf(d.startsAt, d.dueAt, now),
    })),
    createdAt: when(r.operation.createdAt, tz),
    updatedAt: when(r.operation.updatedAt, tz),
  };
}

export function presentHistory(rows: WorkflowHistory[], tz: string) {
  return {
    items: rows.map((h) => ({
      seq: h.seq,
      event: h.event,
      from: h.fromState,
      to: h.toState,
      actor: h.actorName,
      role: h.actorRole,
      payload: h.payload,
      version: h.version,
      at: when(h.at, tz),
      /** When it happened (differs from `at` for a step the system recorded after the fact). */
      effectiveAt: when(h.effectiveAt ?? h.at, tz),
      /** SHA-256 over the previous step's hash and this step's canonical content (src/engine/history-hash.ts). */
      hash: h.hash,
    })),
  };
}
