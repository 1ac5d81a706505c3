import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../persistence/dialect';
import { bumpCounter, insertCounter } from './numbering.queries';

/** Kinds of record a brigade numbers itself, per year. */
export type NumberedKind = 'operation' | 'detention_list';

/** A brigade's number for a record: the year and the number within it. */
export interface RecordNo {
  year: number;
  seq: number;
}

/**
 * The next number of `kind` in `year` for the brigade, in the caller's
 * transaction: consecutive and without gaps, because it is taken by the
 * command that needs it (a refused or failed command gives it back with its
 * rollback). The counter row serialises concurrent commands of one brigade
 * and year; the first of a year creates it.
 */
export async function takeNumber(
  m: EntityManager,
  brigadeId: number,
  kind: NumberedKind,
  year: number,
): Promise<RecordNo> {
  const counter = { brigadeId, kind, year };
  for (let attempt = 0; attempt < 3; attempt++) {
    const seq = await bumpCounter(m, counter);
    if (seq !== null) return { year, seq };
    try {
      await insertCounter(m, counter);
      return { year, seq: 1 };
    } catch (e) {
      // Another command created the year's counter first: take the next one from it.
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new Error(`record_numbers: could not take a number for ${kind} ${year}`);
}

/** 〔2026〕第 12 号 (zh-CN) / No. 12/2026 (en): how a brigade's number is written. */
export function formatRecordNo(no: RecordNo | null | undefined, locale: 'zh-CN' | 'en', prefix = ''): string {
  if (!no) return '';
  return locale === 'en'
    ? `${prefix ? `${prefix} ` : ''}No. ${no.seq}/${no.year}`
    : `${prefix}〔${no.year}〕第 ${no.seq} 号`;
}

/** Reads a number as people type it — 〔2026〕第12号, 2026-12, 12/2026, 2026年12号 — into year and number; null if it is not one. */
export function parseRecordNo(text: string): RecordNo | null {
  const digits = text.match(/\d+/g);
  if (!digits || digits.length !== 2) return null;
  const [a, b] = digits.map(Number);
  const year = a >= 1900 && a <= 2999 ? a : b >= 1900 && b <= 2999 ? b : null;
  if (year === null) return null;
  const seq = year === a ? b : a;
  return seq >= 1 ? { year, seq } : null;
}
