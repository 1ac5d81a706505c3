import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../../errors';
import { hasLoneSurrogate, wellFormed } from '../schemas/common.schema';

/**
 * Checks of a parsed body before any route reads it (issue 11). A JSON body
 * may hold a surrogate without its pair in any string, even one no schema
 * treats as text (a code, a key): MariaDB refuses to store it and answered
 * 500, so it is a 400 naming the field. A form body (qs) may carry keys such
 * as `title[toString]` that turn a value into an object whose conversion to
 * text throws: a 400 before any route sees it.
 */

/** Names a form key must not have: the members of every object (`constructor`, `__proto__`, `toString`, `hasOwnProperty` …). */
const BUILT_IN = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A key's place in the body: its key and its parent's place (shared, so a deep body costs no copying). */
interface Place {
  key: string;
  parent: Place | null;
}

const pathOf = (place: Place): string => {
  const keys: string[] = [];
  for (let p: Place | null = place; p; p = p.parent) keys.push(wellFormed(p.key));
  return keys.reverse().join('.');
};

/**
 * Walks a parsed body without recursion (a JSON body nested 100 000 deep must
 * not overflow the stack, nor take quadratic time), calling `visit` with each
 * key (null for an array's) and value; `visit` returns a problem code to stop
 * with, or nothing to go on.
 */
function firstProblem(
  body: unknown,
  visit: (key: string | null, value: unknown) => string | undefined,
): { path: string; code: string } | null {
  const stack: Array<{ place: Place | null; value: unknown }> = [{ place: null, value: body }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { place, value } = top;
    if (value === null || typeof value !== 'object') continue;
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      const at: Place = { key, parent: place };
      const code = visit(isArray ? null : key, child);
      if (code) return { path: pathOf(at), code };
      if (child !== null && typeof child === 'object') stack.push({ place: at, value: child });
    }
  }
  return null;
}

/** API: a lone surrogate in any key or string of a JSON body is a 400 naming where it is. */
export function jsonBodyGuard(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (typeof body === 'string' && hasLoneSurrogate(body))
    throw new ValidationError('Text with a lone surrogate', { _: 'unstorable_text' });
  const found = firstProblem(body, (key, value) =>
    (key !== null && hasLoneSurrogate(key)) || (typeof value === 'string' && hasLoneSurrogate(value))
      ? 'unstorable_text'
      : undefined,
  );
  if (found) throw new ValidationError(`Text with a lone surrogate at ${found.path}`, { [found.path]: found.code });
  next();
}

/** Web: a form's keys are field names, never an object's built-in members; its values are text, lists and groups of text. */
export function formBodyGuard(req: Request, _res: Response, next: NextFunction): void {
  const found = firstProblem(req.body, (key, value) => {
    if (key !== null && BUILT_IN.has(key)) return 'invalid_field_name';
    if (typeof value === 'string') return hasLoneSurrogate(value) ? 'unstorable_text' : undefined;
    if (Array.isArray(value)) return undefined;
    const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
    return proto === Object.prototype || proto === null ? undefined : 'invalid_field_name';
  });
  if (found)
    throw new ValidationError(`Form field ${found.path} refused`, { [found.path]: found.code }, 'invalid_form');
  next();
}
