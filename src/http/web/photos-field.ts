import { type Locale, t } from '../../i18n';

/**
 * The photos field of a web form that takes evidence (issue 13), as
 * views/partials/photos-field.hbs shows it: the file input (the camera on a
 * phone), and — when the form came back refused — the photos already
 * uploaded with it, kept as ticked `files` checkboxes with their thumbnails,
 * so nobody has to take them again.
 */

/** A file id as the files service makes them (anything else in a `files` field is not kept). */
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The file ids a form carries in its `files` field (those kept from a refused post), each once. */
export function keptFileIds(v: unknown): string[] {
  const all = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  return [...new Set(all.filter((x): x is string => typeof x === 'string' && FILE_ID.test(x)))];
}

export interface PhotosFieldView {
  /** Photos uploaded with a refused post, kept (their ids in `files`). */
  kept: Array<{ id: string; alt: string }>;
  error?: string;
}

/**
 * The view of a form's photos field: the kept photos of what was typed, and
 * the error of `photos` (too large, not a photo) or of `files` (a kept id the
 * command refused).
 */
export function photosFieldView(
  locale: Locale,
  values: Record<string, unknown> | undefined,
  errors: Record<string, string> | undefined,
): PhotosFieldView {
  const ids = keptFileIds(values?.files);
  const error = Object.entries(errors ?? {}).find(([k]) => isPhotoError(k))?.[1];
  return {
    kept: ids.map((id, i) => ({ id, alt: t(locale, 'evidence.kept_alt', { n: i + 1 }) })),
    error,
  };
}

/** Whether a refusal's field is the photos field's to show (`photos`, `files`, `files.2`), so a form does not list it again among its other problems. */
export const isPhotoError = (field: string) => /^(photos|files)(\.\d+)?$/.test(field);
