import type { z } from 'zod';
import type { OperationPage, OperationRecord } from '../../domain/operations/operation.service';
import type { LinkageGroup, Operation, Squad, User, WorkflowHistory } from '../../persistence/entities';
import { isoInZone } from '../../time';
import { lightOf } from '../../domain/oversight/lights';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_TYPES,
  OPERATION_EVENT_TYPES,
  OPERATION_KINDS,
  OPERATION_STATES,
  PROBLEM_SOURCES,
} from '../../../workflows/operation';
import type { history } from '../schemas/responses/common.response';
import type { operationDetail, operationListItem, operationPage } from '../schemas/responses/operation.response';
import { allOf, jsonObject, oneOf, oneOfOrNull } from './narrow';
import { presentAttachedFile } from './file.presenter';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset), typed by the response schemas. */

type OperationDetail = z.output<typeof operationDetail>;
type OperationListItem = z.output<typeof operationListItem>;

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const whenIso = (iso: string | null, tz: string) => (iso ? isoInZone(new Date(iso), tz) : null);

/** The brigade's number of a plan (null for a draft never filed). */
export function numberOf(o: Pick<Operation, 'numberYear' | 'numberSeq'>): { year: number; seq: number } | null {
  return o.numberSeq !== null && o.numberYear !== null ? { year: o.numberYear, seq: o.numberSeq } : null;
}

function person(u: User | undefined | null) {
  return u ? { username: u.username, displayName: u.displayName } : null;
}

export function presentOperationSummary(
  o: Operation,
  squadById: Map<number, Squad>,
  groupById: Map<number, LinkageGroup>,
  tz: string,
): Omit<OperationListItem, 'timeLimit'> {
  return {
    id: o.id,
    /** The brigade's number for the plan (given at its first filing): 〔year〕第 seq 号. */
    number: numberOf(o),
    state: oneOf(OPERATION_STATES, o.state),
    kind: oneOf(OPERATION_KINDS, o.kind),
    title: o.title,
    group: o.groupId !== null ? (groupById.get(o.groupId)?.code ?? null) : null,
    leadSquad: squadById.get(o.leadSquadId)?.code ?? null,
    hostSquad: o.hostSquadId !== null ? (squadById.get(o.hostSquadId)?.code ?? null) : null,
    problemSource: oneOfOrNull(PROBLEM_SOURCES, o.problemSource),
    location: o.location,
    plannedStart: when(o.plannedStart, tz),
    plannedHours: o.plannedHours,
    actualStart: when(o.actualStart, tz),
    actualEnd: when(o.actualEnd, tz),
    actualHours: o.actualHours,
    lateEntryHours: o.lateEntryHours,
    countsTowardMinimum: o.countsTowardMinimum,
    holdingDeadline: when(o.holdingDeadline, tz),
    updatedAt: isoInZone(o.updatedAt, tz),
  };
}

export function presentOperationPage(page: OperationPage, tz: string, now: Date): z.output<typeof operationPage> {
  return {
    items: page.items.map((o) => {
      const d = page.timeLimits.get(o.id);
      return {
        ...presentOperationSummary(o, page.squadById, page.groupById, tz),
        timeLimit: d ? { kind: d.kind, dueAt: isoInZone(d.dueAt, tz), light: lightOf(d.startsAt, d.dueAt, now) } : null,
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** Lookups an operation's parts share: a squad's code, a person, by id. */
interface Names {
  squad: (id: number | null) => string | null;
  user: (id: number | null) => { username: string; displayName: string } | null;
}

function namesOf(r: OperationRecord): Names {
  return {
    squad: (id) => (id === null ? null : (r.squadById.get(id)?.code ?? null)),
    user: (id) => (id === null ? null : person(r.userById.get(id))),
  };
}

/** What identifies it and what the caller may do: state, version, allowed events. */
function headOf(r: OperationRecord, n: Names, tz: string) {
  const plan = r.context.plan;
  return {
    id: r.operation.id,
    number: numberOf(r.operation),
    state: oneOf(OPERATION_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(OPERATION_EVENT_TYPES, r.allowedEvents),
    kind: plan.kind,
    title: plan.title,
    group: plan.groupId !== null ? (r.groupById.get(plan.groupId)?.code ?? null) : null,
    leadSquad: n.squad(plan.leadSquadId),
    hostSquad: n.squad(plan.hostSquadId),
    problemSource: plan.problemSource,
    location: plan.location,
    plannedStart: whenIso(plan.plannedStart, tz),
    plannedHours: plan.plannedHours,
  };
}

/** The plan as an operations order (SPEC §3.1), and the hard problems it targets and resolved (§3.4). */
function planOf(r: OperationRecord, n: Names) {
  const plan = r.context.plan;
  return {
    squads: plan.squadIds.map(n.squad),
    holdingDays: plan.holdingDays,
    forces: plan.forces.map((f) => ({ squad: n.squad(f.squadId), officers: f.officers, vehicles: f.vehicles })),
    situation: plan.situation,
    mission: plan.mission,
    execution: plan.execution,
    command: plan.command,
    contingency: plan.contingency,
    goodsArrangements: plan.goodsArrangements,
    holdingPlan: plan.holdingPlan,
    problems: r.problemIds,
    resolvedProblems: r.resolvedProblemIds,
  };
}

/** Who commands, filed, approved, returned or cancelled it, and when. */
function peopleOf(r: OperationRecord, n: Names, tz: string) {
  const ctx = r.context;
  return {
    commanders: r.commanders.map((u) => ({ username: u.username, displayName: u.displayName })),
    designatedCommander: n.user(ctx.designatedCommanderId),
    createdBy: n.user(ctx.createdBy),
    filedBy: n.user(ctx.filedBy),
    filedAt: whenIso(ctx.filedAt, tz),
    approvedBy: n.user(ctx.approvedBy),
    approvedAt: whenIso(ctx.approvedAt, tz),
    returnCount: ctx.returnCount,
    lastReturnReason: ctx.lastReturnReason,
    cancelReason: ctx.cancelReason,
  };
}

/** How it ran: start and end (R6), results, incidents (R11). */
function runOf(r: OperationRecord, n: Names, tz: string) {
  const ctx = r.context;
  const completed = ctx.actualEnd !== null;
  return {
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
          squad: n.squad(s.squadId),
          officers: s.officers,
          vehicles: s.vehicles,
          educated: s.educated,
          handled: s.handled,
          goodsDetained: s.goodsDetained,
        }))
      : [],
    incidents: r.incidents.map((i) => ({
      id: i.id,
      incidentType: oneOf(INCIDENT_TYPES, i.type),
      severity: oneOf(INCIDENT_SEVERITIES, i.severity),
      occurredAt: isoInZone(i.occurredAt, tz),
      injuries: i.injuries,
      description: i.description,
      response: i.response,
      informed: i.informed,
      reportedBy: n.user(i.reportedBy),
    })),
  };
}

/** Holding (R12): its rounds, checks, coverage; and the time limits of its states (§3.5). */
function holdingOf(r: OperationRecord, n: Names, tz: string, now: Date) {
  const ctx = r.context;
  return {
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
      by: n.user(h.byUserId),
      at: isoInZone(h.at, tz),
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
      startsAt: isoInZone(d.startsAt, tz),
      dueAt: isoInZone(d.dueAt, tz),
      closedAt: when(d.closedAt, tz),
      outcome: d.outcome,
      // §3.5: the clock of a limit still running, as a light.
      light: d.closedAt ? null : lightOf(d.startsAt, d.dueAt, now),
    })),
  };
}

/** One operation in full: its plan, people, run, holding and what the caller may send now. */
export function presentOperation(r: OperationRecord, tz: string, now: Date): OperationDetail {
  const n = namesOf(r);
  return {
    ...headOf(r, n, tz),
    ...planOf(r, n),
    ...peopleOf(r, n, tz),
    ...runOf(r, n, tz),
    ...holdingOf(r, n, tz, now),
    createdAt: isoInZone(r.operation.createdAt, tz),
    updatedAt: isoInZone(r.operation.updatedAt, tz),
    files: r.files.map((f) => presentAttachedFile(f, tz)),
  };
}

export function presentHistory(rows: WorkflowHistory[], tz: string): z.output<typeof history> {
  return {
    items: rows.map((h) => ({
      seq: h.seq,
      event: h.event,
      from: h.fromState,
      to: h.toState,
      actor: h.actorName,
      role: h.actorRole,
      payload: jsonObject(h.payload),
      version: h.version,
      at: isoInZone(h.at, tz),
      /** When it happened (differs from `at` for a step the system recorded after the fact). */
      effectiveAt: isoInZone(h.effectiveAt ?? h.at, tz),
      /** SHA-256 over the previous step's hash and this step's canonical content (src/engine/history-hash.ts). */
      hash: h.hash,
    })),
  };
}
