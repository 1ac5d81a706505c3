import { ValidationError } from '../errors';

/** A list's opaque position: the last row's id, as the next page's `cursor`. */
export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ id })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isSafeInteger(id) && id > 0) return id;
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not valid', { cursor: 'invalid' });
}
