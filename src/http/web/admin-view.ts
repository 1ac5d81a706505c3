import type { AdminGroup, AdminSquad, AdminUser } from '../../domain/org/admin.service';
import { AppError, ForbiddenError } from '../../errors';
import { describeFieldProblem, type Locale, t } from '../../i18n';
import { SQUAD_KINDS } from '../../../workflows/shared/org';
import { ROLES } from '../../../workflows/shared/actor';
import { localName } from '../../i18n/local-name';

/**
 * The administration forms ↔ the API's bodies, and what the pages show.
 * A form post becomes the very body the API takes, so both are validated alike.
 */

type Body = Record<string, unknown>;

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v);
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)];
const num = (v: unknown): unknown =>
  str(v).trim() === '' ? undefined : Number.isFinite(Number(v)) ? Number(v) : str(v);
const squadOrNull = (v: unknown): string | null => (str(v).trim() === '' ? null : str(v).trim());

export function formToNewUser(b: Body) {
  return {
    username: str(b.username).trim(),
    displayName: str(b.displayName),
    roles: list(b.roles),
    squad: squadOrNull(b.squad),
    password: str(b.password),
  };
}

export function formToUserPatch(b: Body) {
  return { displayName: str(b.displayName), squad: squadOrNull(b.squad), roles: list(b.roles) };
}

export function formToNewSquad(b: Body) {
  return {
    code: str(b.code).trim(),
    name: str(b.name),
    nameEn: str(b.nameEn),
    kind: str(b.kind),
    dutyStrength: num(b.dutyStrength),
  };
}

export function formToSquadPatch(b: Body) {
  return {
    name: str(b.name),
    nameEn: str(b.nameEn),
    kind: str(b.kind),
    dutyStrength: num(b.dutyStrength),
    active: str(b.active) !== '0',
  };
}

/** Members come as one select per position; empty positions are skipped, the order kept. */
export function formToGroup(b: Body, withCode: boolean) {
  const squads = list(b.squads)
    .map((s) => s.trim())
    .filter(Boolean);
  return withCode
    ? { code: str(b.code).trim(), name: str(b.name), nameEn: str(b.nameEn), squads }
    : { name: str(b.name), nameEn: str(b.nameEn), squads };
}

const TEXT_FIELDS = [
  'username',
  'displayName',
  'squad',
  'code',
  'name',
  'nameEn',
  'kind',
  'dutyStrength',
  'active',
] as const;

/** What a form shows in its fields. */
export type FormValues = Partial<Record<(typeof TEXT_FIELDS)[number], string>> & { roles: string[]; squads: string[] };

/** What the user typed, as strings to show again (never a password). */
export function typed(b: Body): FormValues {
  const out: FormValues = { roles: list(b.roles), squads: list(b.squads) };
  for (const k of TEXT_FIELDS) if (b[k] !== undefined) out[k] = str(b[k]);
  return out;
}

/** A refusal as the form shows it: a message beside each named field, and a banner. */
export function refusal(
  e: AppError,
  locale: Locale,
): { errors: Record<string, string>; banner: { kind: 'error'; text: string } } {
  const errors: Record<string, string> = {};
  for (const [field, code] of Object.entries(e.fields))
    errors[field.replace(/\.\d+$/, '')] = describeFieldProblem(locale, code);
  for (const p of e.problems) if (p.field) errors[p.field] = describeFieldProblem(locale, p.code, p.params);
  if (e instanceof ForbiddenError) return { errors, banner: { kind: 'error', text: t(locale, `reason.${e.reason}`) } };
  const general = e.problems.filter((p) => !p.field).map((p) => describeFieldProblem(locale, p.code, p.params));
  return { errors, banner: { kind: 'error', text: [t(locale, 'form.fix_fields'), ...general].join(' ') } };
}

export function roleOptions(locale: Locale, checked: string[]) {
  return ROLES.map((r) => ({ value: r, label: t(locale, `role.${r}`), checked: checked.includes(r) }));
}

/** Squads a user may be put in: those in use, and the one they are in (even if no longer in use). */
export function squadOptions(squads: AdminSquad[], locale: Locale, selected: string, current: string | null = null) {
  return squads
    .filter((s) => s.active || s.code === current)
    .map((s) => ({
      value: s.code,
      label: `${localName(locale, s)}${s.active ? '' : ` (${t(locale, 'admin.disabled')})`}`,
      selected: s.code === selected,
    }));
}

export function kindOptions(locale: Locale, selected: string) {
  return SQUAD_KINDS.map((k) => ({ value: k, label: t(locale, `squad_kind.${k}`), selected: k === selected }));
}

export function userRow(u: AdminUser, locale: Locale) {
  return {
    username: u.username,
    displayName: u.displayName,
    roles: u.roles.map((r) => t(locale, `role.${r}`)).join('、'),
    squad: u.squad ? localName(locale, u.squad) : '',
    active: u.active,
  };
}

export function squadRow(s: AdminSquad, locale: Locale) {
  return {
    code: s.code,
    name: s.name,
    nameEn: s.nameEn,
    label: localName(locale, s),
    kind: t(locale, `squad_kind.${s.kind}`),
    group: s.group ? localName(locale, s.group) : '',
    memberOrder: s.memberOrder,
    dutyStrength: s.dutyStrength,
    active: s.active,
  };
}

/**
 * One select per member position (R9: the order is the conveners' rotation):
 * as many as a group may have, or more if more were typed.
 */
export function memberPositions(
  squads: AdminSquad[],
  group: AdminGroup | null,
  chosen: string[],
  max: number,
  locale: Locale,
) {
  const count = Math.max(max, chosen.length);
  const options = squads.filter((s) => s.active || chosen.includes(s.code));
  return Array.from({ length: count }, (_, i) => ({
    position: i + 1,
    options: options.map((s) => ({
      value: s.code,
      label: `${localName(locale, s)}${s.group && s.group.code !== group?.code ? ` — ${t(locale, 'admin.in_group', { group: localName(locale, s.group) })}` : ''}`,
      selected: chosen[i] === s.code,
    })),
  }));
}
