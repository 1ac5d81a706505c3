import { randomUUID } from 'node:crypto';
import express from 'express';
import multer from 'multer';
import request from 'supertest';
import { eventBody, operationIn, planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { csrfOf, signIn } from '../support/web';
import { idempotency, idempotencyAfterParse } from '../../src/http/middleware/idempotency';
import { apiErrorHandler } from '../../src/http/middleware/errors';
import { requestContext } from '../../src/http/middleware/request-context';
import { openApiDocument } from '../../src/http/openapi';
import { WriteConflictError } from '../../src/errors';

/**
 * Issue 13, item 3: every write may carry an `Idempotency-Key`; the API keeps
 * each key's answer per user for 48 h and answers a repeat with the same
 * answer, writing nothing — the offline queue and a form sent twice rely on it.
 */

let t: TestApp;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

async function historyRows(id: number): Promise<number> {
  const [row] = await t.services.db.dataSource.query(
    'SELECT COUNT(*) AS n FROM workflow_history WHERE instance_id = ?',
    [id],
  );
  return Number(row.n);
}

async function keyRows(key?: string): Promise<number> {
  const [row] = key
    ? await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key = ?', [
        key,
      ])
    : await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM idempotency_keys');
  return Number(row.n);
}

/** A holding check of today on an operation in holding, as the host squad's officer sends it. */
/** The key was given up: the holding check sent again with it runs (one more step), not a replay. */
async function expectRetryRuns(id: number, version: number, key: string): Promise<void> {
  expect(await keyRows(key)).toBe(0);
  const before = await historyRows(id);
  const retried = await t
    .as('waitan.officer')
    .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
    .set('Idempotency-Key', key);
  expect(retried.status).toBe(200);
  expect(retried.headers['idempotent-replayed']).toBeUndefined();
  expect(await historyRows(id)).toBe(before + 1);
}

function holdingCheck(version: number, over: Record<string, unknown> = {}) {
  return {
    type: 'LOG_HOLDING_CHECK',
    expectedVersion: version,
    ...eventBody('LOG_HOLDING_CHECK', t.clock.now()),
    ...over,
  };
}

const tomorrow = () => new Date(t.clock.now().getTime() + 32 * HOUR).toISOString().slice(0, 10);

describe('Idempotency-Key on the API', () => {
  it('the same key twice: one history row, the same status and body, the second marked replayed', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const key = randomUUID();
    const first = await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
      .set('Idempotency-Key', key);
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
      .set('Idempotency-Key', key);
    expect(second.status).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(await historyRows(id)).toBe(before + 1);
    // Without the key the same request is a new one: the version it names is stale now.
    await t.as('waitan.officer').post(`/api/v1/operations/${id}/events`, holdingCheck(version)).expect(409);
  });

  it('the same key with another body is a 422 naming Idempotency-Key, and writes nothing', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const key = randomUUID();
    await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
      .set('Idempotency-Key', key)
      .expect(200);
    const rows = await historyRows(id);
    const other = await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version + 1, { notes: '另一条记录' }))
      .set('Idempotency-Key', key);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({
      code: 'idempotency_key_reused',
      fields: { 'Idempotency-Key': expect.stringMatching(/\S/) },
    });
    expect(await historyRows(id)).toBe(rows);
    // Another path with the key is another request too.
    const elsewhere = await t
      .as('waitan.officer')
      .post('/api/v1/notifications/read-all', {})
      .set('Idempotency-Key', key);
    expect(elsewhere.status).toBe(422);
  });

  it('a key is the user’s own: another user’s request with the same key runs on its own', async () => {
    const key = randomUUID();
    const mine = await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now()))
      .set('Idempotency-Key', key)
      .expect(201);
    const theirs = await t
      .as('nanjingdonglu.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { leadSquad: 'nanjingdonglu', hostSquad: 'nanjingdonglu' }))
      .set('Idempotency-Key', key)
      .expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('a create sent twice with its key makes one operation; the repeat has the same Location and body', async () => {
    const [{ n: before }] = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM operations');
    const key = randomUUID();
    const body = planBody(t.clock.now(), { title: '幂等创建' });
    const first = await t.as('waitan.leader').post('/api/v1/operations', body).set('Idempotency-Key', key).expect(201);
    const again = await t.as('waitan.leader').post('/api/v1/operations', body).set('Idempotency-Key', key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    const [{ n: after }] = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM operations');
    expect(Number(after)).toBe(Number(before) + 1);
  });

  it('the same key sent twice at once: exactly one write, the other a 409 (in progress) or the replay', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const key = randomUUID();
    const send = () =>
      t
        .as('waitan.officer')
        .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
        .set('Idempotency-Key', key)
        .then((r) => r);
    const answers = await Promise.all([send(), send(), send()]);
    expect(await historyRows(id)).toBe(before + 1);
    const fresh = answers.filter((a) => a.status === 200 && !a.headers['idempotent-replayed']);
    expect(fresh).toHaveLength(1);
    for (const a of answers.filter((x) => x !== fresh[0])) {
      if (a.status === 409) {
        expect(a.body.error).toMatchObject({
          code: 'idempotency_key_in_use',
          fields: { 'Idempotency-Key': expect.any(String) },
        });
        expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      } else {
        expect(a.status).toBe(200);
        expect(a.headers['idempotent-replayed']).toBe('true');
        expect(a.text).toBe(fresh[0].text);
      }
    }
  });

  it('a refusal (422, a rule) is kept and replayed as the same 422, writing nothing', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const key = randomUUID();
    const refused = await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version, { date: tomorrow() }))
      .set('Idempotency-Key', key);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('rule_violation');
    const again = await t
      .as('waitan.officer')
      .post(`/api/v1/operations/${id}/events`, holdingCheck(version, { date: tomorrow() }))
      .set('Idempotency-Key', key);
    expect(again.status).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(refused.body);
    expect(await historyRows(id)).toBe(before);
  });

  it('a 5xx is not kept: the retry with the key runs again', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const key = randomUUID();
    // A 500 is no answer of the contract: sent past supertest's contract check, over a socket of our own.
    const server = t.app.listen(0);
    const { port } = server.address() as { port: number };
    const spy = jest.spyOn(t.services.operations, 'send').mockRejectedValueOnce(new Error('database went away'));
    try {
      const failed = await fetch(`http://127.0.0.1:${port}/api/v1/operations/${id}/events`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${t.token('waitan.officer')}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify(holdingCheck(version)),
      });
      expect(failed.status).toBe(500);
    } finally {
      spy.mockRestore();
      server.close();
      t.logged.length = 0;
    }
    await expectRetryRuns(id, version, key);
  });

  it('a write_conflict (nothing written, "try again") is not kept: the retry with the key runs', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const key = randomUUID();
    // The conflict as Database.transaction ends it after its last run (a Galera cluster's hot row).
    const spy = jest
      .spyOn(t.services.operations, 'send')
      .mockRejectedValueOnce(new WriteConflictError('Still conflicting after 8 runs'));
    let conflicted;
    try {
      conflicted = await t
        .as('waitan.officer')
        .post(`/api/v1/operations/${id}/events`, holdingCheck(version))
        .set('Idempotency-Key', key);
    } finally {
      spy.mockRestore();
    }
    expect(conflicted.status).toBe(409);
    expect(conflicted.body.error.code).toBe('write_conflict');
    await expectRetryRuns(id, version, key);
  });

  it('a malformed key is a 400 naming Idempotency-Key', async () => {
    for (const bad of ['x'.repeat(201), 'a\tb']) {
      const res = await t.as('waitan.leader').post('/api/v1/notifications/read-all', {}).set('Idempotency-Key', bad);
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toHaveProperty('Idempotency-Key');
    }
  });

  it('a key still pending after takeOverAfterSeconds (a stopped instance) is taken over: the retry runs', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const key = randomUUID();
    const send = () =>
      t.as('waitan.officer').post(`/api/v1/operations/${id}/events`, holdingCheck(version)).set('Idempotency-Key', key);
    await send().expect(200);
    // As if the instance running it had stopped before keeping its answer: the key stays pending.
    await t.services.db.dataSource.query(
      "UPDATE idempotency_keys SET state = 'pending', status = NULL, answer = NULL WHERE idempotency_key = ?",
      [key],
    );
    const waiting = await send();
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.code).toBe('idempotency_key_in_use');
    const retryAfter = Number(waiting.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(t.services.config.idempotency.takeOverAfterSeconds);
    t.clock.advance(t.services.config.idempotency.takeOverAfterSeconds * 1000);
    // Taken over, the request runs afresh: here the operation has moved on since (the version it names is stale).
    const ran = await send();
    expect(ran.status).toBe(409);
    expect(ran.body.error.code).toBe('stale_version');
    expect(ran.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('Idempotency-Key on the pages', () => {
  /** The operation's page as the officer sees it, and the holding-check form's hidden key. */
  async function page(client: Awaited<ReturnType<typeof signIn>>, id: number) {
    const html = (await client.get(`/operations/${id}`).expect(200)).text;
    const form = /<form[^>]*data-event="LOG_HOLDING_CHECK"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
    const key = /name="_idempotency" value="([^"]+)"/.exec(form)?.[1];
    return { html, csrf: csrfOf(html), key };
  }

  const fields = (version: number) => ({
    expectedVersion: String(version),
    date: eventBody('LOG_HOLDING_CHECK', t.clock.now()).date as string,
    officersOnPost: '2',
    notes: '未见回潮',
  });

  it('a form sent twice with the header (the offline queue): one history row, the second the same 303', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const officer = await signIn(t, 'waitan.officer');
    const { csrf } = await page(officer, id);
    const key = randomUUID();
    const post = () =>
      officer.agent
        .post(`/operations/${id}/events/LOG_HOLDING_CHECK`)
        .set('Idempotency-Key', key)
        .type('form')
        .send({ _csrf: csrf, ...fields(version) });
    const first = await post();
    expect(first.status).toBe(303);
    const second = await post();
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await historyRows(id)).toBe(before + 1);
  });

  it('each form on a page carries a key of its own, new with each page', async () => {
    const { id } = await operationIn(t, 'holding');
    const officer = await signIn(t, 'waitan.officer');
    const { html, key } = await page(officer, id);
    const keys = [...html.matchAll(/name="_idempotency" value="([^"]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    expect((await page(officer, id)).key).not.toBe(key);
  });

  it('a plain form sent twice (no script: the hidden key) is written once', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const officer = await signIn(t, 'waitan.officer');
    const { csrf, key } = await page(officer, id);
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    const post = () =>
      officer.agent
        .post(`/operations/${id}/events/LOG_HOLDING_CHECK`)
        .type('form')
        .send({ _csrf: csrf, _idempotency: key, ...fields(version) });
    const first = await post();
    const second = await post();
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await historyRows(id)).toBe(before + 1);
  });

  it('a refused form is kept as refused: the repeat shows the same page, and the corrected form (a new key) is written', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const before = await historyRows(id);
    const officer = await signIn(t, 'waitan.officer');
    const { csrf, key } = await page(officer, id);
    const post = (date: string, k: string | undefined) =>
      officer.agent
        .post(`/operations/${id}/events/LOG_HOLDING_CHECK`)
        .type('form')
        .send({ _csrf: csrf, _idempotency: k, ...fields(version), date });
    const refused = await post(tomorrow(), key);
    expect(refused.status).toBe(422);
    const again = await post(tomorrow(), key);
    expect(again.status).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(refused.text);
    // The page sent back refused carries a new key: the corrected form goes through.
    const fresh = /data-event="LOG_HOLDING_CHECK"[\s\S]*?name="_idempotency" value="([^"]+)"/.exec(refused.text)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(key);
    const ok = await post(fields(version).date, fresh);
    expect(ok.status).toBe(303);
    expect(await historyRows(id)).toBe(before + 1);
  });

  it('the key used for another form is refused with a page saying so (422), writing nothing', async () => {
    const { id, version } = await operationIn(t, 'holding');
    const officer = await signIn(t, 'waitan.officer');
    const { csrf, key } = await page(officer, id);
    const post = (notes: string) =>
      officer.agent
        .post(`/operations/${id}/events/LOG_HOLDING_CHECK`)
        .type('form')
        .send({ _csrf: csrf, _idempotency: key, ...fields(version), notes });
    expect((await post('第一次')).status).toBe(303);
    const rows = await historyRows(id);
    const other = await post('改过的内容');
    expect(other.status).toBe(422);
    expect(other.text).toContain('该 Idempotency-Key 已用于另一项请求');
    expect(await historyRows(id)).toBe(rows);
  });
});

describe('a multipart route decides after its parser (the files in the fingerprint)', () => {
  let app: express.Express;
  let runs = 0;

  beforeAll(async () => {
    const principal = await t.services.org.authenticateToken(t.token('waitan.officer'));
    app = express();
    app.use(requestContext);
    app.use((req, _res, next) => {
      req.principal = principal;
      next();
    });
    app.use(idempotency(t.services, { source: 'api' }));
    const upload = multer({ storage: multer.memoryStorage() }).single('file');
    app.post('/upload', upload, idempotencyAfterParse, (req, res) => {
      runs += 1;
      res.status(201).json({ runs, bytes: (req as { file?: { size: number } }).file?.size ?? 0 });
    });
    app.use(apiErrorHandler(t.services.logger));
  });

  const send = (key: string, bytes: Buffer, note = '现场照片') =>
    request(app)
      .post('/upload')
      .set('Idempotency-Key', key)
      .field('note', note)
      .attach('file', bytes, { filename: 'photo.jpg', contentType: 'image/jpeg' });

  it('the same file twice with its key is taken once; the repeat is the same answer', async () => {
    const key = randomUUID();
    const photo = Buffer.from('a photo taken in the street');
    const first = await send(key, photo);
    const again = await send(key, photo);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(runs).toBe(1);
  });

  it('the key with another file (other bytes, same name) is a 422; with other fields too', async () => {
    const key = randomUUID();
    const runsBefore = runs;
    await send(key, Buffer.from('photo one')).expect(201);
    const other = await send(key, Buffer.from('photo two'));
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect((await send(key, Buffer.from('photo one'), '另一说明')).status).toBe(422);
    expect(runs).toBe(runsBefore + 1);
  });
});

describe('a multipart form parsed before the middleware (the pages’ forms with photos)', () => {
  let app: express.Express;
  let runs = 0;

  beforeAll(async () => {
    const principal = await t.services.org.authenticateToken(t.token('waitan.officer'));
    app = express();
    app.use(requestContext);
    app.use(multer({ storage: multer.memoryStorage() }).array('photos'));
    app.use((req, _res, next) => {
      req.principal = principal;
      next();
    });
    app.use(idempotency(t.services, { source: 'web' }));
    app.post('/form', (req, res) => {
      runs += 1;
      // The hidden key is the form's machinery: the route never sees it.
      res.status(201).json({ runs, fields: Object.keys(req.body as object).sort() });
    });
    app.use(apiErrorHandler(t.services.logger));
  });

  const send = (key: string, photo: Buffer) =>
    request(app)
      .post('/form')
      .field('_idempotency', key)
      .field('notes', '未见回潮')
      .attach('photos', photo, { filename: 'a.jpg', contentType: 'image/jpeg' });

  it('the hidden key of a form with photos: sent twice, taken once; with other photos, a 422', async () => {
    const key = randomUUID();
    const first = await send(key, Buffer.from('photo one'));
    expect(first.status).toBe(201);
    expect(first.body.fields).toEqual(['notes']);
    const again = await send(key, Buffer.from('photo one'));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await send(key, Buffer.from('photo two'))).status).toBe(422);
    expect(runs).toBe(1);
  });
});

describe('keys past their time', () => {
  it('are as good as unused after keepHours, and the idempotency-keys job removes them', async () => {
    const { keepHours } = t.services.config.idempotency;
    const key = randomUUID();
    await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { title: '第一份' }))
      .set('Idempotency-Key', key)
      .expect(201);
    t.clock.advance(keepHours * HOUR - 60_000);
    // Within the 48 h: still the first request's key.
    await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { title: '第二份' }))
      .set('Idempotency-Key', key)
      .expect(422);
    const kept = randomUUID();
    await t.as('waitan.leader').post('/api/v1/notifications/read-all', {}).set('Idempotency-Key', kept).expect(200);
    t.clock.advance(60_000);
    const run = await t.services.jobs.run('idempotency-keys', { via: 'cli' });
    expect(run).toMatchObject({ status: 'ok' });
    expect(run.did).toBeGreaterThanOrEqual(1);
    expect(await keyRows(key)).toBe(0);
    expect(await keyRows(kept)).toBe(1);
    // Gone, the key may name a new request.
    const reused = await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { title: '第二份' }))
      .set('Idempotency-Key', key);
    expect(reused.status).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
  });

  it('an expired key not yet removed is as good as unused', async () => {
    const key = randomUUID();
    await t.as('waitan.leader').post('/api/v1/notifications/read-all', {}).set('Idempotency-Key', key).expect(200);
    t.clock.advance(t.services.config.idempotency.keepHours * HOUR);
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/notifications/read-all', { upTo: 1 })
      .set('Idempotency-Key', key);
    expect(res.status).toBe(200);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('documents Idempotency-Key, and the 400, 409 and 422 it adds, on every write of the API', () => {
    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<string, { parameters?: unknown[]; responses: Record<string, { description: string }> }>
      >;
      components: { parameters: Record<string, { name: string; in: string }> };
    };
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    const writes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, item]) =>
        ['post', 'put', 'patch', 'delete'].flatMap((m) => (item[m] ? [{ at: `${m} ${path}`, op: item[m] }] : [])),
      );
    expect(writes.length).toBeGreaterThan(30);
    for (const { at, op } of writes) {
      expect({ at, parameters: op.parameters }).toEqual({
        at,
        parameters: expect.arrayContaining([{ $ref: '#/components/parameters/IdempotencyKey' }]),
      });
      expect({ at, d: op.responses['409']?.description }).toEqual({
        at,
        d: expect.stringContaining('idempotency_key_in_use'),
      });
      expect({ at, d: op.responses['422']?.description }).toEqual({
        at,
        d: expect.stringContaining('idempotency_key_reused'),
      });
      expect({ at, d: op.responses['400']?.description }).toEqual({
        at,
        d: expect.stringContaining('Idempotency-Key'),
      });
    }
    // Reads take no key.
    expect(doc.paths['/api/v1/operations'].get.parameters).not.toContainEqual({
      $ref: '#/components/parameters/IdempotencyKey',
    });
  });
});
