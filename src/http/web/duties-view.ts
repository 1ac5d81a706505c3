import type { Duty } from '../../domain/inbox/duties.service';
import { type Locale, t } from '../../i18n';

/** The inbox's duties (R5, R9) as cards: what, for which group and period, until when, and where to do it. */
export function dutyItems(duties: Duty[], groups: Map<number, { code: string; name: string }>, locale: Locale) {
  return duties.map((d) => {
    const g = d.groupId !== null ? groups.get(d.groupId) : undefined;
    const group = g?.name ?? '';
    const href =
      d.recordType === 'group_plan'
        ? `/group-plans/${d.recordId}`
        : d.recordType === 'meeting'
          ? `/meetings/${d.recordId}#event-RECORD`
          : d.key === 'plan_to_file'
            ? `/group-plans/new?month=${d.period}`
            : d.key === 'hq_meeting_to_arrange'
              ? '/meetings/new?kind=hq_summary'
              : `/meetings/new?kind=group&group=${g?.code ?? ''}`;
    return {
      key: d.key,
      title: t(locale, `duty.${d.key}`, { group, period: d.period }),
      help: t(locale, `duty_help.${d.key}`),
      action: t(locale, `duty_action.${d.key}`),
      href,
      dueAt: d.dueAt,
      overdue: d.overdue,
      note: d.note,
    };
  });
}
