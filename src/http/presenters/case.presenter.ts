import type { z } from 'zod';
import { CASE_TRANSFER_EVENT_TYPES, CASE_TRANSFER_STATES } from '../../../workflows/case-transfer';
import type { caseDetail, caseListItem, transferDetail, transferListItem } from '../schemas/responses/case.response';
import { allOf, oneOf, oneOfOrNull } from './narrow';
import { presentAttachedFile } from './file.presenter';

const PARTY_KINDS = ['person', 'stall'] as const;
import type { CaseRecordView, TransferRecordView } from '../../domain/cases/case.service';
import { lightFromProjection } from '../../domain/cases/case.service';
import type { Case, CaseTransfer, Squad, User } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** Plain JSON for the API (camelCase, codes not ids, times in the brigade's offset): cases and their transfers (R10). */

const when = (d: Date | null | undefined, tz: string) => (d ? isoInZone(d, tz) : null);
const person = (u: User | undefined) => (u ? { username: u.username, displayName: u.displayName } : null);
const code = (squadById: Map<number, Squad>, id: number | null) =>
  id === null ? null : (squadById.get(id)?.code ?? null);

export function presentCaseSummary(
  c: Case,
  squadById: Map<number, Squad>,
  latest: CaseTransfer | undefined,
  tz: string,
): z.output<typeof caseListItem> {
  return {
    id: c.id,
    reference: c.reference,
    handlingSquad: code(squadById, c.handlingSquadId),
    registeringSquad: code(squadById, c.registeringSquadId),
    operation: c.operationId,
    party: { kind: oneOf(PARTY_KINDS, c.partyKind), name: c.partyName },
    violation: c.violation,
    location: c.location,
    openedOn: c.openedOn,
    openTransfer: c.openTransferId,
    transferState: oneOfOrNull(CASE_TRANSFER_STATES, latest?.state),
    createdAt: isoInZone(c.createdAt, tz),
    updatedAt: isoInZone(c.updatedAt, tz),
  };
}

export function presentTransferSummary(
  t: CaseTransfer,
  c: Case | undefined,
  squadById: Map<number, Squad>,
  now: Date,
  tz: string,
): z.output<typeof transferListItem> {
  return {
    id: t.id,
    case: t.caseId,
    caseReference: c?.reference ?? null,
    state: oneOf(CASE_TRANSFER_STATES, t.state),
    fromSquad: code(squadById, t.fromSquadId),
    toSquad: code(squadById, t.toSquadId),
    designatedSquad: code(squadById, t.designatedSquadId),
    proposedAt: isoInZone(t.proposedAt, tz),
    closedAt: when(t.closedAt, tz),
    dueAt: when(t.dueAt, tz),
    light: lightFromProjection(t, now),
  };
}

export function presentCase(r: CaseRecordView, now: Date, tz: string): z.output<typeof caseDetail> {
  const latest = r.transfers[r.transfers.length - 1];
  return {
    ...presentCaseSummary(r.case, r.squadById, latest, tz),
    mayProposeTransfer: r.mayPropose,
    // The case's history of transfers, oldest first (R10: it keeps its history).
    transfers: r.transfers.map((t) => presentTransferSummary(t, r.case, r.squadById, now, tz)),
  };
}

export function presentTransfer(r: TransferRecordView, tz: string): z.output<typeof transferDetail> {
  const ctx = r.context;
  const squad = (id: number | null) => code(r.squadById, id);
  const user = (id: number | null) => (id === null ? null : person(r.userById.get(id)));
  return {
    id: r.transfer.id,
    files: r.files.map((f) => presentAttachedFile(f, tz)),
    state: oneOf(CASE_TRANSFER_STATES, r.state),
    version: r.version,
    allowedEvents: allOf(CASE_TRANSFER_EVENT_TYPES, r.allowedEvents),
    case: presentCaseSummary(r.case, r.squadById, r.transfer, tz),
    fromSquad: squad(ctx.fromSquadId),
    toSquad: squad(ctx.toSquadId),
    materials: ctx.materials,
    note: ctx.note,
    proposedBy: user(ctx.proposedBy),
    proposedAt: isoInZone(r.transfer.proposedAt, tz),
    answeredBy: user(ctx.answeredBy),
    disputeReason: ctx.disputeReason,
    designatedSquad: squad(ctx.designatedSquadId),
    designationReason: ctx.designationReason,
    designatedBy: user(ctx.designatedBy),
    withdrawReason: ctx.withdrawReason,
    closedAt: when(r.transfer.closedAt, tz),
    // §3.5: the clock of the state it waits in.
    timeLimit: r.clock.kind
      ? {
          kind: r.clock.kind,
          startsAt: when(r.clock.startsAt, tz),
          dueAt: when(r.clock.dueAt, tz),
          light: r.clock.light,
        }
      : null,
    updatedAt: isoInZone(r.transfer.updatedAt, tz),
  };
}
