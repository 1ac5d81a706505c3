import { NotFoundError } from '../../errors';

/** A record id from the path: a positive integer, or the record does not exist. */
export function idParam(value: string | string[] | undefined): number {
  const s = Array.isArray(value) ? value[0] : value;
  if (!s || !/^[1-9]\d{0,15}$/.test(s) || !Number.isSafeInteger(Number(s))) throw new NotFoundError(`No record ${s}`);
  return Number(s);
}

/** A username or code from the path (as given; an unknown one is the domain's 404). */
export function keyParam(value: string | string[] | undefined): string {
  const s = Array.isArray(value) ? value[0] : value;
  if (!s) throw new NotFoundError('No such record');
  return s;
}
