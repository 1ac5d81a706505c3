import type { HelperOptions } from 'handlebars';
import { DEFAULT_LOCALE, type Locale, t } from '../../src/i18n';

interface Cell {
  name?: string;
  error?: string;
}
interface StepField {
  name: string;
  label: string;
  error?: string;
  rows?: Array<Record<string, unknown> & { squadName?: string; index?: number }>;
}

const RESULT_CELLS = ['officers', 'vehicles', 'educated', 'handled', 'goodsDetained'];

/**
 * A step form's refused fields as its error summary lists them (views/partials/step-form.hbs): "label：message", linked to
 * the message beside the field, whose id is `err-<TYPE>-<name>` (a record's page has one step form per event, so the
 * event's type keeps the ids apart). The results table's cells are listed by squad. Issue 13, WCAG 3.3.1.
 */
export function stepErrors(
  fields: StepField[] | undefined,
  type: string,
  options: HelperOptions,
): Array<{ href: string; text: string }> {
  const locale = (options.data?.root?.locale ?? DEFAULT_LOCALE) as Locale;
  const out: Array<{ href: string; text: string }> = [];
  for (const f of fields ?? []) {
    if (f.error)
      out.push({
        href: `#err-${type}-${f.name}`,
        text: t(locale, 'form.field_problem', { field: f.label, problem: f.error }),
      });
    for (const row of f.rows ?? [])
      for (const k of RESULT_CELLS) {
        const cell = row[k] as Cell | undefined;
        if (!cell?.error) continue;
        const name = cell.name ?? `results[${row.index}][${k}]`;
        out.push({
          href: `#err-${type}-${name}`,
          text: t(locale, 'form.field_problem', {
            field: `${row.squadName ?? ''} ${t(locale, `field.${k}`)}`,
            problem: cell.error,
          }),
        });
      }
  }
  return out;
}
