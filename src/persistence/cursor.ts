import { ValidationError } from '../errors';

/** A page's cursor: the last id shown, opaque to the caller (base64url JSON). */
export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ id })).toString('base64url');
}

/** The id a cursor carries; anything else is refused (422 on `cursor`). */
export function decodeCursor(cursor: string): number {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isSafeInteger(id) && id > 0) return id;
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not valid', { cursor: 'invalid' });
}
