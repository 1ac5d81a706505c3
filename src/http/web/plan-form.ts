import type { PlanInput } from '../../domain/operations/operation.inputs';
import { isoInZone, localToInstantIso } from '../../time';

/**
 * The plan form (an operations order, SPEC §3.1) ↔ the API's plan fields.
 * Squads take part by a checkbox per squad; forces are typed beside each.
 */
const TEXTS = [
  'title',
  'location',
  'situation',
  'mission',
  'execution',
  'command',
  'contingency',
  'goodsArrangements',
  'holdingPlan',
] as const;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)];
const num = (v: unknown): unknown =>
  v === undefined || String(v).trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : String(v);

/** A plan form post as the API's body (create: with kind and lead squad; edit: without the lead squad). */
export function formToPlan(
  body: Record<string, unknown>,
  timeZone: string,
  opts: { withLead: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body.kind !== undefined) out.kind = String(body.kind);
  if (opts.withLead && body.leadSquad !== undefined) out.leadSquad = String(body.leadSquad);
  out.group = body.group ? String(body.group) : null;
  out.hostSquad = body.hostSquad ? String(body.hostSquad) : null;
  const squads = list(body.squads);
  out.squads = squads;
  const forces = (body.forces ?? {}) as Record<string, { officers?: unknown; vehicles?: unknown }>;
  out.forces = squads.map((squad) => ({
    squad,
    officers: num(forces[squad]?.officers) ?? 0,
    vehicles: num(forces[squad]?.vehicles) ?? 0,
  }));
  for (const k of TEXTS) if (body[k] !== undefined) out[k] = String(body[k]);
  out.problemSource = body.problemSource ? String(body.problemSource) : null;
  const start = String(body.plannedStart ?? '').trim();
  // Brigade time; a time that does not exist (2026-13-45T99:99) goes on as typed, for the schema to name.
  out.plannedStart = start === '' ? null : localToInstantIso(start, timeZone);
  const hours = num(body.plannedHours);
  out.plannedHours = hours === undefined ? null : hours;
  const days = num(body.holdingDays);
  if (days !== undefined) out.holdingDays = days;
  // §3.4: the hard problems targeted; the marker says the form showed the list (none ticked then means none).
  if (body.problemsShown !== undefined)
    out.problems = list(body.problems).map((v) => (/^\d+$/.test(v) ? Number(v) : v));
  return out;
}

export interface PlanFormValues {
  kind: string;
  group: string;
  leadSquad: string;
  hostSquad: string;
  squads: string[];
  forces: Record<string, { officers: string; vehicles: string }>;
  problemSource: string;
  plannedStart: string;
  plannedHours: string;
  holdingDays: string;
  /** §3.4: ids of the hard problems targeted. */
  problems: string[];
  [text: string]: unknown;
}

/** Values to show in the form: from a stored plan (codes) or from what the user typed. */
export function planValues(plan: PlanInput, timeZone: string): PlanFormValues {
  const forces: PlanFormValues['forces'] = {};
  for (const f of plan.forces ?? []) forces[f.squad] = { officers: String(f.officers), vehicles: String(f.vehicles) };
  const values: PlanFormValues = {
    kind: plan.kind ?? 'regular',
    group: plan.group ?? '',
    leadSquad: plan.leadSquad ?? '',
    hostSquad: plan.hostSquad ?? '',
    squads: plan.squads ?? [],
    forces,
    problemSource: plan.problemSource ?? '',
    plannedStart: plan.plannedStart ? isoInZone(new Date(plan.plannedStart), timeZone).slice(0, 16) : '',
    plannedHours: plan.plannedHours === null || plan.plannedHours === undefined ? '' : String(plan.plannedHours),
    holdingDays: plan.holdingDays === undefined ? '' : String(plan.holdingDays),
    problems: (plan.problems ?? []).map(String),
  };
  for (const k of TEXTS) values[k] = (plan as Record<string, unknown>)[k] ?? '';
  return values;
}

/** What the user typed, kept as typed (a refused form shows it again). */
export function typedValues(body: Record<string, unknown>): PlanFormValues {
  const forces = (body.forces ?? {}) as Record<string, { officers?: unknown; vehicles?: unknown }>;
  const values: PlanFormValues = {
    kind: String(body.kind ?? 'regular'),
    group: String(body.group ?? ''),
    leadSquad: String(body.leadSquad ?? ''),
    hostSquad: String(body.hostSquad ?? ''),
    squads: list(body.squads),
    forces: Object.fromEntries(
      Object.entries(forces).map(([k, v]) => [
        k,
        { officers: String(v?.officers ?? ''), vehicles: String(v?.vehicles ?? '') },
      ]),
    ),
    problemSource: String(body.problemSource ?? ''),
    plannedStart: String(body.plannedStart ?? ''),
    plannedHours: String(body.plannedHours ?? ''),
    holdingDays: String(body.holdingDays ?? ''),
    problems: list(body.problems),
  };
  for (const k of TEXTS) values[k] = String(body[k] ?? '');
  return values;
}
