import type { Config } from '../../../config';
import type { Database } from '../../persistence/data-source';
import { Squad } from '../../persistence/entities';
import { sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { type BucketContext, type FactSource, TOUCHED, type TouchedSql, bucketSql, byBucket, sumFacts } from './facts';
import { figurePeriod, monthsOfPeriod } from './figure-period';
import type { FactSet, MonthFacts } from './month-facts';

/**
 * R14: each squad's linkage work enters the annual assessment. A score out of
 * 100 from configurable weights over components, each shown with how it was
 * reached; a component over too few cases (a rate) is left out and the other
 * weights carry the score, so no squad is rated on a handful of cases.
 * "Present but idle" participation (出勤不出力) is made visible: result lines
 * with officers sent and nothing educated or handled.
 */
export const COMPONENTS = ['participation', 'lead', 'results', 'holding', 'timeliness', 'discipline', 'incidents'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentScore {
  component: Component;
  weight: number;
  /** The squad's raw figure, and what it is measured against. */
  raw: number;
  /** For counts: the best squad's figure; for rates: the rate's denominator. */
  basis: number;
  /** 0–1, or null when not rated (too few cases). */
  normalized: number | null;
  points: number;
  /** The dictionary key that explains how it was reached, and its values. */
  how: { key: string; params: Record<string, string | number> };
}

export interface SquadAssessment {
  squad: Squad;
  score: number;
  components: ComponentScore[];
  /** 出勤不出力: result lines with officers sent and nothing educated or handled (the records: indicator idle_lines). */
  idle: number;
  participations: number;
}

const n = (v: unknown) => Number(v ?? 0) || 0;
const COMPLETED = "o.state IN ('holding', 'awaiting_audit', 'closed')";

/** Per-squad facts, keyed `<squad id>:<name>` (flags also `g<group id>:flags`), one statement per source for every squad and month. */
interface SquadSourceSpec {
  name: string;
  cacheable: boolean;
  /** The instant that places a record in a month. */
  column: string;
  statement: (bucket: string) => string;
  params: (ctx: BucketContext) => unknown[];
  fields: string[];
  keyOf?: (row: Record<string, unknown>) => string;
  /** Where its facts lie (FactSource.touched). */
  touched: readonly TouchedSql[];
}

function squadSource({ name, cacheable, column, statement, params, fields, touched, keyOf = (r) => String(n(r.squad)) }: SquadSourceSpec): FactSource {
  return {
    name: `squads.${name}`,
    cacheable,
    touched,
    fingerprint: `${squadSource.toString()}\n${column}\n${statement('?')}\n${fields.join(',')}\n${keyOf.toString()}`,
    load: async (ctx) => {
      const b = bucketSql(column, ctx.bounds);
      const { rows } = await sql<Record<string, unknown> & { b: unknown }>(ctx.m, statement(b.sql), [...b.params, ...params(ctx)]);
      return byBucket(ctx.bounds, rows, (f, r) => fields.forEach((k) => (f[`${keyOf(r)}:${k}`] = (f[`${keyOf(r)}:${k}`] ?? 0) + n(r[k]))));
    },
  };
}

const range = ({ scope, bounds }: BucketContext) => [scope.brigadeId, bounds[0], bounds[bounds.length - 1]];

/** R14: what the assessment reads, every squad at once; months are kept once over (month-facts.ts), flags read live. */
export const SQUAD_SOURCES: FactSource[] = [
  squadSource({
    name: 'lines',
    cacheable: true,
    column: 'o.actual_start',
    touched: [TOUCHED.start],
    statement: (b) => `SELECT ${b} AS b, os.squad_id AS squad, COUNT(DISTINCT o.id) AS ops, COUNT(DISTINCT CASE WHEN o.counts_toward_minimum = 1 AND ${COMPLETED} THEN o.id END) AS qualifying,
              SUM(CASE WHEN ${COMPLETED} THEN COALESCE(os.officers, 0) ELSE 0 END) AS officers,
              SUM(CASE WHEN ${COMPLETED} THEN COALESCE(os.educated, 0) + COALESCE(os.handled, 0) ELSE 0 END) AS results,
              SUM(CASE WHEN ${COMPLETED} AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0 THEN 1 ELSE 0 END) AS idle
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled'
        GROUP BY b, os.squad_id`,
    params: range,
    fields: ['ops', 'qualifying', 'officers', 'results', 'idle'],
  }),
  squadSource({
    name: 'led',
    cacheable: true,
    column: 'o.actual_start',
    touched: [TOUCHED.start],
    statement: (b) => `SELECT ${b} AS b, o.lead_squad_id AS squad, COUNT(*) AS led FROM operations o
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.counts_toward_minimum = 1 AND ${COMPLETED}
        GROUP BY b, o.lead_squad_id`,
    params: range,
    fields: ['led'],
  }),
  squadSource({
    name: 'audits',
    cacheable: true,
    column: 'h.at',
    touched: [TOUCHED.audits],
    statement: (b) => `SELECT ${b} AS b, o.host_squad_id AS squad, SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS passed, COUNT(*) AS audits
         FROM holding_records h JOIN operations o ON o.id = h.operation_id
        WHERE h.brigade_id = ? AND h.kind IN ('audit_pass', 'audit_fail') AND h.at >= ? AND h.at < ?
        GROUP BY b, o.host_squad_id`,
    params: range,
    fields: ['passed', 'audits'],
  }),
  squadSource({
    name: 'limits',
    cacheable: true,
    column: 'd.due_at',
    touched: [TOUCHED.deadlines],
    statement: (b) => `SELECT ${b} AS b, o.host_squad_id AS squad, SUM(CASE WHEN d.outcome = 'met' THEN 1 ELSE 0 END) AS met, COUNT(*) AS due
         FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
        WHERE d.brigade_id = ? AND d.workflow = 'operation' AND d.kind = 'results' AND d.due_at >= ? AND d.due_at < ? AND (d.closed_at IS NOT NULL OR d.due_at < ?)
        GROUP BY b, o.host_squad_id`,
    params: (ctx) => [...range(ctx), ctx.now],
    fields: ['met', 'due'],
  }),
  squadSource({
    name: 'incidents',
    cacheable: true,
    column: 'i.occurred_at',
    touched: [TOUCHED.incidents],
    statement: (b) => `SELECT ${b} AS b, o.host_squad_id AS squad, COUNT(*) AS incidents FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
        WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? GROUP BY b, o.host_squad_id`,
    params: range,
    fields: ['incidents'],
  }),
  squadSource({
    name: 'flags',
    cacheable: false,
    column: 'f.raised_at',
    touched: [],
    statement: (b) => `SELECT ${b} AS b, f.squad_id AS squad, f.group_id AS grp, COUNT(*) AS flags FROM flags f
        WHERE f.brigade_id = ? AND f.raised_at >= ? AND f.raised_at < ? GROUP BY b, f.squad_id, f.group_id`,
    params: range,
    fields: ['flags'],
    keyOf: (r) => (r.squad !== null ? String(n(r.squad)) : r.grp !== null ? `g${n(r.grp)}` : 'brigade'),
  }),
];

export const SQUADS_SET: FactSet = { name: 'squads', sources: SQUAD_SOURCES, scopeKey: () => 'squads' };

export async function assessSquads(db: Database, monthFacts: MonthFacts, config: Readonly<Config>, p: Principal, year: number): Promise<SquadAssessment[]> {
  const m = db.manager;
  const period = figurePeriod(String(year), p.timeZone);
  const weights = config.figures.assessmentWeights;
  const min = config.figures.minSample;
  const squads = await m.find(Squad, { where: { brigadeId: p.brigadeId }, order: { id: 'ASC' } });
  const facts = sumFacts(await monthFacts.months(SQUADS_SET, { brigadeId: p.brigadeId, timeZone: p.timeZone, kind: 'brigade' }, monthsOfPeriod(period)));
  const f = (s: Squad, k: string) => facts[`${s.id}:${k}`] ?? 0;
  const raw = squads.map((s) => ({
    s,
    participation: f(s, 'qualifying'),
    ops: f(s, 'ops'),
    lead: f(s, 'led'),
    results: f(s, 'results'),
    officers: f(s, 'officers'),
    idle: f(s, 'idle'),
    passed: f(s, 'passed'),
    audits: f(s, 'audits'),
    met: f(s, 'met'),
    due: f(s, 'due'),
    flags: f(s, 'flags') + (s.groupId !== null ? (facts[`g${s.groupId}:flags`] ?? 0) : 0),
    incidents: f(s, 'incidents'),
  }));
  const best = (k: 'participation' | 'lead' | 'results' | 'flags' | 'incidents') => Math.max(0, ...raw.map((r) => r[k]));
  const bests = { participation: best('participation'), lead: best('lead'), results: best('results'), flags: best('flags'), incidents: best('incidents') };

  return raw
    .map((r) => {
      const count = (component: Component, value: number, top: number): Omit<ComponentScore, 'points'> => ({
        component,
        weight: weights[component],
        raw: value,
        basis: top,
        normalized: top > 0 ? value / top : 0,
        how: { key: `assessment.how_${component}`, params: { value, best: top } },
      });
      const rate = (component: Component, num: number, den: number): Omit<ComponentScore, 'points'> => ({
        component,
        weight: weights[component],
        raw: num,
        basis: den,
        normalized: den >= min ? num / den : null,
        how: { key: den >= min ? `assessment.how_${component}` : 'assessment.too_few', params: { num, den, min } },
      });
      const parts: Array<Omit<ComponentScore, 'points'>> = [
        count('participation', r.participation, bests.participation),
        count('lead', r.lead, bests.lead),
        count('results', r.results, bests.results),
        rate('holding', r.passed, r.audits),
        rate('timeliness', r.met, r.due),
        // Fewer flags is better: the squad with most has none of these points.
        { ...count('discipline', r.flags, bests.flags), normalized: bests.flags > 0 ? 1 - r.flags / bests.flags : 1, how: { key: 'assessment.how_discipline', params: { value: r.flags, best: bests.flags } } },
        count('incidents', r.incidents, bests.incidents),
      ];
      const rated = parts.filter((c) => c.normalized !== null && c.weight > 0);
      const totalWeight = rated.reduce((sum, c) => sum + c.weight, 0);
      const components = parts.map((c) => ({
        ...c,
        points: c.normalized === null || totalWeight === 0 ? 0 : Math.round(((c.weight * c.normalized) / totalWeight) * 1000) / 10,
      }));
      return {
        squad: r.s,
        participations: r.ops,
        score: Math.round(components.reduce((sum, c) => sum + c.points, 0) * 10) / 10,
        components,
        idle: r.idle,
      };
    })
    .sort((a, b) => b.score - a.score || a.squad.id - b.squad.id);
}
