import type { Config } from '../../../config';
import type { Database } from '../../persistence/data-source';
import { Squad } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import { type SquadFactRow, type SquadStatementName, SQUAD_STATEMENTS, squadFactRows } from './assessment.queries';
import { type FactSource, TOUCHED, type TouchedSql, byBucket, sumFacts } from './facts';
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
export const COMPONENTS = [
  'participation',
  'lead',
  'results',
  'holding',
  'timeliness',
  'discipline',
  'incidents',
] as const;
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

/**
 * Per-squad facts, keyed `<squad id>:<name>` (flags also `g<group id>:flags`), one statement per source for every
 * squad and month (SQUAD_STATEMENTS, assessment.queries.ts: the source's name is its statement's).
 */
interface SquadSourceSpec {
  name: SquadStatementName;
  cacheable: boolean;
  fields: string[];
  keyOf?: (row: SquadFactRow) => string;
  /** Where its facts lie (FactSource.touched). */
  touched: readonly TouchedSql[];
}

function squadSource({
  name,
  cacheable,
  fields,
  touched,
  keyOf = (r) => String(n(r.squad)),
}: SquadSourceSpec): FactSource {
  const { column, statement } = SQUAD_STATEMENTS[name];
  return {
    name: `squads.${name}`,
    cacheable,
    touched,
    fingerprint: `${squadSource.toString()}\n${column}\n${statement('?')}\n${fields.join(',')}\n${keyOf.toString()}`,
    queries: [squadFactRows],
    load: async (ctx) => {
      const rows = await squadFactRows(ctx.m, name, {
        brigadeId: ctx.scope.brigadeId,
        bounds: ctx.bounds,
        now: ctx.now,
      });
      return byBucket(ctx.bounds, rows, (f, r) =>
        fields.forEach((k) => (f[`${keyOf(r)}:${k}`] = (f[`${keyOf(r)}:${k}`] ?? 0) + n(r[k]))),
      );
    },
  };
}

/** R14: what the assessment reads, every squad at once; months are kept once over (month-facts.ts), flags read live. */
export const SQUAD_SOURCES: FactSource[] = [
  squadSource({
    name: 'lines',
    cacheable: true,
    touched: [TOUCHED.start],
    fields: ['ops', 'qualifying', 'officers', 'results', 'idle'],
  }),
  squadSource({
    name: 'led',
    cacheable: true,
    touched: [TOUCHED.start],
    fields: ['led'],
  }),
  squadSource({
    name: 'audits',
    cacheable: true,
    touched: [TOUCHED.audits],
    fields: ['passed', 'audits'],
  }),
  squadSource({
    name: 'limits',
    cacheable: true,
    touched: [TOUCHED.deadlines],
    fields: ['met', 'due'],
  }),
  squadSource({
    name: 'incidents',
    cacheable: true,
    touched: [TOUCHED.incidents],
    fields: ['incidents'],
  }),
  squadSource({
    name: 'flags',
    cacheable: false,
    touched: [],
    fields: ['flags'],
    keyOf: (r) => (r.squad !== null ? String(n(r.squad)) : r.grp !== null ? `g${n(r.grp)}` : 'brigade'),
  }),
];

export const SQUADS_SET: FactSet = { name: 'squads', sources: SQUAD_SOURCES, scopeKey: () => 'squads' };

export async function assessSquads(
  db: Database,
  monthFacts: MonthFacts,
  config: Readonly<Config>,
  p: Principal,
  year: number,
): Promise<SquadAssessment[]> {
  const m = db.manager;
  const period = figurePeriod(String(year), p.timeZone);
  const weights = config.figures.assessmentWeights;
  const min = config.figures.minSample;
  const squads = await m.find(Squad, { where: { brigadeId: p.brigadeId }, order: { id: 'ASC' } });
  const facts = sumFacts(
    await monthFacts.months(
      SQUADS_SET,
      { brigadeId: p.brigadeId, timeZone: p.timeZone, kind: 'brigade' },
      monthsOfPeriod(period),
    ),
  );
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
  const best = (k: 'participation' | 'lead' | 'results' | 'flags' | 'incidents') =>
    Math.max(0, ...raw.map((r) => r[k]));
  const bests = {
    participation: best('participation'),
    lead: best('lead'),
    results: best('results'),
    flags: best('flags'),
    incidents: best('incidents'),
  };

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
        {
          ...count('discipline', r.flags, bests.flags),
          normalized: bests.flags > 0 ? 1 - r.flags / bests.flags : 1,
          how: { key: 'assessment.how_discipline', params: { value: r.flags, best: bests.flags } },
        },
        count('incidents', r.incidents, bests.incidents),
      ];
      const rated = parts.filter((c) => c.normalized !== null && c.weight > 0);
      const totalWeight = rated.reduce((sum, c) => sum + c.weight, 0);
      const components = parts.map((c) => ({
        ...c,
        points:
          c.normalized === null || totalWeight === 0
            ? 0
            : Math.round(((c.weight * c.normalized) / totalWeight) * 1000) / 10,
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
