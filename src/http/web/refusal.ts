import { AppError, EventNotAcceptedError, ForbiddenError, StaleVersionError } from '../../errors';
import { describeFieldProblem, type Locale, t } from '../../i18n';

/** A refusal as a form shows it: a message beside each named field, and a banner saying what happened. */
export interface Refusal {
  errors: Record<string, string>;
  banner: { kind: 'error' | 'warning'; text: string };
}

/** The words a record's forms use for a refusal: its state names, and its "someone acted first" / "the record moved on" banners. */
export interface RefusalWords {
  /** Key prefix of the record's state names (`state` → `state.draft`, `hp.state` → `hp.state.open`). */
  states: string;
  /** Banner keys, each given `{ state }`. */
  stale: string;
  notAccepted: string;
  /** Which form field a validation error's path belongs to (default: the path itself). */
  fieldOf?: (path: string) => string;
}

/**
 * The web's one refusal renderer: messages beside the fields, and a banner —
 * someone acted first (stale), the record moved on, the user may not (the
 * domain's reason), or what to fix.
 */
export function refusalOf(e: AppError, locale: Locale, words: RefusalWords): Refusal {
  const errors: Record<string, string> = {};
  const fieldOf = words.fieldOf ?? ((path: string) => path);
  for (const [field, code] of Object.entries(e.fields)) errors[fieldOf(field)] = describeFieldProblem(locale, code);
  for (const p of e.problems) if (p.field) errors[p.field] = describeFieldProblem(locale, p.code, p.params);
  if (e instanceof StaleVersionError)
    return {
      errors,
      banner: {
        kind: 'warning',
        text: t(locale, words.stale, { state: t(locale, `${words.states}.${e.currentState}`) }),
      },
    };
  if (e instanceof EventNotAcceptedError)
    return {
      errors,
      banner: {
        kind: 'warning',
        text: t(locale, words.notAccepted, { state: t(locale, `${words.states}.${e.currentState}`) }),
      },
    };
  if (e instanceof ForbiddenError) return { errors, banner: { kind: 'error', text: t(locale, `reason.${e.reason}`) } };
  const general = e.problems.filter((p) => !p.field).map((p) => describeFieldProblem(locale, p.code, p.params));
  return { errors, banner: { kind: 'error', text: [t(locale, 'form.fix_fields'), ...general].join(' ') } };
}
