/**
 * Masking of personal details for readers who need to know a record, not the
 * person in it (issue 11: reads no wider than needed). Each keeps enough to
 * tell two records apart on the phone or at the counter, never enough to
 * reach the person. The policies (goods.policy.ts, problem.policy.ts) decide
 * who sees a value in full.
 */

/** The stars stand for at least this many characters: a value too short to keep its ends is starred whole. */
const MIN_HIDDEN = 4;

/** Keeps the first `head` and last `tail` characters, a star for each one between (characters, not bytes: 中文 too). */
export function maskMiddle(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length - head - tail < MIN_HIDDEN) return '*'.repeat(chars.length);
  return (
    chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('')
  );
}

/** An ID card number: `3101**********1234` (the first 4 and the last 4). */
export const maskIdNumber = (value: string): string => maskMiddle(value.trim(), 4, 4);

/** A phone number: `138****0000` (the first 3 and the last 4). */
export const maskPhone = (value: string): string => maskMiddle(value.trim(), 3, 4);

/** A 12319 ticket number: `12319-*********0042` (the hotline's prefix and the last 4). */
export const maskHotlineRef = (value: string): string => maskMiddle(value.trim(), 6, 4);

/** A person's name and contact as written (`王先生 139…`): the first character and `**` — how long it was says nothing. */
export function maskPerson(value: string): string {
  const first = Array.from(value.trim())[0];
  return first ? `${first}**` : '';
}

/** `mask` over a value that may be missing (null and '' stay as they are). */
export function masked<T extends string | null | undefined>(value: T, mask: (v: string) => string): T {
  return (value ? mask(value) : value) as T;
}
