import express from 'express';
import request from 'supertest';
import { openApiDocument } from '../../src/http/openapi';
import { OPERATION_IDS } from '../../src/http/openapi-contract';
import { contractProblem } from '../support/openapi-contract';

/**
 * The OpenAPI document as a contract (issue 12, item 9): every success answer
 * described exactly, every operation named; and the check every HTTP test runs
 * on every answer (test/support/openapi-setup.ts) really catches a wrong one.
 */

type Json = Record<string, unknown>;
const doc = openApiDocument() as {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([m]) => METHODS.includes(m))
    .map(([method, op]) => ({
      path,
      method,
      op: op as { operationId?: string; description?: string; parameters?: Json[]; responses: Record<string, Json> },
    })),
);

const me = {
  username: 'waitan.leader',
  displayName: '外滩中队长',
  roles: ['squad_leader'],
  brigade: 'huangpu',
  squad: 'waitan',
  timeZone: 'Asia/Shanghai',
};
const json = (status: number, body: unknown) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body,
  text: JSON.stringify(body),
});

describe('the check of every answer against the document', () => {
  it('passes a right answer', () => {
    expect(contractProblem('GET', 'http://127.0.0.1/api/v1/me', json(200, me))).toBeNull();
  });

  it('names the path, status and schema error of a body missing a field', () => {
    const { timeZone: _, ...missing } = me;
    const problem = contractProblem('GET', 'http://127.0.0.1/api/v1/me', json(200, missing));
    expect(problem).toContain('GET /api/v1/me → 200 (getMe)');
    expect(problem).toContain("must have required property 'timeZone'");
  });

  it('refuses a field the schema does not name (closed objects) and a wrong type', () => {
    expect(contractProblem('GET', '/api/v1/me', json(200, { ...me, password: 'x' }))).toContain(
      'must NOT have additional properties',
    );
    expect(contractProblem('GET', '/api/v1/me', json(200, { ...me, roles: ['emperor'] }))).toContain(
      '/roles/0 must be equal to one of the allowed values',
    );
  });

  it('refuses an undocumented status, a body where none is documented, and an undocumented path', () => {
    expect(contractProblem('GET', '/api/v1/me', json(418, {}))).toContain(
      'status 418 is not among the documented responses',
    );
    expect(contractProblem('DELETE', '/api/v1/tokens/3', json(204, { revoked: true }))).toContain(
      'the document says no content',
    );
    expect(contractProblem('DELETE', '/api/v1/tokens/3', { status: 204, headers: {}, body: {}, text: '' })).toBeNull();
    expect(contractProblem('POST', '/api/v1/me', json(200, me))).toContain('no operation POST');
  });

  it('takes the literal path before a templated one (/problems/duplicates is not /problems/{id})', () => {
    expect(
      contractProblem('GET', '/api/v1/problems/duplicates?category=other&location=x', json(200, { items: [] })),
    ).toBeNull();
  });

  it('fails a supertest request whose answer does not match (the jest setup is installed)', async () => {
    const app = express();
    app.get('/api/v1/me', (_req, res) => {
      res.json({ ...me, squad: 42 });
    });
    await expect(request(app).get('/api/v1/me').expect(200)).rejects.toThrow(
      /OpenAPI contract: GET \/api\/v1\/me → 200 \(getMe\)[\s\S]*\/squad must be string,null/,
    );
    app.get('/api/v1/brigade', (_req, res) => {
      res.status(500).json({ error: { code: 'internal', message: 'x', fields: {} } });
    });
    await expect(request(app).get('/api/v1/brigade')).rejects.toThrow(
      /status 500 is not among the documented responses/,
    );
  });
});

describe('the document as a contract', () => {
  it('has a stable, unique operationId on every operation, and names none that does not exist', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(OPERATION_IDS).sort()).toEqual(operations.map((o) => `${o.method} ${o.path}`).sort());
    expect(doc.paths['/api/v1/operations'].get.operationId).toBe('listOperations');
    expect(doc.paths['/api/v1/operations/{id}/events'].post.operationId).toBe('sendOperationEvent');
  });

  it('describes every success answer: a schema, or no content for 204', () => {
    const undescribed = operations.flatMap(({ path, method, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => /^2\d\d$/.test(status))
        .filter(([status, r]) =>
          status === '204'
            ? r.content !== undefined
            : !Object.values((r.content ?? {}) as Record<string, Json>).every((m) => m.schema),
        )
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(undescribed).toEqual([]);
    expect(operations.length).toBeGreaterThan(75);
  });

  it('closes every object of every answer (no unknown properties)', () => {
    const open: string[] = [];
    const walk = (s: unknown, where: string) => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${where}[${i}]`));
      if (!s || typeof s !== 'object') return;
      const o = s as Json;
      if (o.type === 'object' && o.properties && o.additionalProperties !== false) open.push(where);
      for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
    };
    const answers = new Set<string>();
    for (const { op } of operations)
      for (const [status, r] of Object.entries(op.responses))
        if (/^2/.test(status))
          for (const m of Object.values((r.content ?? {}) as Record<string, Json>))
            answers.add(String((m.schema as Json).$ref ?? '').replace('#/components/schemas/', ''));
    for (const name of answers) if (name && name !== 'NewOperation') walk(doc.components.schemas[name], name);
    expect(open).toEqual([]);
    expect(answers.size).toBeGreaterThan(50);
  });

  it('gives list items and details their own schemas where they differ', () => {
    const s = doc.components.schemas;
    const props = (name: string) => Object.keys(s[name].properties as Json);
    expect(props('BorderNotice')).toEqual(expect.arrayContaining(['version', 'allowedEvents']));
    expect(props('BorderNoticeSummary')).not.toContain('version');
    expect(((s.BorderNoticePage.properties as Json).items as Json).items).toEqual({
      $ref: '#/components/schemas/BorderNoticeSummary',
    });
    expect(props('Operation').length).toBeGreaterThan(45);
    expect(props('OperationListItem')).not.toContain('allowedEvents');
  });

  it('chooses every event union by its type (discriminator)', () => {
    for (const name of [
      'Event',
      'GroupPlanEvent',
      'MeetingEvent',
      'HardProblemEvent',
      'BorderNoticeEvent',
      'GoodsEvent',
      'TransferEvent',
    ]) {
      expect({ name, discriminator: doc.components.schemas[name].discriminator }).toEqual({
        name,
        discriminator: { propertyName: 'type', mapping: expect.any(Object) },
      });
      expect(Array.isArray(doc.components.schemas[name].oneOf)).toBe(true);
    }
  });

  it('says that unknown query parameters are refused, where it lists query parameters', () => {
    const withQuery = operations.filter((o) => o.op.parameters?.some((p) => p.in === 'query'));
    expect(withQuery.length).toBeGreaterThan(10);
    for (const { op } of withQuery) {
      expect(op.description).toContain('Query parameters other than those listed are refused');
      expect(op.responses['400']).toBeDefined();
    }
  });

  it('describes the downloads’ media types (CSV and spreadsheet)', () => {
    for (const path of ['/api/v1/figures', '/api/v1/figures/{indicator}/records']) {
      const ok = (doc.paths[path].get.responses as Record<string, Json>)['200'];
      expect(Object.keys(ok.content as Json).sort()).toEqual([
        'application/json',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv',
      ]);
    }
  });
});
