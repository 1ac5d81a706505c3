import type { Config } from '../../../config';
import type { Database } from '../../persistence/data-source';
import { Squad } from '../../persistence/entities';
import { sql } from '../../persistence/sql';
import type { Principal } from '../org/org.service';
import { figurePeriod } from './figure-period';

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
  /** 出勤不出力: result lines with officers sent and nothing educated or handled. */
  idle: Array<{ operationId: number; title: string; officers: number }>;
  participations: number;
}

const n = (v: unknown) => Number(v ?? 0) || 0;

export async function assessSquads(db: Database, config: Readonly<Config>, p: Principal, year: number, now: Date): Promise<SquadAssessment[]> {
  const m = db.manager;
  const period = figurePeriod(String(year), p.timeZone);
  const weights = config.figures.assessmentWeights;
  const min = config.figures.minSample;
  const squads = await m.find(Squad, { where: { brigadeId: p.brigadeId }, order: { id: 'ASC' } });
  const range = [p.brigadeId, period.start, period.end];
  const completed = "o.state IN ('holding', 'awaiting_audit', 'closed')";
  // One statement per component, for every squad at once.
  const [lines, led, audits, limits, flags, incidents, idle] = await Promise.all([
    sql<Record<string, unknown>>(
      m,
      `SELECT os.squad_id AS squad, COUNT(DISTINCT o.id) AS ops, COUNT(DISTINCT CASE WHEN o.counts_toward_minimum = 1 AND ${completed} THEN o.id END) AS qualifying,
              SUM(CASE WHEN ${completed} THEN COALESCE(os.officers, 0) ELSE 0 END) AS officers,
              SUM(CASE WHEN ${completed} THEN COALESCE(os.educated, 0) + COALESCE(os.handled, 0) ELSE 0 END) AS results
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.state <> 'cancelled'
        GROUP BY os.squad_id`,
      range,
    ),
    sql<Record<string, unknown>>(
      m,
      `SELECT o.lead_squad_id AS squad, COUNT(*) AS led FROM operations o
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND o.counts_toward_minimum = 1 AND ${completed}
        GROUP BY o.lead_squad_id`,
      range,
    ),
    sql<Record<string, unknown>>(
      m,
      `SELECT o.host_squad_id AS squad, SUM(CASE WHEN h.kind = 'audit_pass' THEN 1 ELSE 0 END) AS passed, COUNT(*) AS audits
         FROM holding_records h JOIN operations o ON o.id = h.operation_id
        WHERE h.brigade_id = ? AND h.at >= ? AND h.at < ? AND h.kind IN ('audit_pass', 'audit_fail')
        GROUP BY o.host_squad_id`,
      range,
    ),
    sql<Record<string, unknown>>(
      m,
      `SELECT o.host_squad_id AS squad, SUM(CASE WHEN d.outcome = 'met' THEN 1 ELSE 0 END) AS met, COUNT(*) AS due
         FROM workflow_deadlines d JOIN operations o ON o.id = d.instance_id
        WHERE d.brigade_id = ? AND d.due_at >= ? AND d.due_at < ? AND d.workflow = 'operation' AND d.kind = 'results' AND (d.closed_at IS NOT NULL OR d.due_at < ?)
        GROUP BY o.host_squad_id`,
      [...range, now],
    ),
    sql<Record<string, unknown>>(m, `SELECT f.squad_id AS squad, f.group_id AS grp, COUNT(*) AS c FROM flags f WHERE f.brigade_id = ? AND f.raised_at >= ? AND f.raised_at < ? GROUP BY f.squad_id, f.group_id`, range),
    sql<Record<string, unknown>>(
      m,
      `SELECT o.host_squad_id AS squad, COUNT(*) AS c FROM operation_incidents i JOIN operations o ON o.id = i.operation_id
        WHERE i.brigade_id = ? AND i.occurred_at >= ? AND i.occurred_at < ? GROUP BY o.host_squad_id`,
      range,
    ),
    sql<Record<string, unknown>>(
      m,
      `SELECT os.squad_id AS squad, o.id AS op, o.title AS title, os.officers AS officers
         FROM operations o JOIN operation_squads os ON os.operation_id = o.id
        WHERE o.brigade_id = ? AND o.actual_start >= ? AND o.actual_start < ? AND ${completed}
          AND COALESCE(os.officers, 0) > 0 AND COALESCE(os.educated, 0) + COALESCE(os.handled, 0) = 0
        ORDER BY os.officers DESC`,
      range,
    ),
  ]);
  const by = (rows: Array<Record<string, unknown>>, key = 'squad') => new Map(rows.map((r) => [n(r[key]), r]));
  const lineBy = by(lines.rows);
  const ledBy = by(led.rows);
  const auditBy = by(audits.rows);
  const limitBy = by(limits.rows);
  const incidentBy = by(incidents.rows);
  const flagsOf = (s: Squad) =>
    flags.rows.reduce((sum, r) => sum + (n(r.squad) === s.id || (r.squad === null && s.groupId !== null && n(r.grp) === s.groupId) ? n(r.c) : 0), 0);
  const raw = squads.map((s) => ({
    s,
    participation: n(lineBy.get(s.id)?.qualifying),
    ops: n(lineBy.get(s.id)?.ops),
    lead: n(ledBy.get(s.id)?.led),
    results: n(lineBy.get(s.id)?.results),
    officers: n(lineBy.get(s.id)?.officers),
    passed: n(auditBy.get(s.id)?.passed),
    audits: n(auditBy.get(s.id)?.audits),
    met: n(limitBy.get(s.id)?.met),
    due: n(limitBy.get(s.id)?.due),
    flags: flagsOf(s),
    incidents: n(incidentBy.get(s.id)?.c),
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
        idle: idle.rows.filter((x) => n(x.squad) === r.s.id).map((x) => ({ operationId: n(x.op), title: String(x.title), officers: n(x.officers) })),
      };
    })
    .sort((a, b) => b.score - a.score || a.squad.id - b.squad.id);
}
