import { INCIDENT_SEVERITIES, INCIDENT_TYPES } from '../../../workflows/operation';
import { localToInstantIso } from '../../time';
import { keptFileIds } from './photos-field';

/**
 * The form of each operation event: which fields it asks for and how a form
 * post becomes the same input the API takes (then the same zod schema checks
 * it). Which forms a page shows comes from the engine's allowedEvents.
 */
export type FieldKind =
  | 'text'
  | 'textarea'
  | 'number'
  | 'datetime'
  | 'date'
  | 'checkbox'
  | 'select'
  | 'results'
  | 'commander'
  | 'problem';

export interface FormFieldSpec {
  name: string;
  kind: FieldKind;
  required?: boolean;
  /** For selects: the values, labelled by `${labelPrefix}${value}`. */
  options?: readonly string[];
  labelPrefix?: string;
  min?: number;
  /** Shown open by default (the main action of the state). */
}

export interface EventFormSpec {
  fields: FormFieldSpec[];
  tone: 'primary' | 'danger' | 'normal';
  /** R12: the audit forms show what the audit sees of holding (days checked of holding days, days missed …). */
  showsCoverage?: boolean;
  /** Made in the street: kept in the browser without a connection and sent when it returns (issue 13). */
  offline?: boolean;
  /** Issue 13: the form takes evidence photos (multipart; each uploaded, then sent as the event's `files`). */
  photos?: boolean;
}

export const EVENT_FORMS: Record<string, EventFormSpec> = {
  FILE: { tone: 'primary', fields: [] },
  APPROVE: { tone: 'primary', fields: [{ name: 'note', kind: 'textarea' }] },
  RETURN: { tone: 'normal', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
  CANCEL: { tone: 'danger', fields: [{ name: 'reason', kind: 'textarea', required: true }] },
  DESIGNATE_COMMANDER: { tone: 'normal', fields: [{ name: 'commander', kind: 'commander', required: true }] },
  START: {
    tone: 'primary',
    fields: [
      { name: 'actualStart', kind: 'datetime' },
      { name: 'lateReason', kind: 'textarea' },
      { name: 'earlyReason', kind: 'textarea' },
    ],
  },
  LOG_INCIDENT: {
    tone: 'normal',
    offline: true,
    photos: true,
    fields: [
      { name: 'incidentType', kind: 'select', options: INCIDENT_TYPES, labelPrefix: 'incident.', required: true },
      { name: 'severity', kind: 'select', options: INCIDENT_SEVERITIES, labelPrefix: 'severity.', required: true },
      { name: 'occurredAt', kind: 'datetime' },
      { name: 'injuries', kind: 'number', min: 0 },
      { name: 'description', kind: 'textarea', required: true },
      { name: 'response', kind: 'textarea', required: true },
      { name: 'informed', kind: 'text' },
    ],
  },
  COMPLETE: {
    tone: 'primary',
    photos: true,
    fields: [
      { name: 'actualEnd', kind: 'datetime' },
      { name: 'results', kind: 'results', required: true },
      { name: 'shortReason', kind: 'textarea' },
      { name: 'summary', kind: 'textarea' },
    ],
  },
  LOG_HOLDING_CHECK: {
    tone: 'primary',
    offline: true,
    photos: true,
    fields: [
      { name: 'date', kind: 'date', required: true },
      { name: 'officersOnPost', kind: 'number', min: 0, required: true },
      { name: 'reboundObserved', kind: 'checkbox' },
      { name: 'notes', kind: 'textarea' },
      // §3.4: shown when the operation has a resolved hard problem the rebound may bring back.
      { name: 'reboundProblem', kind: 'problem' },
    ],
  },
  SPOT_CHECK: {
    tone: 'normal',
    offline: true,
    photos: true,
    fields: [
      { name: 'findings', kind: 'textarea', required: true },
      { name: 'reboundObserved', kind: 'checkbox' },
    ],
  },
  AUDIT_PASS: {
    tone: 'primary',
    photos: true,
    showsCoverage: true,
    fields: [
      { name: 'findings', kind: 'textarea', required: true },
      { name: 'coverageReason', kind: 'textarea' },
    ],
  },
  AUDIT_FAIL: {
    tone: 'danger',
    photos: true,
    showsCoverage: true,
    fields: [
      { name: 'findings', kind: 'textarea', required: true },
      { name: 'rectification', kind: 'textarea', required: true },
      { name: 'holdingDays', kind: 'number', min: 1 },
    ],
  },
};

function numberOrRaw(v: unknown): unknown {
  if (v === undefined || v === null || String(v).trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : String(v);
}

function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v);
}

/** A form post (all strings) as the API's event body; bad values are passed on as they are, for the schema to name. */
export function formToEvent(type: string, body: Record<string, unknown>, timeZone: string): Record<string, unknown> {
  const spec = Object.hasOwn(EVENT_FORMS, type) ? EVENT_FORMS[type] : undefined;
  const out: Record<string, unknown> = { type, expectedVersion: numberOrRaw(body.expectedVersion) };
  // Issue 13: the evidence — the photos uploaded with this post and those kept from a refused one (web evidence-upload.ts).
  if (spec?.photos) {
    const files = keptFileIds(body.files);
    if (files.length) out.files = files;
  }
  for (const field of spec?.fields ?? []) {
    const raw = body[field.name];
    switch (field.kind) {
      case 'text':
      case 'textarea':
      case 'select':
      case 'commander':
      case 'date': {
        const s = textOf(raw);
        if (s !== undefined && (s.trim() !== '' || field.required)) out[field.name] = s;
        break;
      }
      case 'number':
      case 'problem':
        out[field.name] = numberOrRaw(raw);
        break;
      case 'datetime': {
        const s = textOf(raw)?.trim();
        if (s) out[field.name] = localToInstantIso(s, timeZone);
        break;
      }
      case 'checkbox':
        out[field.name] = raw !== undefined && raw !== '' && raw !== '0';
        break;
      case 'results': {
        const rows = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
        out.results = rows.map((row) => {
          const r = (row ?? {}) as Record<string, unknown>;
          return {
            squad: textOf(r.squad),
            officers: numberOrRaw(r.officers),
            vehicles: numberOrRaw(r.vehicles),
            educated: numberOrRaw(r.educated),
            handled: numberOrRaw(r.handled),
            goodsDetained: numberOrRaw(r.goodsDetained),
          };
        });
        break;
      }
    }
  }
  return out;
}
