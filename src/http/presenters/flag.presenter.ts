import type { z } from 'zod';
import { FLAG_STATUSES } from '../schemas/oversight.schema';
import { RAISED_FLAG_KINDS, type flag } from '../schemas/responses/oversight.response';
import { jsonObject, oneOf } from './narrow';
import { formatRecordNo } from '../../domain/numbering/record-number';
import { type Locale, t } from '../../i18n';
import type { Flag } from '../../persistence/entities';
import type { FlagNames } from '../../domain/oversight/oversight.read-models';
import { isoInZone } from '../../time';
import { localName } from '../../i18n/local-name';

export type { FlagNames };

interface OpFigure {
  id: number;
  /** The brigade's number of the plan (flags raised before numbers had none). */
  no?: { year: number; seq: number } | null;
  title: string;
  hours: number | null;
  reason?: string;
}

const hours = (h: number | null) => (h === null ? '—' : String(h));

/**
 * A flag in one sentence, with the figures behind it (SPEC §4), e.g. "1 of 2
 * qualifying operations: #123 (5 h); #130 did not count: 3.5 h".
 */
export function flagSentence(f: Flag, locale: Locale, names: FlagNames): string {
  const fig = (f.figures ?? {}) as Record<string, unknown>;
  const group = f.groupId !== null ? names.groups.get(f.groupId) : undefined;
  const groupName = localName(locale, group);
  switch (f.kind) {
    case 'monthly_minimum':
    case 'early_warning': {
      // Each operation by the brigade's number of its plan and its title (database ids stay internal).
      const name = (o: OpFigure) => `${formatRecordNo(o.no, locale)} ${o.title}`.trim();
      const counted = ((fig.counted ?? []) as OpFigure[]).map((o) =>
        t(locale, 'flag.op_counted', { name: name(o), hours: hours(o.hours) }),
      );
      const notCounted = ((fig.notCounted ?? []) as OpFigure[]).map((o) =>
        t(locale, 'flag.op_not_counted', {
          name: name(o),
          why: t(locale, `compliance.reason_${o.reason}`, { hours: hours(o.hours) }),
        }),
      );
      const head =
        f.kind === 'monthly_minimum'
          ? t(locale, 'flag.monthly_minimum', {
              group: groupName,
              qualifying: Number(fig.qualifying ?? 0),
              minimum: Number(fig.minimum ?? 2),
            })
          : t(locale, 'flag.early_warning', {
              group: groupName,
              qualifying: Number(fig.qualifying ?? 0),
              coming: ((fig.stillToCome ?? []) as number[]).length,
              minimum: Number(fig.minimum ?? 2),
            });
      return [head, ...counted, ...notCounted].join(locale === 'en' ? '; ' : '；');
    }
    case 'audit_overdue':
      return t(locale, 'flag.audit_overdue', {
        id: Number(fig.operation ?? f.recordId),
        title: String(fig.title ?? ''),
        late: Number(fig.hoursLate ?? 0),
      });
    case 'time_limit':
      return t(locale, 'flag.time_limit', {
        id: Number(fig.record ?? f.recordId),
        title: String(fig.title ?? ''),
        limit: t(locale, `limit.${String(fig.limit)}`),
        late: Number(fig.hoursLate ?? 0),
      });
    default:
      return t(locale, `flag.${f.kind}`, {
        group: groupName,
        ...Object.fromEntries(Object.entries(fig).filter(([, v]) => typeof v !== 'object')),
      });
  }
}

/** Where a flag points: the operation it is about, or the group's month in the compliance view. */
export function flagLink(f: Flag, names: FlagNames): string | null {
  if (f.recordType === 'operation' && f.recordId) return `/operations/${f.recordId}`;
  if (f.recordType === 'hard_problem' && f.recordId) return `/problems/${f.recordId}`;
  if (f.recordType === 'goods' && f.recordId) return `/goods/${f.recordId}`;
  if (f.recordType === 'case_transfer' && f.recordId) return `/transfers/${f.recordId}`;
  const group = f.groupId !== null ? names.groups.get(f.groupId) : undefined;
  if (group && /^\d{4}-\d{2}$/.test(f.period)) return `/compliance/${group.code}/${f.period}`;
  return null;
}

export function presentFlag(f: Flag, locale: Locale, tz: string, names: FlagNames): z.output<typeof flag> {
  const at = (d: Date | null) => (d ? isoInZone(d, tz) : null);
  return {
    id: f.id,
    rule: f.rule,
    kind: oneOf(RAISED_FLAG_KINDS, f.kind),
    period: f.period,
    group: f.groupId !== null ? (names.groups.get(f.groupId)?.code ?? null) : null,
    squad: f.squadId !== null ? (names.squads.get(f.squadId)?.code ?? null) : null,
    record: f.recordType ? { type: f.recordType, id: f.recordId } : null,
    status: oneOf(FLAG_STATUSES, f.status),
    summary: flagSentence(f, locale, names),
    figures: f.figures === null || f.figures === undefined ? null : jsonObject(f.figures),
    raisedAt: at(f.raisedAt),
    lastCheckedAt: at(f.lastCheckedAt),
    resolvedAt: at(f.resolvedAt),
    resolvedBy: f.resolvedBy !== null ? (names.users.get(f.resolvedBy)?.username ?? null) : null,
    resolutionNote: f.resolutionNote,
  };
}
