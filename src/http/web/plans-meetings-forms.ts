import { isoInZone, localToInstantIso } from '../../time';

/**
 * The monthly plan and meeting forms ↔ the API's bodies. A form post becomes
 * the very body the API takes, so the same zod schema checks both; bad values
 * are passed on as they are, for the schema to name.
 */

type Body = Record<string, unknown>;

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v);
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)];
/** One entry per non-empty line (targets, decisions, people present). */
export const lines = (v: unknown): string[] =>
  str(v)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
const blankToUndefined = (v: unknown) => (str(v).trim() === '' ? undefined : str(v).trim());
const blankToNull = (v: unknown) => (str(v).trim() === '' ? null : str(v).trim());

/** A datetime-local value (brigade time) as an ISO instant; anything else (2026-02-30T10:00 too) as typed. */
export function instantOf(v: unknown, timeZone: string): string | undefined {
  const s = str(v).trim();
  if (!s) return undefined;
  return localToInstantIso(s, timeZone);
}

/** An instant as a datetime-local value in brigade time. */
export const localInput = (iso: string | null | undefined, timeZone: string) =>
  iso ? isoInZone(new Date(iso), timeZone).slice(0, 16) : '';

const ROW_FIELDS = ['date', 'title', 'leadSquad', 'location', 'problemSource', 'operation'] as const;
export type PlanRow = Record<(typeof ROW_FIELDS)[number], string>;

/** The rows of the schedule as typed, without the rows left empty (so the n-th row is the n-th planned operation). */
export function typedRows(body: Body): PlanRow[] {
  const raw = body.operations;
  const rows = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? Object.keys(raw as object)
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => (raw as Body)[k])
      : [];
  return rows
    .map((r) => Object.fromEntries(ROW_FIELDS.map((f) => [f, str((r as Body | undefined)?.[f])])) as PlanRow)
    .filter((r) => r.date.trim() || r.title.trim() || r.location.trim() || r.operation.trim());
}

/** A plan form post as the API's body (new: with group and month). */
export function formToGroupPlan(body: Body, opts: { withGroupMonth: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.withGroupMonth) {
    out.group = str(body.group);
    out.month = str(body.month).trim();
  }
  out.targets = lines(body.targets);
  out.operations = typedRows(body).map((r) => {
    const operation = blankToUndefined(r.operation);
    return {
      date: blankToUndefined(r.date),
      title: blankToUndefined(r.title),
      leadSquad: blankToNull(r.leadSquad),
      location: r.location.trim(),
      problemSource: blankToNull(r.problemSource),
      operation: operation === undefined ? null : /^\d+$/.test(operation) ? Number(operation) : operation,
    };
  });
  out.notes = str(body.notes);
  return out;
}

/** A meeting's arrangements form as the API's body (new: with kind and group). */
export function formToMeeting(
  body: Body,
  timeZone: string,
  opts: { withKind: boolean; isGroup: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.withKind) {
    out.kind = str(body.kind);
    if (opts.isGroup) out.group = str(body.group);
  }
  out.plannedStart = instantOf(body.plannedStart, timeZone);
  out.place = str(body.place);
  out.agenda = str(body.agenda);
  if (opts.isGroup) {
    out.convenerSquad = blankToNull(body.convenerSquad);
    out.convenerReason = blankToNull(body.convenerReason);
  }
  return out;
}

/** A meeting step's form as the API's event body. */
export function formToMeetingEvent(type: string, body: Body, timeZone: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type,
    expectedVersion: /^\d+$/.test(str(body.expectedVersion)) ? Number(body.expectedVersion) : str(body.expectedVersion),
  };
  if (type === 'RECORD') {
    const heldAt = instantOf(body.heldAt, timeZone);
    if (heldAt) out.heldAt = heldAt;
    out.attendeeSquads = list(body.attendeeSquads);
    out.attendees = lines(body.attendees);
    out.minutes = str(body.minutes);
    out.decisions = lines(body.decisions);
  }
  if (type === 'CANCEL') out.reason = str(body.reason);
  return out;
}

/** A plan step's form as the API's event body. */
export function formToPlanEvent(type: string, body: Body): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type,
    expectedVersion: /^\d+$/.test(str(body.expectedVersion)) ? Number(body.expectedVersion) : str(body.expectedVersion),
  };
  if (type === 'RETURN') out.reason = str(body.reason);
  return out;
}
