import type { AppError } from '../../errors';
import { type Locale, t } from '../../i18n';
import { type Refusal, refusalOf as renderRefusal } from './refusal';
import type { Squad } from '../../persistence/entities';
import { type TimelineWords, wordsOf } from './timeline';
import type { StepFormState } from './step-route';
import { readJson } from '../../persistence/columns';
import { isoInZone, localToInstantIso } from '../../time';
import { localName } from '../../i18n/local-name';
import { isPhotoError, photosFieldView } from './photos-field';

/** What the hard-problem and border-notice pages share: form fields, refusals, timeline words. */

export type Prefix = 'hp' | 'bn';

export const str = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v);
export const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)];

/** A datetime-local value (brigade time) as an ISO instant; anything else as typed (for the schema to name). */
export function instantOf(v: unknown, timeZone: string): string | undefined {
  const s = str(v).trim();
  if (!s) return undefined;
  return localToInstantIso(s, timeZone);
}

export const localNow = (d: Date, timeZone: string) => isoInZone(d, timeZone).slice(0, 16);
export const squadsOf = (ids: unknown, squadById: Map<number, Squad>, locale: Locale) =>
  readJson<number[]>(ids).map((id) => localName(locale, squadById.get(id)));

export type { Refusal };

/** A hard problem's or border notice's refusal: an error of one of a list's entries (`squads.1`) is shown by the list. */
export function refusalOf(e: AppError, locale: Locale, prefix: Prefix): Refusal {
  return renderRefusal(e, locale, {
    states: `${prefix}.state`,
    stale: 'pm.form_stale',
    notAccepted: 'pm.form_not_accepted',
    fieldOf: (path) => path.replace(/\.\d+(\..*)?$/, ''),
  });
}

/** History payload fields worth showing in a timeline, with the words that label them. */
const DETAIL_FIELDS: Record<string, string> = {
  note: 'hp.field.note',
  reason: 'bn.field.reason',
  origin: 'hp.field.origin',
  outcome: 'hp.field.outcome',
  caller: 'hp.field.caller',
  intoId: 'hp.field.into',
};

/** A hard problem's or border notice's timeline words: what a step carried (the report's own fields are on the page). */
export function problemTimelineWords(locale: Locale, prefix: Prefix): TimelineWords {
  const valueOf = (field: string, v: unknown) =>
    field === 'origin'
      ? t(locale, `hp.origin.${v}`)
      : field === 'outcome'
        ? t(locale, `hp.outcome.${v}`)
        : field === 'intoId'
          ? `#${v}`
          : String(v);
  return wordsOf(prefix, (payload, event) =>
    Object.keys(DETAIL_FIELDS)
      .filter((f) => event !== 'CREATE' && payload[f] !== undefined && payload[f] !== null && payload[f] !== '')
      .map((f) => ({ label: t(locale, DETAIL_FIELDS[f]), value: valueOf(f, payload[f]) })),
  );
}

export type FieldKind = 'text' | 'textarea' | 'number' | 'datetime' | 'select';

export interface StepFieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
  options?: readonly string[];
  labelPrefix?: string;
}

/** One step form of a hard problem's or border notice's page (views/partials/step-form.hbs): its fields with what was typed (kept on a refusal) and the errors beside them. */
export function stepForm(
  o: {
    type: string;
    prefix: Prefix;
    action: string;
    tone: string;
    fields: StepFieldSpec[];
    version: number;
    defaults?: Record<string, string>;
    /** Issue 13: the step takes evidence photos. */
    photos?: boolean;
  },
  locale: Locale,
  form?: StepFormState,
) {
  const mine = form?.type === o.type ? form : undefined;
  return {
    type: o.type,
    action: o.action,
    label: t(locale, `${o.prefix}.event.${o.type}`),
    help: t(locale, `${o.prefix}.event_help.${o.type}`),
    tone: o.tone,
    open: mine !== undefined,
    expectedVersion: o.version,
    photos: o.photos ? photosFieldView(locale, mine?.values, mine?.refusal.errors) : null,
    error: mine
      ? Object.entries(mine.refusal.errors)
          .filter(([k]) => !o.fields.some((f) => f.name === k))
          .filter(([k]) => !(o.photos && isPhotoError(k)))
          .map(([, v]) => v)
          .join(' ')
      : '',
    fields: o.fields.map((f) => {
      const typed = mine ? str(mine.values[f.name]) : undefined;
      const value = typed ?? o.defaults?.[f.name] ?? '';
      return {
        ...f,
        [`is_${f.kind}`]: true,
        label: t(locale, `${o.prefix}.field.${f.name}`),
        value,
        error: mine?.refusal.errors[f.name],
        // A text is a name or a title (200 characters at most); a number names a record (an id, from 1).
        maxlength: f.kind === 'text' ? 200 : undefined,
        min: f.kind === 'number' ? 1 : undefined,
        blank: f.kind === 'select' ? t(locale, 'form.choose') : undefined,
        options: (f.options ?? []).map((v) => ({
          value: v,
          label: t(locale, `${f.labelPrefix}${v}`),
          selected: v === value,
        })),
      };
    }),
  };
}
