/**
 * Narrowing a value read from the database (a `string` column) to the choices
 * the answer's schema names: a value outside them is a bug, not an answer.
 */
export function oneOf<T extends string>(choices: readonly T[], value: string): T {
  if (!(choices as readonly string[]).includes(value))
    throw new Error(`Unexpected value "${value}" (expected one of ${choices.join(', ')})`);
  return value as T;
}

export function oneOfOrNull<T extends string>(choices: readonly T[], value: string | null | undefined): T | null {
  return value === null || value === undefined ? null : oneOf(choices, value);
}

export function allOf<T extends string>(choices: readonly T[], values: readonly string[]): T[] {
  return values.map((v) => oneOf(choices, v));
}

/** A JSON object read back from the database (a history step's payload, a flag's figures). */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`Expected a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}
