/** `{{json value}}`: JSON text (escaped by Handlebars like any other text). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
