import type { Services } from '../../container';
import type { AppError } from '../../errors';
import { type Locale, t } from '../../i18n';
import { type Refusal, refusalOf as renderRefusal } from './refusal';
import type { WorkflowHistory } from '../../persistence/entities';
import { isoInZone } from '../../time';

/** What the plan and meeting pages share: refusals as forms show them, timelines, squad names. */

export type { Refusal };

/** A plan's, meeting's, goods item's or transfer's refusal (`prefix` names its state words, `messages` where its banners are). */
export function refusalOf(e: AppError, locale: Locale, prefix: string, messages = 'pm'): Refusal {
  return renderRefusal(e, locale, { states: `${prefix}.state`, stale: `${messages}.form_stale`, notAccepted: `${messages}.form_not_accepted` });
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
