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

describe('a claimed batch goes in one transaction (issue 14)', () => {
  /** A second in-app kind of transport with no batch form: the worker then goes row by row, as before. */
  function rowByRow(): NotificationTransport {
    return { name: 'quiet', deliver: async () => undefined };
  }

  /** Five events of two operations (two filings, a return with its reason, an approval, an incident); their outbox rows. */
  async function fiveEvents() {
    const first = await filedPlan();
    await send(t, first.id, first.version, 'RETURN');
    const second = await filedPlan();
    const approved = await send(t, second.id, second.version, 'APPROVE');
    t.clock.advance(24 * HOUR);
    const started = await send(t, second.id, approved, 'START');
    await send(t, second.id, started, 'LOG_INCIDENT');
    const { rows } = await sql<{ id: number }>(
      t.services.db.manager,
      'SELECT id FROM outbox WHERE delivered_at IS NULL AND instance_id IN (?, ?) ORDER BY id',
      [first.id, second.id],
    );
    return { ids: rows.map((r) => Number(r.id)), operations: [first.id, second.id] };
  }

  /** What each row told whom, operation ids written as their order among `operations`. */
  async function told(ids: number[], operations: number[]) {
    const { rows } = await sql<{ outbox_id: number; username: string; topic: string; params: unknown; link: string }>(
      t.services.db.manager,
      `SELECT n.outbox_id, u.username, n.topic, n.params, n.link FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.outbox_id IN (${ids.map(() => '?').join(', ')}) ORDER BY n.outbox_id, u.username`,
      ids,
    );
    const which = (id: unknown) => `op${operations.indexOf(Number(id))}`;
    return rows.map((r) => {
      const params = (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as Record<string, unknown>;
      return {
        row: ids.indexOf(Number(r.outbox_id)),
        to: r.username,
        topic: r.topic,
        link: r.link.replace(/\d+$/, (id) => which(id)),
        params: {
          ...params,
          operationId: which(params.operationId),
          number: params.number ? 'numbered' : null,
        } as Record<string, unknown>,
      };
    });
  }

  it('tells exactly what row by row tells, and marks every row delivered', async () => {
    const batch = await fiveEvents();
    expect(batch.ids).toHaveLength(5);
    const together = await worker().drain();
    expect(together).toMatchObject({ claimed: 5, delivered: 5, retried: 0, lost: 0, errors: [] });

    const single = await fiveEvents();
    const oneByOne = await worker([rowByRow()]).drain();
    expect(oneByOne).toMatchObject({ claimed: 5, delivered: 5, retried: 0, lost: 0 });
    // The same deliveries in all (the quiet transport counts its own too).
    expect(oneByOne.deliveries).toBe(together.deliveries * 2);

    const a = await told(batch.ids, batch.operations);
    const b = await told(single.ids, single.operations);
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(a).toEqual(b);
    expect(a.find((n) => n.topic === 'operation.returned')?.params.note).toBe('请补充应急预案的具体分工');
    for (const id of batch.ids)
      expect(await outboxRow(id)).toMatchObject({ attempts: 1, lastError: null, claimedBy: null });
  });

  it('a row another worker takes over while the batch is written undoes the batch; the rest go one by one, nothing twice', async () => {
    const { ids } = await fiveEvents();
    const inApp = new InAppTransport(t.services.db);
    let tookOver = false;
    // The bell, and meanwhile another worker takes the last row (its lease ran out): as the batch is written.
    const racing: NotificationTransport = {
      name: 'in_app',
      deliver: (r, m) => inApp.deliver(r, m),
      async deliverBatchIn(m, batch) {
        await inApp.deliverBatchIn(m, batch);
        if (!tookOver) {
          tookOver = true;
          await sql(t.services.db.manager, 'UPDATE outbox SET claimed_by = ? WHERE id = ?', ['other-worker', ids[4]]);
        }
      },
    };
    const { db, config, logger } = t.services;
    const w = new OutboxWorker(db, t.clock, config.notifications, logger, [racing], 'racing-worker');
    const r = await w.drain();
    expect(tookOver).toBe(true);
    if (db.kind === 'sqlite') {
      // One connection, writes in turn: the other worker's write fell inside the batch's transaction and was
      // undone with it; the rows, ours again, went one by one.
      expect(r).toMatchObject({ claimed: 5, delivered: 5, lost: 0 });
      const { rows } = await sql<{ n: number }>(
        db.manager,
        `SELECT COUNT(*) AS n FROM notifications WHERE outbox_id IN (${ids.map(() => '?').join(', ')}) GROUP BY outbox_id, user_id HAVING COUNT(*) > 1`,
        ids,
      );
      expect(rows).toEqual([]);
      return;
    }
    expect(r).toMatchObject({ claimed: 5, delivered: 4, lost: 1 });
    // The batch's writes were undone: the taken row was told by nobody here, the others once each.
    const { rows } = await sql<{ outbox_id: number; n: number }>(
      t.services.db.manager,
      `SELECT outbox_id, COUNT(*) AS n FROM notifications WHERE outbox_id IN (${ids.map(() => '?').join(', ')}) GROUP BY outbox_id, user_id ORDER BY outbox_id`,
      ids,
    );
    expect(rows.every((x) => Number(x.n) === 1)).toBe(true);
    expect(rows.some((x) => Number(x.outbox_id) === ids[4])).toBe(false);
    expect(await outboxRow(ids[4])).toMatchObject({ deliveredAt: null, claimedBy: 'other-worker' });
    // Leave nothing for the next test: the taken row's lease runs out and a worker delivers it.
    await sql(t.services.db.manager, 'UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ?', [
      ids[4],
    ]);
  });
});
