import type { ProblemSource } from '../../../workflows/operation';

/** What callers give the group plan use cases: squads and groups by code, days as `YYYY-MM-DD`. */
export interface PlannedOperationInput {
  date?: string;
  title?: string;
  leadSquad?: string | null;
  location?: string;
  problemSource?: ProblemSource | null;
  /** The id of the joint operation this line became. */
  operation?: number | null;
}

export interface GroupPlanContentInput {
  targets?: string[];
  operations?: PlannedOperationInput[];
  notes?: string;
}

export interface NewGroupPlanInput extends GroupPlanContentInput {
  group: string;
  /** `YYYY-MM`. */
  month: string;
}

export type GroupPlanEventInput = { expectedVersion?: number } & (
  | { type: 'EDIT_PLAN'; plan: GroupPlanContentInput }
  | { type: 'FILE' }
  | { type: 'RETURN'; reason: string }
);

export interface GroupPlanFilters {
  group?: string;
  /** `YYYY-MM`. */
  month?: string;
  /** `YYYY`: the plans of a year. */
  year?: string;
  state?: string;
}
