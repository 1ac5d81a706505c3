/**
 * What a map is known to hold: it was built from the very keys asked (squads
 * resolved from these codes, rows joined by their foreign key). A key missing
 * is a bug, not a caller's mistake, and the error names it.
 */
export function known<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`${what} ${String(key)}: not among those read`);
  return value;
}
