import Handlebars from 'handlebars';

/**
 * `<input name="title" {{invalid errors.title "title"}}>`: on a refused form, a field with an error says so to assistive
 * technology and names the message beside it (`views/partials/field-error.hbs` gives that message the id `err-<id>`);
 * nothing otherwise (issue 13, WCAG 3.3.1 / 1.3.1).
 */
export function invalid(error: unknown, id: unknown): Handlebars.SafeString | string {
  if (!error || typeof id !== 'string') return '';
  const ref = Handlebars.escapeExpression(`err-${id}`);
  return new Handlebars.SafeString(` aria-invalid="true" aria-describedby="${ref}"`);
}
