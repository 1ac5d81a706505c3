/** What callers give the operation use cases: squads and groups by code, times as ISO 8601. */
export interface ForceInput {
  squad: string;
  officers: number;
  vehicles: number;
}

export interface PlanInput {
  kind?: 'regular' | 'ad_hoc' | 'brigade_led';
  group?: string | null;
  leadSquad?: string;
  hostSquad?: string | null;
  squads?: string[];
  title?: string;
  problemSource?: 'hotspot' | 'media' | 'leadership' | 'community' | 'hotline_12319' | 'notification' | null;
  location?: string;
  plannedStart?: string | null;
  plannedHours?: number | null;
  holdingDays?: number;
  forces?: ForceInput[];
  situation?: string;
  mission?: string;
  execution?: string;
  command?: string;
  contingency?: string;
  goodsArrangements?: string;
  holdingPlan?: string;
  /** §3.4: the hard problems (ids) the operation targets; reported or open ones of the brigade. */
  problems?: number[];
}

export interface ResultInput {
  squad: string;
  officers: number;
  vehicles: number;
  educated: number;
  handled: number;
  /** R13: taken from the goods ledger when left out; refused when it differs. */
  goodsDetained?: number;
}

/** An event as a caller sends it (codes, not ids); `expectedVersion` is the version they read. */
export type EventInput = { expectedVersion?: number } & (
  | { type: 'EDIT_PLAN'; plan: PlanInput }
  | { type: 'FILE' }
  | { type: 'DESIGNATE_COMMANDER'; commander: string }
  | { type: 'APPROVE'; note?: string }
  | { type: 'RETURN'; reason: string }
  | { type: 'CANCEL'; reason: string }
  | { type: 'START'; actualStart?: string; lateReason?: string; earlyReason?: string }
  | {
      type: 'LOG_INCIDENT';
      incidentType: 'verbal_abuse' | 'assault' | 'siege' | 'obstruction' | 'other';
      severity: 'minor' | 'serious' | 'critical';
      occurredAt?: string;
      injuries: number;
      description: string;
      response: string;
      informed?: string;
      /** Issue 13: evidence file ids (attached in the step's transaction). */
      files?: string[];
    }
  | {
      type: 'COMPLETE';
      actualEnd?: string;
      results: ResultInput[];
      shortReason?: string;
      summary?: string;
      files?: string[];
    }
  | {
      type: 'LOG_HOLDING_CHECK';
      date: string;
      officersOnPost: number;
      reboundObserved: boolean;
      notes?: string;
      /** §3.4: a hard problem of the operation the rebound brings back (reported as its REBOUND in the same step). */
      reboundProblem?: number;
      files?: string[];
    }
  | { type: 'SPOT_CHECK'; findings: string; reboundObserved: boolean; files?: string[] }
  | { type: 'HOLDING_ELAPSED' }
  | { type: 'AUDIT_PASS'; findings: string; coverageReason?: string; files?: string[] }
  | { type: 'AUDIT_FAIL'; findings: string; rectification: string; holdingDays?: number; files?: string[] }
);

export interface OperationFilters {
  state?: string[];
  group?: string;
  squad?: string;
  kind?: string;
  /** R7: where the problem came from. */
  source?: string;
  /** Planned start on or after (ISO instant or YYYY-MM-DD in the brigade's zone). */
  from?: string;
  /** Planned start before (exclusive). */
  to?: string;
  /** A brigade number as people write it (〔2026〕第12号, 2026-12, 12/2026), or words of the title or location. */
  q?: string;
  cursor?: string;
  limit?: number;
}
