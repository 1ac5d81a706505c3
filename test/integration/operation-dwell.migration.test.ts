import { operationIn, send, systemActorOf } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { OperationDwell1796778000000 } from '../../src/persistence/migrations/20261209T0100-operation-dwell';

let t: TestApp;
const HOUR = 3_600_000;
const STATES = ['draft', 'filed', 'approved', 'in_progress', 'holding', 'awaiting_audit'];
const COLUMNS = ['state_since', ...STATES.flatMap((s) => [`dwell_${s}_seconds`, `dwell_${s}_stays`])];

beforeAll(async () => {
  t = await startTestApp({ now: '2025-09-01T01:00:00.000Z' });
});
afterAll(async () => {
  await t.close();
});

/** Each operation's dwell columns, by id, as plain numbers (state_since as epoch ms). */
async function dwellColumns(): Promise<Record<string, Record<string, number | null>>> {
  const rows: Array<Record<string, unknown>> = await t.services.db.dataSource.query(
    `SELECT id, ${COLUMNS.join(', ')} FROM operations ORDER BY id`,
  );
  const since = (v: unknown) =>
    v === null ? null : (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`)).getTime();
  return Object.fromEntries(
    rows.map((r) => [
      String(r.id),
      Object.fromEntries(
        COLUMNS.map((c) => [c, c === 'state_since' ? since(r[c]) : Math.round(Number(r[c]) * 1000) / 1000]),
      ),
    ]),
  );
}

describe('where operations wait longest, kept on the operation', () => {
  it('adds each step’s time since the step before to the state it leaves, a stay each (a holding check too)', async () => {
    const { id, version } = await operationIn(t, 'holding');
    t.clock.advance(24 * HOUR);
    const v = await send(t, id, version, 'LOG_HOLDING_CHECK');
    t.clock.advance(24 * HOUR);
    await send(t, id, v, 'LOG_HOLDING_CHECK');
    const row = (await dwellColumns())[String(id)];
    // operationIn: filed and approved at once, started a day later, completed 5 h after; then two checks a day apart.
    expect(row).toMatchObject({
      dwell_draft_stays: 1,
      dwell_filed_stays: 1,
      dwell_approved_seconds: 24 * 3600,
      dwell_approved_stays: 1,
      dwell_in_progress_seconds: 5 * 3600,
      dwell_in_progress_stays: 1,
      dwell_holding_seconds: 48 * 3600,
      dwell_holding_stays: 2,
      dwell_awaiting_audit_stays: 0,
      state_since: t.clock.now().getTime() - (t.clock.now().getTime() % 1000),
    });
  });

  it('a step the system records after the fact counts from when it happened', async () => {
    const { id } = await operationIn(t, 'holding');
    const completedAt = t.clock.now().getTime();
    const [{ deadline }] = await t.services.db.dataSource.query(
      `SELECT holding_deadline AS deadline FROM operations WHERE id = ${id}`,
    );
    const due = deadline instanceof Date ? deadline : new Date(`${String(deadline).replace(' ', 'T')}Z`);
    // The sweeper notices half an hour late; the period ended at its due time.
    t.clock.set(new Date(due.getTime() + 30 * 60_000).toISOString());
    await t.services.engine.send(
      t.services.workflows.operation,
      id,
      await systemActorOf(t),
      { type: 'HOLDING_ELAPSED' },
      { effectiveAt: due },
    );
    const row = (await dwellColumns())[String(id)];
    expect(row.dwell_holding_seconds).toBe(Math.round((due.getTime() - completedAt) / 1000));
    expect(row.state_since).toBe(due.getTime() - (due.getTime() % 1000));
  });

  it('the migration fills from the history exactly what the steps keep', async () => {
    const kept = await dwellColumns();
    expect(Object.keys(kept).length).toBeGreaterThanOrEqual(2);
    const migration = new OperationDwell1796778000000();
    const q = t.services.db.dataSource.createQueryRunner();
    try {
      await migration.down(q);
      await migration.up(q);
    } finally {
      await q.release();
    }
    expect(await dwellColumns()).toEqual(kept);
  });
});
