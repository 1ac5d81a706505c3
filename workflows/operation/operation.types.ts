import type { Actor } from '../shared/actor';

/** R6, R8, R4: regular operations count toward the monthly minimum; ad-hoc ones answer a border notification; brigade-led ones have a designated commander and may span groups. */
export const OPERATION_KINDS = ['regular', 'ad_hoc', 'brigade_led'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** R7: where the problem to rectify came from. */
export const PROBLEM_SOURCES = [
  'hotspot',
  'media',
  'leadership',
  'community',
  'hotline_12319',
  'notification',
] as const;
export type ProblemSource = (typeof PROBLEM_SOURCES)[number];

/** R11: incidents during an operation. */
export const INCIDENT_TYPES = ['verbal_abuse', 'assault', 'siege', 'obstruction', 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export const INCIDENT_SEVERITIES = ['minor', 'serious', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const OPERATION_STATES = [
  'draft',
  'filed',
  'approved',
  'in_progress',
  'holding',
  'awaiting_audit',
  'closed',
  'cancelled',
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export interface ForceLine {
  squadId: number;
  officers: number;
  vehicles: number;
}

export interface ResultLine {
  squadId: number;
  officers: number;
  vehicles: number;
  educated: number;
  handled: number;
  /** R13: the items the squad detained, as its goods ledger has them; when given it must agree with the ledger. */
  goodsDetained?: number;
}

/** The sections of the operations order (SPEC §3.1), in the order they are written. */
export const PLAN_SECTIONS = [
  'situation',
  'mission',
  'execution',
  'command',
  'contingency',
  'goodsArrangements',
  'holdingPlan',
] as const;
export type PlanSection = (typeof PLAN_SECTIONS)[number];

/** R12: how well a round of holding was checked, as the audit sees it. */
export interface HoldingCoverage {
  /** The calendar days (YYYY-MM-DD, brigade time) the round's holding period touches. */
  holdingDays: string[];
  /** Days with a holding check. */
  checkedDays: string[];
  /** Holding days without one (the ones already over). */
  missedDays: string[];
  spotChecks: number;
  /** Checks and spot checks that found the violations back. */
  rebounds: number;
  /** Days checked ÷ holding days (0–1). */
  share: number;
}

/** The plan reads like an operations order (SPEC §3.1). Texts are empty until written. */
export interface OperationPlan {
  kind: OperationKind;
  groupId: number | null;
  leadSquadId: number;
  hostSquadId: number | null;
  /** Every squad taking part, lead and host included. */
  squadIds: number[];
  title: string;
  problemSource: ProblemSource | null;
  location: string;
  /** ISO 8601 instant. */
  plannedStart: string | null;
  plannedHours: number | null;
  holdingDays: number;
  forces: ForceLine[];
  situation: string;
  mission: string;
  execution: string;
  command: string;
  contingency: string;
  goodsArrangements: string;
  holdingPlan: string;
}

export interface OperationContext {
  plan: OperationPlan;
  createdBy: number | null;
  /** R4: the brigade may designate a commander other than the host squad's leader. */
  designatedCommanderId: number | null;
  filedBy: number | null;
  filedAt: string | null;
  approvedBy: number | null;
  approvedAt: string | null;
  returnCount: number;
  lastReturnReason: string | null;
  cancelReason: string | null;
  actualStart: string | null;
  actualEnd: string | null;
  actualHours: number | null;
  shortReason: string | null;
  /** R6: set at COMPLETE; false when under the minimum hours or not a counting kind. */
  countsTowardMinimum: boolean | null;
  holdingRound: number;
  holdingStartedAt: string | null;
  holdingDeadline: string | null;
  /** Holding days checked by the host squad (a second check of one day amends it) and spot checks by inspectors, over all rounds. */
  holdingChecks: number;
  spotChecks: number;
  /** R6: a start recorded this many hours after it happened (more than the late-entry limit), and why. */
  lateEntryHours: number | null;
  lateReason: string | null;
  /** R6: why it began well before its planned start. */
  earlyReason: string | null;
  /** R12: why the last audit passed a holding checked on fewer days than the brigade asks. */
  coverageReason: string | null;
}

/** What the engine adds to every event: who, when, and the facts of the world the rules need. */
export interface OperationFacts {
  /** Squads of the brigade that exist now. */
  activeSquadIds: number[];
  /** Current members of the plan's group (null: no group). */
  groupSquadIds: number[] | null;
  timeZone: string;
  limits: {
    minHours: number;
    minSquads: number;
    holdingDaysMin: number;
    holdingDaysMax: number;
    /** A start recorded more than this many hours after it happened is a late entry and says why. */
    lateEntryHours: number;
    /** A start more than this many hours before the planned one says why. */
    earlyStartHours: number;
    /** R12: the share of holding days an audit that passes must see checked, or say why. */
    minCoverage: number;
    /** The sections of the operations order a plan must have to be filed. */
    requiredSections: readonly PlanSection[];
  };
  /** LOG_HOLDING_CHECK: the days of the current round already checked (a second check of one amends it). */
  checkedDays?: string[];
  /** AUDIT_PASS / AUDIT_FAIL: the coverage of the round being audited. */
  coverage?: HoldingCoverage;
  /** COMPLETE: items registered in the goods ledger, per detaining squad (R13). */
  goodsBySquad?: Record<number, number>;
}

interface Envelope {
  actor: Actor;
  /** The instant of the command (when it was recorded), ISO 8601. */
  at: string;
  /** When it happened: `at`, except for a step the system records after the fact (HOLDING_ELAPSED: the due time). */
  effectiveAt?: string;
  facts: OperationFacts;
}

export type OperationEvent = Envelope &
  (
    | { type: 'EDIT_PLAN'; plan: OperationPlan }
    | { type: 'FILE' }
    | { type: 'DESIGNATE_COMMANDER'; commanderId: number }
    | { type: 'APPROVE'; note?: string }
    | { type: 'RETURN'; reason: string }
    | { type: 'CANCEL'; reason: string }
    | { type: 'START'; actualStart?: string; lateReason?: string; earlyReason?: string }
    | {
        type: 'LOG_INCIDENT';
        incidentType: IncidentType;
        severity: IncidentSeverity;
        occurredAt?: string;
        injuries: number;
        description: string;
        response: string;
        informed?: string;
      }
    | { type: 'COMPLETE'; actualEnd?: string; results: ResultLine[]; shortReason?: string; summary?: string }
    | { type: 'LOG_HOLDING_CHECK'; date: string; officersOnPost: number; reboundObserved: boolean; notes?: string }
    | { type: 'SPOT_CHECK'; findings: string; reboundObserved: boolean }
    | { type: 'HOLDING_ELAPSED' }
    | { type: 'AUDIT_PASS'; findings: string; coverageReason?: string }
    | { type: 'AUDIT_FAIL'; findings: string; rectification: string; holdingDays?: number }
  );

export type OperationEventType = OperationEvent['type'];

export const OPERATION_EVENT_TYPES: readonly OperationEventType[] = [
  'EDIT_PLAN',
  'FILE',
  'DESIGNATE_COMMANDER',
  'APPROVE',
  'RETURN',
  'CANCEL',
  'START',
  'LOG_INCIDENT',
  'COMPLETE',
  'LOG_HOLDING_CHECK',
  'SPOT_CHECK',
  'HOLDING_ELAPSED',
  'AUDIT_PASS',
  'AUDIT_FAIL',
];

export interface OperationInput {
  plan: OperationPlan;
  createdBy: number | null;
}
