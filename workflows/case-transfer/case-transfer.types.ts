import type { Actor } from '../shared/actor';

/**
 * R10 (案件移送, 指定管辖): a case whose violation belongs to another squad is
 * transferred to the competent squad with complete evidence and materials; if
 * the receiving squad disputes it, the Case Review (Legal) Section designates
 * the competent squad.
 */
export const CASE_TRANSFER_STATES = ['proposed', 'transferred', 'disputed', 'designated', 'withdrawn'] as const;
export type CaseTransferState = (typeof CASE_TRANSFER_STATES)[number];

/** States that still wait for someone (the case has an open transfer). */
export const OPEN_TRANSFER_STATES: readonly CaseTransferState[] = ['proposed', 'disputed'];

/** One item of the evidence and materials sent with the case (R10: 证据材料). */
export interface TransferMaterial {
  /** e.g. `inspection_record` (现场检查(勘验)笔录), `inquiry_record` (询问笔录); `other` for anything else. */
  code: string;
  /** How many (pages, photos, files …). */
  count: number;
  description: string;
}

export interface CaseTransferContext {
  caseId: number;
  fromSquadId: number;
  toSquadId: number;
  materials: TransferMaterial[];
  /** The sender's account of why the case is the other squad's. */
  note: string;
  proposedBy: number | null;
  answeredBy: number | null;
  disputeReason: string | null;
  /** R10: the squad the legal section named competent (either side or a third). */
  designatedSquadId: number | null;
  designationReason: string | null;
  designatedBy: number | null;
  withdrawReason: string | null;
}

export interface CaseTransferFacts {
  /** Squads of the brigade in use now. */
  activeSquadIds: number[];
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: CaseTransferFacts;
}

export type CaseTransferEvent = Envelope &
  (
    | { type: 'ACCEPT' }
    | { type: 'DISPUTE'; reason: string }
    | { type: 'DESIGNATE'; squadId: number | null; reason: string }
    | { type: 'WITHDRAW'; reason: string }
  );

export type CaseTransferEventType = CaseTransferEvent['type'];

export const CASE_TRANSFER_EVENT_TYPES: readonly CaseTransferEventType[] = [
  'ACCEPT',
  'DISPUTE',
  'DESIGNATE',
  'WITHDRAW',
];

export interface CaseTransferInput {
  caseId: number;
  fromSquadId: number;
  toSquadId: number;
  materials: TransferMaterial[];
  note: string;
  proposedBy: number | null;
}
