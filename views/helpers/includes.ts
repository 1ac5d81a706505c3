/** `{{#if (includes list item)}}`: list membership. */
export function includes(list: unknown, item: unknown): boolean {
  return Array.isArray(list) && list.includes(item);
}
