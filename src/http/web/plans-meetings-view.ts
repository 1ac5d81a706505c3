import type { AppError } from '../../errors';
import type { Locale } from '../../i18n';
import { type Refusal, refusalOf as renderRefusal } from './refusal';

/** What the plan, meeting, goods and transfer pages share: refusals as forms show them. */

export type { Refusal };

/** A plan's, meeting's, goods item's or transfer's refusal (`prefix` names its state words, `messages` where its banners are). */
export function refusalOf(e: AppError, locale: Locale, prefix: string, messages = 'pm'): Refusal {
  return renderRefusal(e, locale, {
    states: `${prefix}.state`,
    stale: `${messages}.form_stale`,
    notAccepted: `${messages}.form_not_accepted`,
  });
}
