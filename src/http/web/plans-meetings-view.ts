import type { Services } from '../../container';
import { AppError, EventNotAcceptedError, ForbiddenError, StaleVersionError } from '../../errors';
import { describeFieldProblem, type Locale, t } from '../../i18n';
import type { WorkflowHistory } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** What the plan and meeting pages share: refusals as forms show them, timelines, squad names. */

export interface Refusal {
  errors: Record<string, string>;
  banner: { kind: 'error' | 'warning'; text: string };
}

/**
 * A refusal as a form shows it: a message beside each named field and a banner
 * saying what happened — someone acted first (stale), the record moved on, the
 * user may not, or what to fix. `prefix` names the record's state words,
 * `messages` where its stale / not-accepted banners are.
 */
export function refusalOf(e: AppError, locale: Locale, prefix: string, messages = 'pm'): Refusal {
  const errors: Record<string, string> = {};
  for (const [field, code] of Object.entries(e.fields)) errors[field] = describeFieldProblem(locale, code);
  for (const p of e.problems) if (p.field) errors[p.field] = describeFieldProblem(locale, p.code, p.params);
  if (e instanceof StaleVersionError) return { errors, banner: { kind: 'warning', text: t(locale, `${messages}.form_stale`, { state: t(locale, `${prefix}.state.${e.currentState}`) }) } };
  if (e instanceof EventNotAcceptedError) return { errors, banner: { kind: 'warning', text: t(locale, `${messages}.form_not_accepted`, { state: t(locale, `${prefix}.state.${e.currentState}`) }) } };
  if (e instanceof ForbiddenError) return { errors, banner: { kind: 'error', text: t(locale, `reason.${e.reason}`) } };
  const general = e.problems.filter((p) => !p.field).map((p) => describeFieldProblem(locale, p.code, p.params));
  return { errors, banner: { kind: 'error', text: [t(locale, 'form.fix_fields'), ...general].join(' ') } };
}


/** A step's details worth showing in a timeline (by default its reason). */
type StepDetails = (payload: Record<string, unknown>, event: string) => Array<{ label: string; value: string }>;

/** A record's history, newest first, with who did what and why; `prefix` names its state and step words. */
export async function timelineOf(services: Services, history: WorkflowHistory[], locale: Locale, timeZone: string, prefix: string, details?: StepDetails) {
  const reasonOnly: StepDetails = (payload) => (typeof payload.reason === 'string' && payload.reason !== '' ? [{ label: t(locale, 'field.reason'), value: payload.reason }] : []);
  const ids = [...new Set(history.map((h) => h.actorUserId).filter((x): x is number => x !== null))];
  const people = new Map((await services.org.usersByIds(ids)).map((u) => [u.id, u]));
  return history
    .slice()
    .reverse()
    .map((h) => {
      const payload = (h.payload ?? {}) as Record<string, unknown>;
      return {
        seq: h.seq,
        event: h.event,
        label: t(locale, `${prefix}.event_done.${h.event}`),
        from: h.fromState ? t(locale, `${prefix}.state.${h.fromState}`) : '',
        to: t(locale, `${prefix}.state.${h.toState}`),
        changed: h.fromState !== h.toState,
        actor: h.actorUserId === null ? t(locale, 'role.system') : (people.get(h.actorUserId)?.displayName ?? h.actorName),
        role: h.actorRole,
        at: isoInZone(h.at, timeZone).slice(0, 16).replace('T', ' '),
        details: (details ?? reasonOnly)(payload, h.event),
      };
    });
}
