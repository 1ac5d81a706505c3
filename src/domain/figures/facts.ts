import type { EntityManager } from 'typeorm';
import {
  type TouchedSql,
  TOUCHED,
  auditFactRows,
  changeFactRows,
  dwellFactRows,
  flagFactRows,
  goodsFactRows,
  incidentFactRows,
  limitFactRows,
  operationFactRows,
} from './facts.queries';
import type { FigureScope } from './scope';

/** Raw counts for one scope and period, by name; indicators are read from them. Every fact adds up over months. */
export type Facts = Record<string, number>;

/**
 * What a fact source is asked for: a scope, and consecutive buckets (months)
 * given by their boundaries `bounds[0] < bounds[1] < … < bounds[n]` — bucket i
 * is `[bounds[i], bounds[i + 1])`. One statement (or two) answers every
 * bucket at once, whatever the number of months, groups or squads (facts.queries.ts).
 */
export interface BucketContext {
  m: EntityManager;
  scope: FigureScope;
  bounds: Date[];
  now: Date;
}

export interface FactSource {
  name: string;
  /**
   * Cacheable: computed only from rows the workflow engine writes in the same
   * transaction as it moves an instance (which stamps the instance's
   * `updated_at`). A month of such facts can be kept once it is over
   * (month-facts.ts); `touched` says which kept months a change makes old.
   * Other sources are always read live.
   */
  cacheable: boolean;
  load: (ctx: BucketContext) => Promise<Facts[]>;
  /**
   * Where this source places the facts of an instance (statements from TOUCHED):
   * a kept month holding one of those instants, for an instance changed since
   * the month was computed, is computed again. Facts placed at the time of a
   * step itself (history rows, audits) need none: every month from the change
   * on is always looked at.
   */
  touched?: readonly TouchedSql[];
  /** What the kept months depend on, when `load`'s own code does not say it all (a source made by a factory). */
  fingerprint?: string;
  /** The query functions (`*.queries.ts`) `load` reads through: their code is part of what the kept months depend on. */
  queries?: ReadonlyArray<(...args: never[]) => unknown>;
}

export { TOUCHED, type TouchedSql };

const n = (v: unknown) => Number(v ?? 0) || 0;

/** The states whose time spent is shown ("where operations wait longest"). */
export const DWELL_STATES = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'] as const;

/** The time limits whose keeping is rated per stage (§3.5): deciding a filing, recording results, auditing holding. */
export const RATED_LIMITS = ['decision', 'results', 'audit'] as const;

/** Rows `{b, …}` into one Facts per bucket, through `read` (which adds a row's facts to its bucket's). */
export function byBucket<R extends { b: unknown }>(
  bounds: Date[],
  rows: R[],
  read: (facts: Facts, row: R) => void,
): Facts[] {
  const out: Facts[] = Array.from({ length: bounds.length - 1 }, () => ({}));
  for (const r of rows) read(out[n(r.b)], r);
  return out;
}

const add = (f: Facts, k: string, v: unknown) => (f[k] = (f[k] ?? 0) + n(v));

/**
 * R6, R15: operations that began in the period, and the results of those
 * completed (person-times, vehicle-times, educated, handled); result lines
 * with officers sent and nothing educated or handled ("present but idle").
 */
const operationFacts: FactSource = {
  name: 'operations',
  cacheable: true,
  touched: [TOUCHED.start],
  queries: [operationFactRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await operationFactRows(m, scope, bounds);
    const keys = [
      'ops_all',
      'ops_qualifying',
      'ops_completed',
      'late_entries',
      'person_times',
      'vehicle_times',
      'educated',
      'handled',
      'goods_detained',
      'idle_lines',
    ] as const;
    return byBucket(bounds, rows, (f, r) => keys.forEach((k) => add(f, k, r[k])));
  },
};

/** R11: incidents that happened in the period, in operations of the scope. */
const incidentFacts: FactSource = {
  name: 'incidents',
  cacheable: true,
  touched: [TOUCHED.incidents],
  queries: [incidentFactRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await incidentFactRows(m, scope, bounds);
    return byBucket(bounds, rows, (f, r) => {
      add(f, 'incidents', r.incidents);
      add(f, 'incidents_serious', r.serious);
    });
  },
};

/** R14: holding audits done in the period (passed, failed). */
const auditFacts: FactSource = {
  name: 'audits',
  cacheable: true,
  touched: [TOUCHED.audits],
  queries: [auditFactRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await auditFactRows(m, scope, bounds);
    return byBucket(bounds, rows, (f, r) => {
      add(f, 'audits_passed', r.passed);
      add(f, 'audits_failed', r.failed);
    });
  },
};

/**
 * §3.5: time limits that came due in the period, per stage: kept (closed in
 * time), missed (closed late, or still open past their limit). A month is
 * kept only once it is over, when every limit due in it is past due: its
 * count no longer moves with the clock.
 */
const timeLimitFacts: FactSource = {
  name: 'limits',
  cacheable: true,
  touched: [TOUCHED.deadlines],
  queries: [limitFactRows],
  load: async ({ m, scope, bounds, now }) => {
    const rows = await limitFactRows(m, scope, bounds, now, RATED_LIMITS);
    const out = byBucket(bounds, rows, (f, r) => {
      add(f, `limit_${r.kind}_met`, r.met);
      add(f, `limit_${r.kind}_late`, r.late);
    });
    for (const f of out) for (const k of RATED_LIMITS) for (const x of ['met', 'late']) f[`limit_${k}_${x}`] ??= 0;
    return out;
  },
};

/** §3.5: plans drafted and filed, returns and cancellations in the period (their share is watched). */
const changeFacts: FactSource = {
  name: 'changes',
  cacheable: true,
  touched: [TOUCHED.steps],
  queries: [changeFactRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await changeFactRows(m, scope, bounds);
    const name: Record<string, string> = {
      CREATE: 'drafts',
      FILE: 'filings',
      RETURN: 'returns',
      CANCEL: 'cancellations',
    };
    const out = byBucket(bounds, rows, (f, r) => add(f, name[r.event], r.c));
    for (const f of out) for (const k of Object.values(name)) f[k] ??= 0;
    return out;
  },
};

/**
 * Where operations wait longest: for the operations that began in the
 * period, the hours spent in each state (each step's time to the next step),
 * the number of stays and of operations.
 */
const dwellFacts: FactSource = {
  name: 'dwell',
  cacheable: true,
  touched: [TOUCHED.start],
  queries: [dwellFactRows],
  load: async ({ m, scope, bounds }) => {
    const rows = await dwellFactRows(m, scope, bounds, DWELL_STATES);
    return byBucket(bounds, rows, (f, r) => {
      f[`dwell_${r.state}_hours`] = (f[`dwell_${r.state}_hours`] ?? 0) + (Number(r.hours) || 0);
      add(f, `dwell_${r.state}_stays`, r.stays);
      add(f, `dwell_${r.state}_ops`, r.ops);
    });
  },
};

/** SPEC §4: flags raised and resolved in the period (the scope's: its group, or naming its squad). Read live. */
const flagFacts: FactSource = {
  name: 'flags',
  cacheable: false,
  queries: [flagFactRows],
  load: async ({ m, scope, bounds }) => {
    const { raised, resolved } = await flagFactRows(m, scope, bounds);
    const out = byBucket(bounds, raised, (f, r) => add(f, 'flags_raised', r.c));
    resolved.forEach((r) => add(out[n(r.b)], 'flags_resolved', r.c));
    for (const f of out) {
      f.flags_raised ??= 0;
      f.flags_resolved ??= 0;
    }
    return out;
  },
};

/**
 * R13: detained items registered in the period, returned, confiscated and
 * disposed of in it (by the step's time), and still held at its end — a
 * stock, not a flow: `goods_held_at_end` of a run of months is the last
 * month's (sumFacts). Every instant here is a workflow step's own time.
 */
const goodsFacts: FactSource = {
  name: 'goods',
  cacheable: true,
  touched: [TOUCHED.goods],
  queries: [goodsFactRows],
  load: async ({ m, scope, bounds }) => {
    const { registered, outcomes, heldBefore } = await goodsFactRows(m, scope, bounds);
    const out = byBucket(bounds, registered, (f, r) => add(f, 'goods_registered', r.c));
    for (const r of outcomes) add(out[n(r.b)], `goods_${r.state}`, r.c);
    // Held at each month's end: held at the first month's start, plus what came in, less what went out, month by month.
    let held = heldBefore;
    for (const f of out) {
      for (const k of ['goods_registered', 'goods_returned', 'goods_confiscated', 'goods_disposed']) f[k] ??= 0;
      held += f.goods_registered - f.goods_returned - f.goods_confiscated - f.goods_disposed;
      f.goods_held_at_end = held;
    }
    return out;
  },
};

export const FACT_SOURCES: FactSource[] = [
  operationFacts,
  incidentFacts,
  auditFacts,
  timeLimitFacts,
  changeFacts,
  dwellFacts,
  goodsFacts,
  flagFacts,
];

// R15: hard problems resolved (and reported), §3.4.
import { problemFacts } from './problem-facts';
FACT_SOURCES.push(problemFacts);

/** Facts summed over buckets (or months). */
/** The facts of a run of months (in order): flows add up; a stock (`…_at_end`) is the last month's. */
export function sumFacts(parts: Facts[]): Facts {
  const out: Facts = {};
  for (const f of parts) for (const [k, v] of Object.entries(f)) out[k] = k.endsWith('_at_end') ? v : (out[k] ?? 0) + v;
  return out;
}
