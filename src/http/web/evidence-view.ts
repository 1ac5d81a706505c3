import { type Locale, t } from '../../i18n';
import { isoInZone } from '../../time';
import type { AttachedFile } from '../../domain/files/files.service';

/**
 * A record's evidence as its pages show it (issue 13): thumbnails opening the
 * file at full size, "拍摄于 …" under each, a photo taken long before its step
 * marked, and for print a list (name, kind, taken at, SHA-256 prefix) instead
 * of pictures. The same items are shown in the timeline beside the step that
 * attached them and, for the audit forms, holding's photos by day.
 */

export interface EvidenceItem {
  id: string;
  /** Its number on the record's page (照片 3), in the order attached. */
  n: number;
  href: string;
  thumb: string;
  isImage: boolean;
  alt: string;
  name: string;
  kind: string;
  takenAt: string;
  takenLabel: string;
  /** "拍摄时间早于登记 3 天" for a photo taken long before its step; null otherwise. */
  longBefore: string | null;
  sha: string;
  size: string;
}

const DAY_MS = 86_400_000;
const minute = (d: Date | string, timeZone: string) => isoInZone(new Date(d), timeZone).slice(0, 16).replace('T', ' ');

/** A size as people read it (KB below a megabyte, MB above). */
function sizeOf(bytes: number): string {
  return bytes < 1_048_576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** The kind of a file in words (its content type, judged from its content by the server). */
function kindOf(locale: Locale, contentType: string): string {
  if (contentType === 'application/pdf') return t(locale, 'evidence.kind_pdf');
  return t(locale, 'evidence.kind_image', { format: contentType.replace(/^image\//, '').toUpperCase() });
}

/** The evidence of a record, in the order attached, as the partials show it. */
export function evidenceItems(files: readonly AttachedFile[], locale: Locale, timeZone: string): EvidenceItem[] {
  return files.map((f, i) => {
    const n = i + 1;
    const isImage = f.contentType.startsWith('image/');
    const takenAt = f.takenAt ? minute(f.takenAt, timeZone) : '';
    const days = f.takenAt
      ? Math.floor((new Date(f.attachedAt).getTime() - new Date(f.takenAt).getTime()) / DAY_MS)
      : 0;
    const name = f.originalName || `${f.sha256.slice(0, 12)}`;
    return {
      id: f.id,
      n,
      href: `/files/${encodeURIComponent(f.id)}`,
      thumb: `/files/${encodeURIComponent(f.id)}/thumbnail`,
      isImage,
      alt: isImage
        ? takenAt
          ? t(locale, 'evidence.photo_alt', { n, time: takenAt })
          : t(locale, 'evidence.photo_alt_untimed', { n })
        : t(locale, 'evidence.file_alt', { n, name }),
      name,
      kind: kindOf(locale, f.contentType),
      takenAt,
      takenLabel: takenAt ? t(locale, 'evidence.taken_at', { time: takenAt }) : t(locale, 'evidence.taken_unknown'),
      longBefore: f.takenLongBefore ? t(locale, 'evidence.taken_long_before', { days: Math.max(1, days) }) : null,
      sha: f.sha256.slice(0, 12),
      size: sizeOf(f.bytes),
    };
  });
}

/** The items by id (for the timeline: a step's payload names its files' ids). */
export function evidenceById(items: readonly EvidenceItem[]): Map<string, EvidenceItem> {
  return new Map(items.map((x) => [x.id, x]));
}

/** The file ids a history step's payload carries (`files`), as the files service keeps them. */
export function payloadFileIds(payload: Record<string, unknown>): string[] {
  const files = payload.files;
  return Array.isArray(files) ? files.filter((x): x is string => typeof x === 'string') : [];
}

/** The items of a step's payload (those the reader may see and that still exist). */
export function stepEvidence(payload: Record<string, unknown>, byId: Map<string, EvidenceItem> | undefined) {
  if (!byId) return [];
  return payloadFileIds(payload)
    .map((id) => byId.get(id))
    .filter((x): x is EvidenceItem => x !== undefined);
}

/** A history step as the evidence views read it: its event, payload and when. */
interface StepRow {
  event: string;
  payload: unknown;
}

/**
 * R12, R14: holding's photos by day, as the audit forms show them — each
 * holding check's photos under its date (an amended day shows every check's),
 * then the spot checks' under theirs. Days in order.
 */
export function holdingPhotosByDay<S extends StepRow>(
  history: readonly S[],
  byId: Map<string, EvidenceItem>,
  readPayload: (raw: unknown) => Record<string, unknown>,
  dayOf: (payload: Record<string, unknown>, step: S) => string,
): Array<{ day: string; items: EvidenceItem[] }> {
  const days = new Map<string, EvidenceItem[]>();
  for (const step of history) {
    if (step.event !== 'LOG_HOLDING_CHECK' && step.event !== 'SPOT_CHECK') continue;
    const payload = readPayload(step.payload);
    const items = stepEvidence(payload, byId);
    if (!items.length) continue;
    const day = dayOf(payload, step);
    days.set(day, [...(days.get(day) ?? []), ...items]);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, items]) => ({ day, items }));
}

/** A record's evidence for its page (the files its service's `get` read with it): the items (its section) and the same by id (its timeline's steps). */
export function recordEvidence(
  files: readonly AttachedFile[],
  locale: Locale,
  timeZone: string,
): { items: EvidenceItem[]; byId: Map<string, EvidenceItem> } {
  const items = evidenceItems(files, locale, timeZone);
  return { items, byId: evidenceById(items) };
}
