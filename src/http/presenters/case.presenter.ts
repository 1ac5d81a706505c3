import type { CaseRecordView, TransferRecordView } from '../../domain/cases/case.service';
import { lightFromProjection } from '../../domain/cases/case.service';
import type { Case, CaseTransfer, Squad, User } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset): cases and their transfers (R10). */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const person = (u: User | undefined) => (u ? { username: u.username, displayName: u.displayName } : null);
const code = (squadById: Map<number, Squad>, id: number | null) => (id === null ? null : (squadById.get(id)?.code ?? null));

export function presentCaseSummary(c: Case, squadById: Map<number, Squad>, latest: CaseTransfer | undefined, tz: string) {
  return {
    id: c.id,
    reference: c.reference,
    handlingSquad: code(squadById, c.handlingSquadId),
    registeringSquad: code(squadById, c.registeringSquadId),
    operation: c.operationId,
    party: { kind: c.partyKind, name: c.partyName },
    violation: c.violation,
    location: c.location,
    openedOn: c.openedOn,
    openTransfer: c.openTransferId,
    transferState: latest?.state ?? null,
    createdAt: when(c.createdAt, tz),
    updatedAt: when(c.updatedAt, tz),
  };
}

export function presentTransferSummary(t: CaseTransfer, c: Case | undefined, squadById: Map<number, Squad>, now: Date, tz: string) {
  return {
    id: t.id,
    case: t.caseId,
    caseReference: c?.reference ?? null,
    state: t.state,
    fromSquad: code(squadById, t.fromSquadId),
    toSquad: code(squadById, t.toSquadId),
    designatedSquad: code(squadById, t.designatedSquadId),
    proposedAt: when(t.proposedAt, tz),
    closedAt: when(t.closedAt, tz),
    dueAt: when(t.dueAt, tz),
    light: lightFromProjection(t, now),
  };
}

export function presentCase(r: CaseRecordView, now: Date, tz: string) {
  const latest = r.transfers[r.transfers.length - 1];
  return {
    ...presentCaseSummary(r.case, r.squadById, latest, tz),
    mayProposeTransfer: r.mayPropose,
    // The case's history of transfers, oldest first (R10: it keeps its history).
    transfers: r.transfers.map((t) => presentTransferSummary(t, r.case, r.squadById, now, tz)),
  };
}

export function presentTransfer(r: TransferRecordView, tz: string) {
  const ctx = r.context;
  const squad = (id: number | null) => code(r.squadById, id);
  const user = (id: number | null) => (id === null ? null : person(r.userById.get(id)));
  return {
    id: r.transfer.id,
    state: r.state,
    version: r.version,
    allowedEvents: r.allowedEvents,
    case: presentCaseSummary(r.case, r.squadById, r.transfer, tz),
    fromSquad: squad(ctx.fromSquadId),
    toSquad: squad(ctx.toSquadId),
    materials: ctx.materials,
    note: ctx.note,
    proposedBy: user(ctx.proposedBy),
    proposedAt: when(r.transfer.proposedAt, tz),
    answeredBy: user(ctx.answeredBy),
    disputeReason: ctx.disputeReason,
    designatedSquad: squad(ctx.designatedSquadId),
    designationReason: ctx.designationReason,
    designatedBy: user(ctx.designatedBy),
    withdrawReason: ctx.withdrawReason,
    closedAt: when(r.transfer.closedAt, tz),
    // §3.5: the clock of the state it waits in.
    timeLimit: r.clock.kind ? { kind: r.clock.kind, startsAt: when(r.clock.startsAt, tz), dueAt: when(r.clock.dueAt, tz), light: r.clock.light } : null,
    updatedAt: when(r.transfer.updatedAt, tz),
  };
}
