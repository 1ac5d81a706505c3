import { DEFAULT_LOCALE, DICTIONARIES, type Locale, t } from '../../i18n';
import type { NotificationParams } from './notification.transport';
import { formatRecordNo } from '../numbering/record-number';
import { localName } from '../../i18n/local-name';

/** The flag kinds the jobs raise (src/jobs/), each with its own sentence. */
export const FLAG_KINDS = [
  'monthly_minimum',
  'early_warning',
  'audit_overdue',
  'time_limit',
  'plan_missing',
  'meeting_missing',
  'hq_meeting_missing',
] as const;

/**
 * A notification in words, in the reader's language: its line ("计划已报备：#12
 * 中山东一路…") and what the event carried worth reading beside it (a reason,
 * a rectification). Transports that send text (e-mail, SMS) use it too.
 */
export function notificationText(
  locale: Locale,
  topic: string,
  params: NotificationParams,
): { text: string; note: string | null } {
  const note =
    typeof params.note === 'string' && params.note ? t(locale, 'notification.note', { note: params.note }) : null;
  if (topic === 'flag.raised') {
    const name = (n: { name: string; nameEn: string } | null | undefined) => localName(locale, n);
    const subject = params.record
      ? `#${params.record.id} ${params.record.title}`.trim()
      : name(params.squad) || name(params.group);
    const key = DICTIONARIES[DEFAULT_LOCALE][`notification.flag.${params.kind}`]
      ? `notification.flag.${params.kind}`
      : 'notification.flag.other';
    return { text: t(locale, key, { subject, period: params.period ?? '', rule: params.rule ?? '' }), note };
  }
  if (topic.startsWith('group_plan.') || topic.startsWith('meeting.')) {
    const group = localName(locale, params.group);
    const key =
      topic.startsWith('meeting.') && params.meetingKind === 'hq_summary'
        ? `notification.${topic}_hq`
        : `notification.${topic}`;
    return { text: t(locale, key, { group, period: params.period ?? '' }), note };
  }
  if (topic.startsWith('problem.') || topic.startsWith('border_notice.')) {
    return { text: t(locale, `notification.${topic}`, { id: params.recordId ?? '', title: params.title ?? '' }), note };
  }
  if (topic.startsWith('case_transfer.'))
    return { text: t(locale, `notification.${topic}`, { reference: params.reference ?? '' }), note };
  const key = DICTIONARIES[DEFAULT_LOCALE][`notification.${topic}`] ? `notification.${topic}` : 'notification.other';
  // An operation by the brigade's number of its plan and its title (database ids stay internal).
  const name = `${formatRecordNo(params.number, locale)} ${params.title ?? ''}`.trim();
  return { text: t(locale, key, { id: params.operationId ?? '', title: params.title ?? '', name, topic }), note };
}
