import { Brigade, Flag, OutboxMessage, User, UserRole } from '../../src/persistence/entities';
import { sql } from '../../src/persistence/sql';
import { InAppTransport } from '../../src/domain/notifications/in-app.transport';
import type {
  NotificationMessage,
  NotificationTransport,
  Recipient,
} from '../../src/domain/notifications/notification.transport';
import { OutboxWorker } from '../../src/domain/notifications/outbox.worker';
import { createOperation, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
// Each test starts with nothing left to deliver.
beforeEach(async () => {
  await t.services.outbox.drain();
});

/** A transport that remembers what went out (`outboxId:username`) and behaves as told on each call. */
function recording(
  name: string,
  behave: (r: Recipient, n: number) => void | Promise<void> = () => undefined,
): NotificationTransport & { sent: string[]; calls: number } {
  const transport = {
    name,
    sent: [] as string[],
    calls: 0,
    async deliver(r: Recipient, m: NotificationMessage) {
      transport.calls++;
      await behave(r, transport.calls);
      transport.sent.push(`${m.outboxId}:${r.username}`);
    },
  };
  return transport;
}

/** A worker of its own (another instance, other transports), on the same database and clock; the in-app transport first. */
function worker(transports: NotificationTransport[] = [], instance = 'test-worker') {
  const { db, config, logger } = t.services;
  return new OutboxWorker(db, t.clock, config.notifications, logger, [new InAppTransport(db), ...transports], instance);
}

/** What a user was told, oldest first: `topic #id`. */
async function toldTo(username: string): Promise<string[]> {
  const { rows } = await sql<{ topic: string; link: string }>(
    t.services.db.manager,
    'SELECT n.topic, n.link FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = ? ORDER BY n.outbox_id, n.id',
    [username],
  );
  return rows.map((r) => `${r.topic} ${r.link}`);
}

const outboxRow = (id: number) => t.services.db.manager.findOneByOrFail(OutboxMessage, { id });
const lastOutboxId = async () =>
  (await t.services.db.manager.find(OutboxMessage, { order: { id: 'DESC' }, take: 1 }))[0].id;

/** A plan drafted and filed by Waitan's leader: one `operation.filed` row in the outbox. */
async function filedPlan() {
  const { id } = await createOperation(t);
  const version = await send(t, id, 1, 'FILE');
  return { id, version, outboxId: await lastOutboxId() };
}

describe('the outbox is delivered after commit', () => {
  it('a filed plan reaches the duty officers when the worker runs, not before, and not the leader who filed it', async () => {
    const { id, outboxId } = await filedPlan();
    expect(await toldTo('duty')).not.toContain(`operation.filed /operations/${id}`);
    const r = await t.services.outbox.drain();
    expect(r).toMatchObject({ claimed: 1, delivered: 1, retried: 0, deliveries: 2 });
    expect(await toldTo('duty')).toContain(`operation.filed /operations/${id}`);
    expect(await toldTo('duty2')).toContain(`operation.filed /operations/${id}`);
    expect(await toldTo('waitan.leader')).not.toContain(`operation.filed /operations/${id}`);
    expect(await outboxRow(outboxId)).toMatchObject({
      attempts: 1,
      lastError: null,
      claimedBy: null,
      claimedUntil: null,
      deliveredAt: t.clock.now(),
    });
  });

  it('a delivery failure is retried with backoff, visibly, and nothing is delivered twice to the same person', async () => {
    let down = true;
    const sms = recording('sms', () => {
      if (down) throw new Error('SMS gateway unreachable');
    });
    const w = worker([sms]);
    const { outboxId } = await filedPlan();

    const first = await w.drain();
    expect(first).toMatchObject({ claimed: 1, delivered: 0, retried: 1, deliveries: 2 });
    const waiting = await outboxRow(outboxId);
    expect(waiting).toMatchObject({
      deliveredAt: null,
      attempts: 1,
      lastError: 'sms: SMS gateway unreachable',
      claimedBy: null,
    });
    // R: the first retry waits retryBaseSeconds (30 s).
    expect(waiting.availableAt.getTime() - t.clock.now().getTime()).toBe(30_000);
    // In the app, both were told at once; the failing transport did not hold that back.
    expect((await toldTo('duty')).filter((x) => x.startsWith('operation.filed')).length).toBeGreaterThan(0);

    // Not due yet: nothing happens.
    expect(await w.drain()).toMatchObject({ claimed: 0 });
    down = false;
    t.clock.advance(30_000);
    const second = await w.drain();
    // Only the SMS went out now: the in-app deliveries of the first attempt are not made again.
    expect(second).toMatchObject({ claimed: 1, delivered: 1, retried: 0, deliveries: 2 });
    expect(sms.sent.sort()).toEqual([`${outboxId}:duty`, `${outboxId}:duty2`]);
    expect(await outboxRow(outboxId)).toMatchObject({ attempts: 2, lastError: null, deliveredAt: t.clock.now() });
    const { rows } = await sql<{ n: number }>(
      t.services.db.manager,
      'SELECT COUNT(*) AS n FROM notifications WHERE outbox_id = ?',
      [outboxId],
    );
    expect(Number(rows[0].n)).toBe(2);
    const deliveries = await sql<{ transport: string; n: number }>(
      t.services.db.manager,
      'SELECT transport, COUNT(*) AS n FROM notification_deliveries WHERE outbox_id = ? GROUP BY transport ORDER BY transport',
      [outboxId],
    );
    expect(deliveries.rows.map((r) => [r.transport, Number(r.n)])).toEqual([
      ['in_app', 2],
      ['sms', 2],
    ]);
  });

  it('a transport that fails half-way is retried for the rest only', async () => {
    // The gateway takes the first message and fails on the second, once.
    const sms = recording('sms', (_r, n) => {
      if (n === 2) throw new Error('timeout');
    });
    const w = worker([sms]);
    const { outboxId } = await filedPlan();
    expect(await w.drain()).toMatchObject({ retried: 1 });
    expect(sms.sent).toEqual([`${outboxId}:duty`]);
    t.clock.advance(30_000);
    expect(await w.drain()).toMatchObject({ delivered: 1 });
    expect(sms.sent).toEqual([`${outboxId}:duty`, `${outboxId}:duty2`]);
    expect(sms.calls).toBe(3);
  });

  it('the wait doubles with each failure, up to the longest wait, and the row is never given up', async () => {
    const w = worker([recording('sms', () => Promise.reject(new Error('no route')))]);
    const { outboxId } = await filedPlan();
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      await w.drain();
      const row = await outboxRow(outboxId);
      waits.push((row.availableAt.getTime() - t.clock.now().getTime()) / 1000);
      t.clock.set(row.availableAt);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    expect(await outboxRow(outboxId)).toMatchObject({ attempts: 9, deliveredAt: null, lastError: 'sms: no route' });
    // The people were told in the app on the first attempt, once.
    const { rows } = await sql<{ n: number }>(
      t.services.db.manager,
      'SELECT COUNT(*) AS n FROM notifications WHERE outbox_id = ?',
      [outboxId],
    );
    expect(Number(rows[0].n)).toBe(2);
    // Settle it for the tests that follow.
    await t.services.outbox.drain();
  });
});

describe('nothing twice to the same person for the same event', () => {
  it('even when two workers drain at the same time', async () => {
    const filed = [];
    for (let i = 0; i < 6; i++) filed.push(await filedPlan());
    // A slow gateway, so the two workers overlap.
    const slow = () => new Promise<void>((r) => setTimeout(r, 3));
    const smsA = recording('sms', slow);
    const smsB = recording('sms', slow);
    const [a, b] = await Promise.all([worker([smsA], 'instance-a').drain(), worker([smsB], 'instance-b').drain()]);
    expect(a.claimed + b.claimed).toBe(6);
    expect(a.delivered + b.delivered).toBe(6);
    const sent = [...smsA.sent, ...smsB.sent].sort();
    expect(sent).toEqual(filed.flatMap((f) => [`${f.outboxId}:duty`, `${f.outboxId}:duty2`]).sort());
    const { rows } = await sql<{ user_id: number; outbox_id: number; n: number }>(
      t.services.db.manager,
      `SELECT user_id, outbox_id, COUNT(*) AS n FROM notifications WHERE outbox_id IN (${filed.map(() => '?').join(', ')}) GROUP BY user_id, outbox_id`,
      filed.map((f) => f.outboxId),
    );
    expect(rows.length).toBe(12);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('even after a worker died between delivering and marking the row: another takes over when its lease runs out', async () => {
    // The first worker hangs in the SMS gateway after the in-app delivery went out (as good as dead).
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const hanging = recording('sms', () => stuck);
    const { outboxId } = await filedPlan();
    const dying = worker([hanging], 'instance-dying').drain();
    while (hanging.calls === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await outboxRow(outboxId)).toMatchObject({
      claimedBy: expect.stringContaining('instance-dying'),
      deliveredAt: null,
    });

    // Within the lease, nobody else touches the row.
    const sms = recording('sms');
    const other = worker([sms], 'instance-other');
    expect(await other.drain()).toMatchObject({ claimed: 0 });
    // After it (60 s), the other worker delivers what is missing: the SMS, not the in-app notifications again.
    t.clock.advance(61_000);
    expect(await other.drain()).toMatchObject({ claimed: 1, delivered: 1, deliveries: 2 });
    expect(sms.sent.sort()).toEqual([`${outboxId}:duty`, `${outboxId}:duty2`]);

    // The first worker comes back to life: its claim is gone, so it sends nobody else anything and marks nothing.
    // (The one message it was in the middle of sending went out twice: at least once, by its nature; a gateway can drop it by its key.)
    release();
    const late = await dying;
    expect(late).toMatchObject({ delivered: 0, lost: 1 });
    expect(hanging.sent).toEqual([`${outboxId}:duty`]);
    expect(await outboxRow(outboxId)).toMatchObject({ attempts: 1, lastError: null });
    const { rows } = await sql<{ user_id: number; n: number }>(
      t.services.db.manager,
      'SELECT user_id, COUNT(*) AS n FROM notifications WHERE outbox_id = ? GROUP BY user_id',
      [outboxId],
    );
    expect(rows.map((r) => Number(r.n))).toEqual([1, 1]);
    const deliveries = await sql<{ n: number }>(
      t.services.db.manager,
      "SELECT COUNT(*) AS n FROM notification_deliveries WHERE outbox_id = ? AND transport = 'sms'",
      [outboxId],
    );
    expect(Number(deliveries.rows[0].n)).toBe(2);
  });

  it('even after a crash between the in-app delivery and its record: delivering again adds nothing', async () => {
    const { id, outboxId } = await filedPlan();
    const duty = await t.services.db.manager.findOneByOrFail(User, { username: 'duty' });
    // What the crashed worker managed: the notification row, no delivery record, the row not marked.
    await new InAppTransport(t.services.db).deliver(
      { userId: duty.id, brigadeId: duty.brigadeId, username: 'duty', displayName: duty.displayName },
      {
        outboxId,
        brigadeId: duty.brigadeId,
        topic: 'operation.filed',
        params: { operationId: id, title: 'x' },
        link: `/operations/${id}`,
        at: t.clock.now(),
      },
    );
    expect(await t.services.outbox.drain()).toMatchObject({ claimed: 1, delivered: 1 });
    const { rows } = await sql<{ username: string; n: number }>(
      t.services.db.manager,
      'SELECT u.username, COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.outbox_id = ? GROUP BY u.username ORDER BY u.username',
      [outboxId],
    );
    expect(rows.map((r) => [r.username, Number(r.n)])).toEqual([
      ['duty', 1],
      ['duty2', 1],
    ]);
  });

  it('a worker run twice over the same rows finds nothing more to do', async () => {
    await filedPlan();
    expect(await t.services.outbox.drain()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await t.services.outbox.drain()).toMatchObject({ claimed: 0, delivered: 0, deliveries: 0 });
  });
});

describe('who hears of what, through the whole operation', () => {
  it('returned → the lead squad’s leader; approved → the lead squad’s leader; audit due → the inspectors not of the host squad', async () => {
    const { id, version } = await filedPlan();
    let v = await send(t, id, version, 'RETURN');
    await t.services.outbox.drain();
    expect(await toldTo('waitan.leader')).toContain(`operation.returned /operations/${id}`);
    expect(await toldTo('duty')).not.toContain(`operation.returned /operations/${id}`);
    const [returned] = (
      await t.services.notifications.list(
        await t.services.org.principalFor(
          (await t.services.db.manager.findOneByOrFail(User, { username: 'waitan.leader' })).id,
        ),
      )
    ).items;
    expect(returned.params).toMatchObject({ operationId: id, note: '请补充应急预案的具体分工' });

    v = await send(t, id, v, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    t.clock.advance(24 * HOUR);
    v = await send(t, id, v, 'START');
    t.clock.advance(5 * HOUR);
    await send(t, id, v, 'COMPLETE');
    t.clock.advance(8 * 24 * HOUR);
    const run = await t.services.jobs.run('holding', { via: 'cli' });
    expect(run.status).toBe('ok');
    const outbox = await t.services.jobs.run('outbox', { via: 'cli' });
    expect(outbox).toMatchObject({ status: 'ok', found: 3, did: 3 });
    expect(await toldTo('waitan.leader')).toContain(`operation.approved /operations/${id}`);
    expect(await toldTo('inspector')).toContain(`operation.audit_due /operations/${id}`);
    // R14: inspector2 is of Waitan, the host squad.
    expect(await toldTo('inspector2')).not.toContain(`operation.audit_due /operations/${id}`);
  });

  it('a flag raised goes to the managers and the group’s squad leaders, and leads to the flag’s page', async () => {
    const { id } = await filedPlan();
    t.clock.advance(49 * HOUR);
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const flag = await t.services.db.manager.findOneByOrFail(Flag, { recordId: id, kind: 'time_limit' });
    await t.services.outbox.drain();
    for (const who of [
      'duty',
      'duty2',
      'commander',
      'waitan.leader',
      'nanjingdonglu.leader',
      'nanjinglu-walk.leader',
      'bund-scenic.leader',
    ]) {
      expect([who, await toldTo(who)]).toEqual([who, expect.arrayContaining([`flag.raised /flags/${flag.id}`])]);
    }
    expect(await toldTo('yuyuan.leader')).not.toContain(`flag.raised /flags/${flag.id}`);
    expect(await toldTo('inspector')).not.toContain(`flag.raised /flags/${flag.id}`);
  });
});

describe('brigades', () => {
  it('another brigade’s users never receive anything of this one, and this one nothing of theirs', async () => {
    const other = await t.services.db.transaction(async (m) => {
      await m.insert(Brigade, {
        code: 'jingan',
        name: '静安区城管执法大队',
        nameEn: 'Jing’an',
        timeZone: 'Asia/Shanghai',
        createdAt: t.clock.now(),
        since: '2026-11',
      });
      const brigade = await m.findOneByOrFail(Brigade, { code: 'jingan' });
      for (const [username, role] of [
        ['jingan.duty', 'duty_officer'],
        ['jingan.commander', 'commander'],
        ['jingan.inspector', 'inspector'],
      ]) {
        await m.insert(User, {
          brigadeId: brigade.id,
          username,
          displayName: username,
          squadId: null,
          passwordHash: 'x',
          active: true,
          createdAt: t.clock.now(),
          updatedAt: t.clock.now(),
        });
        const u = await m.findOneByOrFail(User, { username });
        await m.insert(UserRole, { userId: u.id, role });
      }
      return brigade;
    });
    // Everything Huangpu does in a whole cycle, and a flag of each brigade.
    const { id, version } = await filedPlan();
    await send(t, id, version, 'APPROVE');
    await t.services.db.transaction((m) =>
      t.services.flags.sync(
        m,
        other.id,
        { kind: 'hq_meeting_missing', periods: ['2026-H2'] },
        [{ rule: 'R9', kind: 'hq_meeting_missing', period: '2026-H2', subject: 'hq', figures: {} }],
        null,
      ),
    );
    const huangpu = await t.services.org.brigadeByCode('huangpu');
    await t.services.db.transaction((m) =>
      t.services.flags.sync(
        m,
        huangpu.id,
        { kind: 'hq_meeting_missing', periods: ['2026-H2'] },
        [{ rule: 'R9', kind: 'hq_meeting_missing', period: '2026-H2', subject: 'hq', figures: {} }],
        null,
      ),
    );
    await t.services.outbox.drain();

    const theirs = await t.services.db.manager.findOneByOrFail(Flag, { brigadeId: other.id });
    const ours = await t.services.db.manager.findOneByOrFail(Flag, {
      brigadeId: huangpu.id,
      kind: 'hq_meeting_missing',
    });
    for (const who of ['jingan.duty', 'jingan.commander'])
      expect([who, await toldTo(who)]).toEqual([who, [`flag.raised /flags/${theirs.id}`]]);
    expect(await toldTo('jingan.inspector')).toEqual([]);
    expect(await toldTo('duty')).toContain(`flag.raised /flags/${ours.id}`);
    expect(await toldTo('duty')).not.toContain(`flag.raised /flags/${theirs.id}`);
    const { rows } = await sql<{ n: number }>(
      t.services.db.manager,
      'SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.brigade_id <> u.brigade_id',
    );
    expect(Number(rows[0].n)).toBe(0);
  });
});

describe('the outbox job', () => {
  it('delivers, keeps the runs that did something, and forgets idle runs and slot claims after an hour', async () => {
    const start = t.clock.now();
    const m = t.services.db.manager;
    const claim = (key: string) =>
      sql(m, 'INSERT INTO job_slots (slot_key, job, instance, claimed_at, finished_at) VALUES (?, ?, ?, ?, ?)', [
        key,
        key.split(':')[0],
        'x',
        start,
        start,
      ]);
    const old = new Date(start.getTime() - 2 * HOUR).toISOString();
    await claim(`outbox:${old}`);
    await claim(`sessions:${old}`);
    await claim(`outbox:${new Date(start.getTime() + 10 * HOUR).toISOString()}`);
    const idle = await t.services.jobs.run('outbox', { via: 'schedule' });
    // The old claim of an outbox slot goes; another job's, and a recent one, stay.
    expect(idle).toMatchObject({ status: 'ok', found: 0, summary: expect.objectContaining({ slotsPruned: 1 }) });
    await filedPlan();
    const busy = await t.services.jobs.run('outbox', { via: 'schedule' });
    expect(busy).toMatchObject({ status: 'ok', found: 1, did: 1, summary: expect.objectContaining({ deliveries: 2 }) });
    t.clock.advance(2 * HOUR);
    const later = await t.services.jobs.run('outbox', { via: 'schedule' });
    expect(later.summary).toMatchObject({ idleRunsPruned: 1 });
    const runs = await t.services.jobs.recent(50, 'outbox');
    expect(runs.map((r) => r.id)).toEqual(expect.arrayContaining([busy.id, later.id]));
    expect(runs.map((r) => r.id)).not.toContain(idle.id);
    const { rows } = await sql<{ slot_key: string }>(m, 'SELECT slot_key FROM job_slots ORDER BY slot_key');
    expect(rows.map((r) => r.slot_key.split(':')[0])).toEqual(expect.arrayContaining(['outbox', 'sessions']));
    expect(rows.map((r) => r.slot_key)).not.toContain(`outbox:${old}`);
  });
});

describe('draining right after the command', () => {
  it('when turned on (the server does), a filing reaches the duty officers without waiting for the job', async () => {
    t.services.outbox.start();
    try {
      const { id } = await filedPlan();
      await t.services.outbox.idle();
      expect(await toldTo('duty')).toContain(`operation.filed /operations/${id}`);
    } finally {
      await t.services.outbox.stop();
    }
  });
});
