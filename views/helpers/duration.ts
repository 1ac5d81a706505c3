import type { HelperOptions } from 'handlebars';
import { type Locale, t } from '../../src/i18n';

/** `{{duration ms}}`: a span such as "2 天 3 小时" / "2 d 3 h", "5 分钟" for short ones, "不到 1 分钟" for the shortest. */
export function duration(ms: unknown, options: HelperOptions): string {
  const locale = (options.data?.root?.locale ?? 'zh-CN') as Locale;
  const total = Math.max(0, Math.round(Number(ms) / 60_000));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (total === 0) return t(locale, 'time.under_a_minute');
  if (days) return t(locale, 'time.days_hours', { days, hours });
  if (hours) return t(locale, 'time.hours_minutes', { hours, minutes });
  return t(locale, 'time.minutes', { minutes });
}
