import type { z } from 'zod';
import { BORDER_NOTICE_EVENT_TYPES, BORDER_NOTICE_STATES } from '../../../workflows/border-notice';
import {
  HARD_PROBLEM_EVENT_TYPES,
  HARD_PROBLEM_STATES,
  PROBLEM_CATEGORIES,
  PROBLEM_SOURCES,
} from '../../../workflows/hard-problem';
import { OPERATION_STATES } from '../../../workflows/operation';
import type {
  likelyDuplicate,
  noticeDetail,
  noticeListItem,
  noticePage,
  problemDetail,
  problemListItem,
  problemPage,
} from '../schemas/responses/problem.response';
import { allOf, oneOf } from './narrow';
import type { BorderNoticeRecordView } from '../../domain/problems/border-notice.service';
import type { HardProblemPage, HardProblemRecordView } from '../../domain/problems/hard-problem.service';
import type { BorderNotice, HardProblem, Squad } from '../../persistence/entities';
import { readJson } from '../../persistence/columns';
import { isoInZone } from '../../time';
import { lightOf } from '../../domain/oversight/lights';
import { presentAttachedFile } from './file.presenter';

/** JSON for hard problems (§3.4) and border notices (R8): camelCase, codes not ids, instants in the brigade's zone. */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const whenIso = (iso: string | null | undefined, tz: string) => (iso ? isoInZone(new Date(iso), tz) : null);
const at = (iso: string, tz: string) => isoInZone(new Date(iso), tz);
const codes = (ids: unknown, squadById: Map<number, Squad>) =>
  readJson<number[]>(ids).map((id) => squadById.get(id)?.code ?? String(id));

export function presentProblemSummary(
  p: HardProblem,
  squadById: Map<number, Squad>,
  tz: string,
): z.output<typeof problemListItem> {
  return {
    id: p.id,
    state: oneOf(HARD_PROBLEM_STATES, p.state),
    source: oneOf(PROBLEM_SOURCES, p.source),
    category: oneOf(PROBLEM_CATEGORIES, p.category),
    title: p.title,
    location: p.location,
    squads: codes(p.squadIds, squadById),
    repeatCount: p.repeatCount,
    mergedInto: p.mergedIntoId,
    reportedAt: isoInZone(p.reportedAt, tz),
    /** Its current resolution (null unless resolved now: a rebound reopens it; its resolutions are the record's history). */
    resolvedAt: when(p.resolvedAt, tz),
    /** When it last came back, if it did. */
    reopenedAt: when(p.reopenedAt, tz),
  };
}

export function presentProblemList(page: HardProblemPage, tz: string): z.output<typeof problemPage> {
  return { items: page.items.map((p) => presentProblemSummary(p, page.squadById, tz)), nextCursor: page.nextCursor };
}

export function presentProblem(r: HardProblemRecordView, tz: string, now: Date): z.output<typeof problemDetail> {
  const ctx = r.context;
  const user = (id: number | null) => (id === null ? null : (r.userById.get(id)?.username ?? null));
  return {
    ...presentProblemSummary(r.problem, r.squadById, tz),
    state: oneOf(HARD_PROBLEM_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(HARD_PROBLEM_EVENT_TYPES, r.allowedEvents),
    files: r.files.map((f) => presentAttachedFile(f, tz)),
    /** §3.4: the origins a REBOUND from you may give (the origin follows the sender). */
    reboundOrigins: r.reboundOrigins,
    description: ctx.report.description,
    evidence: ctx.report.evidence,
    hotlineRef: ctx.report.hotlineRef,
    complainant: ctx.report.complainant,
    reportedBy: user(ctx.reportedBy),
    acceptedBy: user(ctx.acceptedBy),
    acceptedAt: whenIso(ctx.acceptedAt, tz),
    fromNotice: ctx.fromNoticeId,
    /** §3.4: every resolution, a reopened problem's too (its history); `operation`: the one that resolved it, if named. */
    resolutions: ctx.resolutions.map((x) => ({
      note: x.note,
      at: at(x.at, tz),
      by: user(x.by),
      operation: x.operationId ?? null,
    })),
    rebounds: ctx.rebounds.map((x) => ({ origin: x.origin, note: x.note, at: at(x.at, tz), by: user(x.by) })),
    callbacks: ctx.callbacks.map((x) => ({
      caller: x.caller,
      calledAt: at(x.calledAt, tz),
      outcome: x.outcome,
      note: x.note,
      recordedBy: user(x.recordedBy),
    })),
    reports: r.reports.map((x) => ({
      kind: x.kind,
      source: x.source,
      description: x.description,
      problem: x.originalProblemId,
      by: user(x.byUserId),
      at: isoInZone(x.at, tz),
    })),
    /** R7: every source the problem came from, its own and its merged duplicates'. */
    sources: [
      ...new Set(
        r.reports.filter((x) => x.kind === 'report' && x.source).map((x) => oneOf(PROBLEM_SOURCES, x.source ?? '')),
      ),
    ],
    mergedFrom: r.mergedFrom.map((p) => p.id),
    /** The operations whose plans target it. */
    operations: r.operations.map((o) => ({ id: o.id, title: o.title, state: oneOf(OPERATION_STATES, o.state) })),
    /** The operations that resolved it, each time one did (apart from the targets: an edit of a plan does not touch these). */
    resolvedBy: r.resolvedBy.map((x) => ({
      id: x.operation.id,
      title: x.operation.title,
      state: oneOf(OPERATION_STATES, x.operation.state),
      at: isoInZone(x.at, tz),
    })),
    /** §3.5: the open time limit of its state, as a light. */
    timeLimit: r.timeLimit
      ? {
          kind: r.timeLimit.kind,
          dueAt: isoInZone(r.timeLimit.dueAt, tz),
          light: lightOf(r.timeLimit.startsAt, r.timeLimit.dueAt, now),
        }
      : null,
  };
}

export function presentDuplicates(
  items: Array<HardProblem & { version?: number }>,
  squadById: Map<number, Squad>,
  tz: string,
): Array<z.output<typeof likelyDuplicate>> {
  // `version`: send MERGE or REBOUND against what was seen.
  return items.map((p) => ({
    ...presentProblemSummary(p, squadById, tz),
    version: p.version ?? null,
    suggestion: p.state === 'resolved' ? ('REBOUND' as const) : ('MERGE' as const),
  }));
}

export function presentNoticeSummary(
  n: BorderNotice,
  squadById: Map<number, Squad>,
  tz: string,
): z.output<typeof noticeListItem> {
  return {
    id: n.id,
    state: oneOf(BORDER_NOTICE_STATES, n.state),
    location: n.location,
    what: n.what,
    squads: codes(n.squadIds, squadById),
    senderSquad: squadById.get(n.senderSquadId)?.code ?? null,
    seenAt: isoInZone(n.seenAt, tz),
    problem: n.problemId,
    operation: n.operationId,
    createdAt: isoInZone(n.createdAt, tz),
  };
}

export function presentNoticePage(
  page: { items: BorderNotice[]; nextCursor: string | null; squadById: Map<number, Squad> },
  tz: string,
): z.output<typeof noticePage> {
  return { items: page.items.map((n) => presentNoticeSummary(n, page.squadById, tz)), nextCursor: page.nextCursor };
}

export function presentNotice(r: BorderNoticeRecordView, tz: string): z.output<typeof noticeDetail> {
  const ctx = r.context;
  const user = (id: number | null) => (id === null ? null : (r.userById.get(id)?.username ?? null));
  return {
    ...presentNoticeSummary(r.notice, r.squadById, tz),
    state: oneOf(BORDER_NOTICE_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(BORDER_NOTICE_EVENT_TYPES, r.allowedEvents),
    sentBy: user(ctx.sentBy),
    closeReason: ctx.closeReason,
    decidedBy: user(ctx.decidedBy),
    decidedAt: whenIso(ctx.decidedAt, tz),
    files: r.files.map((f) => presentAttachedFile(f, tz)),
  };
}
