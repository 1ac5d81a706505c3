import type { Locale } from './index';

/** A named thing of the brigade (a squad, a group, an indicator) in the reader's language: its English name in English, else its Chinese name. */
export function localName(locale: Locale, x: { name: string; nameEn: string } | null | undefined): string {
  if (!x) return '';
  return locale === 'en' ? x.nameEn : x.name;
}
