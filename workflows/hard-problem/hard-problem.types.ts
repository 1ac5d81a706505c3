import type { Actor } from '../shared/actor';
import { PROBLEM_SOURCES, type ProblemSource } from '../operation/operation.types';

/**
 * A hard problem (难点顽症, SPEC §3.4; R7, R8, R15): a problem at or across
 * squad borders that keeps coming back. Its source is one of R7's.
 */
export { PROBLEM_SOURCES, type ProblemSource };

export const HARD_PROBLEM_STATES = ['reported', 'open', 'resolved', 'merged'] as const;
export type HardProblemState = (typeof HARD_PROBLEM_STATES)[number];

/** What kind of violation it is (the category a duplicate is matched on). */
export const PROBLEM_CATEGORIES = [
  'street_vending',
  'shop_overflow',
  'illegal_advertising',
  'construction_waste',
  'illegal_parking',
  'illegal_building',
  'other',
] as const;
export type ProblemCategory = (typeof PROBLEM_CATEGORIES)[number];

/** Where a rebound was found (SPEC §3.4): in holding, by an inspector, or by a new complaint. */
export const REBOUND_ORIGINS = ['holding', 'inspector', 'complaint'] as const;
export type ReboundOrigin = (typeof REBOUND_ORIGINS)[number];

/** Outcomes of the call-back to a hotline complainant. */
export const CALLBACK_OUTCOMES = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** An item of evidence, described (photos and files are kept elsewhere; this names them). */
export interface EvidenceItem {
  description: string;
  ref: string | null;
}

/** What a report says (the first report, and a rebound's complaint). */
export interface ProblemReport {
  source: ProblemSource;
  category: ProblemCategory;
  title: string;
  description: string;
  location: string;
  /** The squads at the border (R8): at least one. */
  squadIds: number[];
  evidence: EvidenceItem[];
  /** A hotline call's reference and the complainant's contact (hotline_12319 only). */
  hotlineRef: string | null;
  complainant: string | null;
}

export interface Resolution {
  note: string;
  at: string;
  by: number | null;
  /** The operation that resolved it (carried out, §3.4), if one did; null for a resolution by other means. */
  operationId: number | null;
}

export interface Rebound {
  origin: ReboundOrigin;
  note: string;
  at: string;
  by: number | null;
}

/** The call-back to the complainant after a hotline problem is resolved. */
export interface Callback {
  caller: string;
  calledAt: string;
  outcome: CallbackOutcome;
  note: string;
  recordedBy: number | null;
}

export interface HardProblemContext {
  report: ProblemReport;
  reportedBy: number | null;
  reportedAt: string;
  acceptedBy: number | null;
  acceptedAt: string | null;
  resolutions: Resolution[];
  rebounds: Rebound[];
  /** How many times it came back (SPEC §3.4: the same problem reopens, never a new one). */
  repeatCount: number;
  callbacks: Callback[];
  mergedIntoId: number | null;
  /** The border notice it came from, if any (R8). */
  fromNoticeId: number | null;
}

/** The facts the rules read, loaded by the engine in the command's transaction. */
export interface HardProblemFacts {
  /** The record MERGE names, as it stands now (null: no such problem in the brigade). */
  mergeTarget: { id: number; state: HardProblemState } | null;
  /**
   * R12: the host squads holding, now, an operation that targets or resolved
   * the problem (read for REBOUND: they find a rebound in holding too).
   */
  holdingSquadIds?: readonly number[];
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: HardProblemFacts;
}

export type HardProblemEvent = Envelope &
  (
    | { type: 'ACCEPT'; note?: string }
    | { type: 'MERGE'; intoId: number; note?: string }
    | { type: 'RESOLVE'; note: string; operationId?: number | null }
    | { type: 'REBOUND'; origin: ReboundOrigin; note: string }
    | { type: 'RECORD_CALLBACK'; caller: string; calledAt: string; outcome: CallbackOutcome; note?: string }
  );

export type HardProblemEventType = HardProblemEvent['type'];

export const HARD_PROBLEM_EVENT_TYPES: readonly HardProblemEventType[] = [
  'ACCEPT',
  'MERGE',
  'RESOLVE',
  'REBOUND',
  'RECORD_CALLBACK',
];

export interface HardProblemInput {
  report: ProblemReport;
  reportedBy: number | null;
  reportedAt: string;
  fromNoticeId: number | null;
}
