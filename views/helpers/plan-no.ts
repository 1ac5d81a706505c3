import type { HelperOptions } from 'handlebars';
import { DEFAULT_LOCALE, type Locale, t } from '../../src/i18n';
import { formatRecordNo } from '../../src/domain/numbering/record-number';

/**
 * `{{planNo numberYear numberSeq}}`: the brigade's number of a plan (〔2026〕第 12 号 / No. 12/2026),
 * or nothing for a draft never filed — database ids stay internal. `kind="detention_list"`
 * writes a detention list's number (暂扣〔2026〕第 5 号).
 */
export function planNo(this: unknown, year: unknown, seq: unknown, options: HelperOptions): string {
  const locale = (options.data?.root?.locale ?? DEFAULT_LOCALE) as Locale;
  if (year === null || year === undefined || seq === null || seq === undefined || year === '' || seq === '') return '';
  const kind = options.hash?.kind as string | undefined;
  return formatRecordNo({ year: Number(year), seq: Number(seq) }, locale, kind ? t(locale, `numbering.${kind}`) : '');
}
