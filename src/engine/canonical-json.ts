/**
 * Canonical JSON (the form of RFC 8785, JCS): object keys sorted by UTF-16
 * code units at every depth, no whitespace, strings and numbers written as
 * ECMAScript's JSON.stringify writes them (so 4 and 4.0 are both `4`, and
 * Chinese text is written as itself, not escaped). A value gives the same text
 * as the JSON text `JSON.stringify` would store for it, read back and
 * canonicalised: `toJSON` is honoured (a Date becomes its ISO string),
 * `undefined`, functions and symbols are left out of objects and are `null` in
 * arrays, non-finite numbers are `null`. A key whose value is `null` is kept:
 * null and absent are different content.
 */
export function canonicalJson(value: unknown): string {
  const out = write(value, '');
  // A top-level undefined has no JSON text; the history never stores one (payload ?? {}).
  return out ?? 'null';
}

function write(value: unknown, key: string): string | undefined {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  // Boxed primitives are written as their values, as JSON.stringify does.
  if (v instanceof Number) v = Number(v);
  else if (v instanceof String) v = String(v);
  else if (v instanceof Boolean) v = v.valueOf();
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON form');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((item, i) => write(item, String(i)) ?? 'null').join(',')}]`;
  const obj = v as Record<string, unknown>;
  const parts: string[] = [];
  // Default sort compares UTF-16 code units, as RFC 8785 asks.
  for (const k of Object.keys(obj).sort()) {
    const text = write(obj[k], k);
    if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
