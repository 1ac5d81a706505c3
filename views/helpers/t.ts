import type { HelperOptions } from 'handlebars';
import { type Locale, t as translate, DICTIONARIES, DEFAULT_LOCALE } from '../../src/i18n';

/**
 * `{{t "nav.inbox"}}`, `{{t "problem.too_few_squads" min=2}}`, or `{{t (concat "state." state)}}`.
 * A key missing from the dictionaries renders as ⟦key⟧ so it is seen (tests look for it).
 */
export function t(this: unknown, key: string, options: HelperOptions): string {
  const locale = (options.data?.root?.locale ?? DEFAULT_LOCALE) as Locale;
  if (!DICTIONARIES[DEFAULT_LOCALE][key]) return `⟦${key}⟧`;
  return translate(locale, key, options.hash ?? {});
}
