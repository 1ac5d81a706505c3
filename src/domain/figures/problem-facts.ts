import type { EntityManager } from 'typeorm';
import { readJson, readRequiredDate } from '../../persistence/sql';
import type { FactSource, Facts } from './facts';
import { problemReportRows, problemRows, resolutionStepRows } from './facts.queries';
import type { FigureScope } from './scope';

/**
 * R15 (化解难点顽症): hard problems resolved — those whose last resolution in
 * the period was not followed by a rebound within it (SPEC §3.4: "resolved and
 * not reopened within the period"); and problems reported. Per month here (for
 * the charts); the figures view counts the resolved over each whole period, as
 * months do not add up (resolved in January and again in March is one). A
 * problem belongs to a scope when a squad at its border is of the scope.
 */

interface Step {
  problemId: number;
  title: string;
  event: string;
  at: Date;
  historyId: number;
}

/** The problems of the brigade in the scope, by id (their squads at the border are JSON text). */
export async function problemsInScope(m: EntityManager, scope: FigureScope): Promise<Map<number, string>> {
  const rows = await problemRows(m, scope.brigadeId);
  let squads: number[] | null = null;
  if (scope.kind === 'squad') squads = [scope.squad.id];
  if (scope.kind === 'group') squads = [...scope.squadIds];
  const out = new Map<number, string>();
  const inScope = squads;
  for (const r of rows)
    if (!inScope || readJson<number[]>(r.squad_ids).some((s) => inScope.includes(s))) out.set(Number(r.id), r.title);
  return out;
}

/** RESOLVE and REBOUND steps of the scope's problems in [from, to), oldest first (`known`: the scope's problems, if already read). */
export async function resolutionSteps(
  m: EntityManager,
  scope: FigureScope,
  from: Date,
  to: Date,
  known?: Map<number, string>,
): Promise<Step[]> {
  const problems = known ?? (await problemsInScope(m, scope));
  if (!problems.size) return [];
  const rows = await resolutionStepRows(m, scope.brigadeId, from, to);
  return rows.flatMap((r) => {
    const title = problems.get(Number(r.instance_id));
    if (title === undefined) return [];
    return [
      {
        problemId: Number(r.instance_id),
        title,
        event: r.event,
        at: readRequiredDate(r.at, 'workflow_history.at'),
        historyId: Number(r.id),
      },
    ];
  });
}

/** The resolutions that held within [from, to): each problem's last step there is a RESOLVE. */
export function heldResolutions(steps: Step[]): Step[] {
  const last = new Map<number, Step>();
  for (const s of steps) last.set(s.problemId, s);
  return [...last.values()].filter((s) => s.event === 'RESOLVE');
}

export const problemFacts: FactSource = {
  name: 'hard_problems',
  cacheable: false,
  queries: [problemRows, resolutionStepRows, problemReportRows],
  load: async ({ m, scope, bounds }) => {
    const out: Facts[] = [];
    const problems = await problemsInScope(m, scope);
    const reported = problems.size
      ? (await problemReportRows(m, scope.brigadeId, bounds[0], bounds[bounds.length - 1])).filter((r) =>
          problems.has(Number(r.id)),
        )
      : [];
    const steps = await resolutionSteps(m, scope, bounds[0], bounds[bounds.length - 1], problems);
    for (let i = 0; i < bounds.length - 1; i++) {
      const [from, to] = [bounds[i], bounds[i + 1]];
      const inBucket = (d: Date) => d >= from && d < to;
      out.push({
        problems_resolved: heldResolutions(steps.filter((s) => inBucket(s.at))).length,
        problems_reported: reported.filter((r) =>
          inBucket(readRequiredDate(r.reported_at, 'hard_problems.reported_at')),
        ).length,
      });
    }
    return out;
  },
};
