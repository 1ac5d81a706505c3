import type { HelperOptions } from 'handlebars';
import { isoInZone } from '../../src/time';

/** `{{datetime value}}`: an instant as `YYYY-MM-DD HH:mm` in the brigade's time zone (empty for none). */
export function datetime(value: unknown, options: HelperOptions): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return '';
  return isoInZone(d, options.data?.root?.timeZone ?? 'Asia/Shanghai')
    .slice(0, 16)
    .replace('T', ' ');
}
