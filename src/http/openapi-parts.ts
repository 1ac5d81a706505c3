import { z } from 'zod';

/**
 * The pieces every part of the OpenAPI document is built from (openapi-*.ts):
 * JSON schemas from the zod schemas the server validates with, references,
 * the error answers, bodies, pages and query parameters.
 */
export const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});
export const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
export const answer = (description: string, name: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
export const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** The usual refusals of an area's calls; `forbidden` names its reasons for 403. */
export function errorsFor(forbidden: string, badInput = 'Malformed or invalid input; every bad field is named') {
  return {
    '400': err(badInput),
    '401': err('No or bad credentials'),
    '403': err(`Not allowed for this caller (${forbidden})`),
    '404': err('Unknown (or not in your brigade)'),
  };
}

/** A cursor page of `name`: `{items, nextCursor}`. */
export const page = (name: string) => ({
  description: 'A page, newest first: `{items, nextCursor}` (pass `nextCursor` as `cursor` for the next)',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: { items: { type: 'array', items: ref(name) }, nextCursor: { type: ['string', 'null'] } },
      },
    },
  },
});

/** A query schema's fields as OpenAPI query parameters (required: as listed, else as the schema says). */
export function queryParameters(schema: z.ZodType, required?: string[]) {
  const js = json(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const must = required ?? js.required ?? [];
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: must.includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}
