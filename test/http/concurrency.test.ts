import request from 'supertest';
import { createOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('two callers acting on the same version at once', () => {
  it('exactly one succeeds, the other gets 409 stale_version, and one history row is written', async () => {
    const { id } = await createOperation(t);
    const v = await send(t, id, 1, 'FILE');
    const approve = () =>
      request(t.app)
        .post(`/api/v1/operations/${id}/events`)
        .set('Authorization', `Bearer ${t.token('duty')}`)
        .send({ type: 'APPROVE', expectedVersion: v });
    const ret = () =>
      request(t.app)
        .post(`/api/v1/operations/${id}/events`)
        .set('Authorization', `Bearer ${t.token('duty2')}`)
        .send({ type: 'RETURN', expectedVersion: v, reason: '补充' });
    const results = await Promise.all([approve(), ret()]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe('stale_version');
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body.items;
    expect(history.map((h: { seq: number }) => h.seq)).toEqual([1, 2, 3]);
    expect(['APPROVE', 'RETURN']).toContain(history[2].event);
    // The loser's hash (from the same chain head) never landed: the chain runs on from the winner's.
    expect((await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body).toMatchObject({
      verified: true,
      firstBadSeq: null,
    });
  });

  it('editors racing on one record, each retrying after a 409, leave a gap-free chain that verifies', async () => {
    const { id } = await createOperation(t);
    const titles = Array.from({ length: 6 }, (_, i) => `外滩沿线整治（第 ${i + 1} 稿）`);
    let stale = 0;
    const edit = async (title: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const { version } = (await t.as('waitan.leader').get(`/api/v1/operations/${id}`).expect(200)).body;
        const res = await t.as('waitan.leader').patch(`/api/v1/operations/${id}`, { title, expectedVersion: version });
        if (res.status === 200) return;
        expect(res.body.error.code).toBe('stale_version');
        stale++;
      }
      throw new Error('never got through');
    };
    await Promise.all(titles.map(edit));
    expect(stale).toBeGreaterThan(0);
    const body = (await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body;
    expect(body.items.map((h: { seq: number }) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(body).toMatchObject({ verified: true, firstBadSeq: null });
    expect(new Set(body.items.map((h: { hash: string }) => h.hash)).size).toBe(7);
    const report = await t.services.historyChain.verify();
    expect(report.ok).toBe(true);
  });

  it('under a burst of 16 callers with the same version, exactly one wins every time', async () => {
    for (let round = 0; round < 3; round++) {
      const { id } = await createOperation(t);
      const v = await send(t, id, 1, 'FILE');
      const burst = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          request(t.app)
            .post(`/api/v1/operations/${id}/events`)
            .set('Authorization', `Bearer ${t.token(i % 2 ? 'duty' : 'duty2')}`)
            .send({ type: 'APPROVE', expectedVersion: v }),
        ),
      );
      expect(burst.filter((r) => r.status === 200)).toHaveLength(1);
      expect(burst.filter((r) => r.status === 409 && r.body.error.code === 'stale_version')).toHaveLength(15);
      const [row] = await t.services.db.dataSource.query(
        `SELECT COUNT(*) AS n FROM workflow_history WHERE instance_id = ${id}`,
      );
      expect(Number(row.n)).toBe(3);
      const [outbox] = await t.services.db.dataSource.query(
        `SELECT COUNT(*) AS n FROM outbox WHERE instance_id = ${id} AND topic = 'operation.approved'`,
      );
      expect(Number(outbox.n)).toBe(1);
      expect((await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body).toMatchObject({
        verified: true,
      });
    }
  });
});
