import type { Facts } from './facts';
import { RATED_LIMITS } from './facts';

/**
 * Every figure Liandong gives (SPEC §5, R15), with how it is counted. Its
 * written definition — numerator, denominator, period, what counts — is in the
 * dictionaries under `indicator.<id>.definition` (both languages; a test
 * checks) and is shown beside the figure. `drill` names the list of records
 * that make it.
 */
export interface Indicator {
  id: string;
  /** A count, or a ratio of two facts. */
  kind: 'count' | 'ratio';
  numerator: string;
  denominator?: string;
  /** Which records its drill-down lists. */
  drill: DrillKind;
  /** A ratio where higher is better (for colouring and ranking); counts are neutral. */
  better?: 'higher' | 'lower';
  /** Grouping on the page. */
  section:
    | 'operations'
    | 'results'
    | 'problems'
    | 'safety'
    | 'holding'
    | 'timeliness'
    | 'changes'
    | 'oversight'
    | 'goods';
}

export type DrillKind =
  | 'operations'
  | 'qualifying'
  | 'late_entries'
  | 'results'
  | 'incidents'
  | 'audits'
  | 'limits'
  | 'changes'
  | 'flags'
  | 'problems'
  | 'goods'
  | 'idle';

export const INDICATORS: Indicator[] = [
  { id: 'operations', kind: 'count', numerator: 'ops_all', drill: 'operations', section: 'operations' },
  {
    id: 'operations_qualifying',
    kind: 'count',
    numerator: 'ops_qualifying',
    drill: 'qualifying',
    section: 'operations',
  },
  // R6: starts recorded more than operations.lateEntryHours after they happened (each with its reason on the operation).
  {
    id: 'late_entries',
    kind: 'count',
    numerator: 'late_entries',
    drill: 'late_entries',
    better: 'lower',
    section: 'operations',
  },
  { id: 'person_times', kind: 'count', numerator: 'person_times', drill: 'results', section: 'results' },
  { id: 'vehicle_times', kind: 'count', numerator: 'vehicle_times', drill: 'results', section: 'results' },
  { id: 'educated', kind: 'count', numerator: 'educated', drill: 'results', section: 'results' },
  { id: 'handled', kind: 'count', numerator: 'handled', drill: 'results', section: 'results' },
  { id: 'idle_lines', kind: 'count', numerator: 'idle_lines', drill: 'idle', better: 'lower', section: 'results' },
  { id: 'incidents', kind: 'count', numerator: 'incidents', drill: 'incidents', section: 'safety' },
  { id: 'incidents_serious', kind: 'count', numerator: 'incidents_serious', drill: 'incidents', section: 'safety' },
  {
    id: 'audit_pass_rate',
    kind: 'ratio',
    numerator: 'audits_passed',
    denominator: 'audits_all',
    drill: 'audits',
    better: 'higher',
    section: 'holding',
  },
  ...RATED_LIMITS.map(
    (k): Indicator => ({
      id: `ontime_${k}`,
      kind: 'ratio',
      numerator: `limit_${k}_met`,
      denominator: `limit_${k}_all`,
      drill: 'limits',
      better: 'higher',
      section: 'timeliness',
    }),
  ),
  { id: 'returns', kind: 'count', numerator: 'returns', drill: 'changes', section: 'changes' },
  {
    id: 'return_share',
    kind: 'ratio',
    numerator: 'returns',
    denominator: 'filings',
    drill: 'changes',
    better: 'lower',
    section: 'changes',
  },
  { id: 'cancellations', kind: 'count', numerator: 'cancellations', drill: 'changes', section: 'changes' },
  {
    id: 'cancellation_share',
    kind: 'ratio',
    numerator: 'cancellations',
    denominator: 'drafts',
    drill: 'changes',
    better: 'lower',
    section: 'changes',
  },
  { id: 'goods_registered', kind: 'count', numerator: 'goods_registered', drill: 'goods', section: 'goods' },
  { id: 'goods_held', kind: 'count', numerator: 'goods_held_at_end', drill: 'goods', section: 'goods' },
  { id: 'goods_returned', kind: 'count', numerator: 'goods_returned', drill: 'goods', section: 'goods' },
  { id: 'goods_confiscated', kind: 'count', numerator: 'goods_confiscated', drill: 'goods', section: 'goods' },
  { id: 'goods_disposed', kind: 'count', numerator: 'goods_disposed', drill: 'goods', section: 'goods' },
  { id: 'flags_raised', kind: 'count', numerator: 'flags_raised', drill: 'flags', section: 'oversight' },
  { id: 'flags_resolved', kind: 'count', numerator: 'flags_resolved', drill: 'flags', section: 'oversight' },
  // R15, §3.4: hard problems resolved and not reopened within the month; reported.
  { id: 'problems_resolved', kind: 'count', numerator: 'problems_resolved', drill: 'problems', section: 'problems' },
  { id: 'problems_reported', kind: 'count', numerator: 'problems_reported', drill: 'problems', section: 'problems' },
];

/** Facts derived from others (denominators of ratios). */
export function withDerived(f: Facts): Facts {
  const out: Facts = { ...f, audits_all: (f.audits_passed ?? 0) + (f.audits_failed ?? 0) };
  for (const k of RATED_LIMITS) out[`limit_${k}_all`] = (f[`limit_${k}_met`] ?? 0) + (f[`limit_${k}_late`] ?? 0);
  return out;
}

export interface IndicatorValue {
  id: string;
  kind: 'count' | 'ratio';
  /** The count, or the ratio (0–1); null for a ratio over too few cases ("too few to rate"). */
  value: number | null;
  numerator: number;
  denominator: number | null;
  /** A ratio whose denominator is under the configured minimum: shown as too few, never ranked. */
  tooFew: boolean;
}

/** The value of every indicator from a period's facts. */
export function evaluate(indicators: Indicator[], facts: Facts, minSample: number): IndicatorValue[] {
  const f = withDerived(facts);
  return indicators.map((ind) => {
    const numerator = f[ind.numerator] ?? 0;
    if (ind.kind === 'count')
      return { id: ind.id, kind: 'count', value: numerator, numerator, denominator: null, tooFew: false };
    if (ind.denominator === undefined) throw new Error(`indicator ${ind.id}: a ratio without a denominator`);
    const denominator = f[ind.denominator] ?? 0;
    const tooFew = denominator < minSample;
    return {
      id: ind.id,
      kind: 'ratio',
      value: tooFew || denominator === 0 ? null : numerator / denominator,
      numerator,
      denominator,
      tooFew,
    };
  });
}
