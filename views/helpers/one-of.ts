/** `{{#if (oneOf nav "operations" "new")}}`: the value is one of those listed (the header marks a menu whose page is open). */
export function oneOf(value: unknown, ...rest: unknown[]): boolean {
  // Handlebars passes its options object last.
  return rest.slice(0, -1).includes(value);
}
