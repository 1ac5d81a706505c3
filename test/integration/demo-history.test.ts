import { seedDemoHistory } from '../../src/domain/org/demo-history';
import { createLogger } from '../../src/logger';
import { holdGroupMeeting } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const count = async (sql: string) => Number((await t.services.db.dataSource.query(sql))[0].n);

describe('the demo past (a fresh start’s history)', () => {
  it('drives operations through the workflows into every state of the past, and withdraws only its own announcements', async () => {
    // A meeting held before: its announcements wait in the outbox and must stay there.
    await holdGroupMeeting(t, 'north', '2026-10-20T14:00:00');
    const waiting = await count('SELECT COUNT(*) AS n FROM outbox');
    expect(waiting).toBeGreaterThan(0);
    const report = await seedDemoHistory(t.services.config, t.services.db, createLogger({ silent: true }), { months: 3, now: t.clock.now() });
    expect(report.operations).toBeGreaterThanOrEqual(8);
    expect(await count('SELECT COUNT(*) AS n FROM operations')).toBe(report.operations);
    // Every step is in the history, as the engine writes it.
    expect(await count("SELECT COUNT(*) AS n FROM workflow_history WHERE event <> 'CREATE'")).toBeGreaterThanOrEqual(report.operations * 3);
    expect(await count("SELECT COUNT(*) AS n FROM operations WHERE state = 'closed'")).toBeGreaterThan(0);
    expect(await count('SELECT COUNT(*) AS n FROM outbox')).toBe(waiting);
  });
});
