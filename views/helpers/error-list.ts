import type { HelperOptions } from 'handlebars';
import { DEFAULT_LOCALE, DICTIONARIES, type Locale, t } from '../../src/i18n';

/**
 * A refused form's errors as its summary lists them (views/partials/error-summary.hbs): each linked to the message beside
 * its field (`#err-<path>`, the id field-error.hbs gives it) and named by the field's label where the dictionary has one
 * (`operations.2.date` → "日期 3：…"). Issue 13, WCAG 3.3.1.
 */
export function errorList(
  errors: Record<string, string | undefined> | undefined,
  options: HelperOptions,
): Array<{ id: string; text: string }> {
  const locale = (options.data?.root?.locale ?? DEFAULT_LOCALE) as Locale;
  return Object.entries(errors ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([path, problem]) => {
      const parts = path.split('.');
      const names = parts.filter((p) => !/^\d+$/.test(p));
      const row = parts.find((p) => /^\d+$/.test(p));
      const key = [names.at(-1), names[0]].map((n) => `field.${n}`).find((k) => DICTIONARIES[DEFAULT_LOCALE][k]);
      const field = key ? `${t(locale, key)}${row === undefined ? '' : ` ${Number(row) + 1}`}` : null;
      return { id: `err-${path}`, text: field ? t(locale, 'form.field_problem', { field, problem }) : problem };
    });
}
