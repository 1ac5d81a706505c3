import type { CallbackOutcome, ProblemCategory, ProblemSource, ReboundOrigin } from '../../../workflows/hard-problem';

/** What callers give the hard-problem use cases: squads by code, instants as ISO 8601. */
export interface ProblemReportInput {
  source: ProblemSource;
  category: ProblemCategory;
  title: string;
  description: string;
  location: string;
  /** The squads at the border (codes). */
  squads: string[];
  evidence?: Array<{ description: string; ref?: string | null }>;
  hotlineRef?: string | null;
  complainant?: string | null;
  /** Issue 13: evidence file ids, attached in the report's transaction. */
  files?: string[];
}

export type ProblemEventInput = { expectedVersion?: number } & (
  | { type: 'ACCEPT'; note?: string }
  | { type: 'MERGE'; into: number; note?: string }
  | { type: 'RESOLVE'; note: string; operation?: number | null }
  | { type: 'REBOUND'; origin: ReboundOrigin; note: string; files?: string[] }
  | { type: 'RECORD_CALLBACK'; caller: string; calledAt?: string; outcome: CallbackOutcome; note?: string }
);

export interface ProblemFilters {
  state?: string[];
  source?: string;
  category?: string;
  squad?: string;
  /** Words in the title or location. */
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface DuplicateQuery {
  category: string;
  location: string;
}
