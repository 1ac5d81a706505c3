import { NotFoundError } from '../../errors';

/** A record id from the path: a positive integer, or the record does not exist. */
export function idParam(value: string | string[] | undefined): number {
  const s = Array.isArray(value) ? value[0] : value;
  if (!s || !/^[1-9]\d{0,15}$/.test(s) || !Number.isSafeInteger(Number(s))) throw new NotFoundError(`No record ${s}`);
  return Number(s);
}
