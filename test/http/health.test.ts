import request from 'supertest';
import { startTestApp } from '../support/test-app';

describe('GET /healthz', () => {
  it('is 200 {"status":"ok"} while the database answers, and 503 once it does not', async () => {
    const t = await startTestApp();
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
    await t.services.db.close();
    const res = await request(t.app).get('/healthz').expect(503);
    expect(res.body.status).not.toBe('ok');
    await t.database.drop();
  });
});
