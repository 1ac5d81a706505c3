import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { openApiDocument } from '../../src/http/openapi';

/**
 * Every answer of `/api/v1/*` against the OpenAPI document (issue 12, item 9):
 * the path and method must be documented, the status among the operation's
 * responses, the media type among that response's, and a JSON body valid
 * against its schema. `contractProblem` says what is wrong (null: nothing);
 * openapi-setup.ts runs it on every supertest response.
 */

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  description: string;
  content?: Record<string, MediaType>;
}
interface OperationObject {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components: { schemas: Record<string, object> };
}

export interface SeenResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

let cached:
  | {
      doc: Document;
      ajv: Ajv2020;
      routes: Array<{ template: string; pattern: RegExp }>;
      validators: Map<string, ValidateFunction>;
    }
  | undefined;

function contract() {
  if (cached) return cached;
  const doc = openApiDocument() as unknown as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('binary', () => true);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  for (const [name, schema] of Object.entries(doc.components.schemas))
    ajv.addSchema(schema, `#/components/schemas/${name}`);
  // Literal segments before templated ones, so /problems/duplicates is not taken for /problems/{id}.
  const routes = Object.keys(doc.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  cached = { doc, ajv, routes, validators: new Map() };
  return cached;
}

const mediaTypeOf = (headers: SeenResponse['headers']) =>
  String(headers['content-type'] ?? '')
    .split(';')[0]
    .trim();

/** What is wrong with an answer of `METHOD url` by the document, or null (answers outside /api/v1 are not checked). */
export function contractProblem(method: string, url: string, res: SeenResponse): string | null {
  const path = new URL(url, 'http://localhost').pathname;
  if (!path.startsWith('/api/v1/')) return null;
  const { doc, ajv, routes, validators } = contract();
  const where = `${method.toUpperCase()} ${path} → ${res.status}`;
  const route = routes.find((r) => r.pattern.test(path));
  const op = route ? (doc.paths[route.template][method.toLowerCase()] as OperationObject | undefined) : undefined;
  if (!route || !op) {
    // Express answers an unrouted path or method with its own 404; the document has nothing to say about it.
    return res.status === 404
      ? null
      : `${where}: the OpenAPI document has no operation ${method.toUpperCase()} for this path`;
  }
  const answer = op.responses[String(res.status)];
  if (!answer)
    return `${where} (${op.operationId}): status ${res.status} is not among the documented responses (${Object.keys(op.responses).join(', ')})`;
  const type = mediaTypeOf(res.headers);
  const hasBody = (res.text ?? '') !== '' || (type !== '' && type !== 'application/json');
  if (!answer.content)
    return hasBody
      ? `${where} (${op.operationId}): the document says no content, the server sent ${type || 'a body'}`
      : null;
  const media = answer.content[type];
  if (!media)
    return `${where} (${op.operationId}): media type ${type || '(none)'} is not documented (${Object.keys(answer.content).join(', ')})`;
  if (type !== 'application/json' || !media.schema) return null;
  const key = `${route.template} ${method} ${res.status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(media.schema);
    validators.set(key, validate);
  }
  if (validate(res.body)) return null;
  const errors = (validate.errors ?? [])
    .slice(0, 8)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  return `${where} (${op.operationId}): the body does not match the document's schema:\n  ${errors.join('\n  ')}`;
}
