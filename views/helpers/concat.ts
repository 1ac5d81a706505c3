/** `{{concat "state." state}}`: joins its arguments into one string. */
export function concat(...args: unknown[]): string {
  return args.slice(0, -1).map(String).join('');
}
