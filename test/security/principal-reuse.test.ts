import { planBody } from '../support/factories';
import { TEST_DB, type TestDatabase } from '../support/db';
import { statementsSent } from '../support/statements';
import { principalHolds, tokenPrincipalRow } from '../../src/domain/org/org.queries';
import { sql } from '../../src/persistence/sql';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type Instance, sharedDatabase, startInstance, testClock } from './instances';

/**
 * Issue 14: an operation's event is answered with the token's principal as this instance last read it — no
 * read of the token — and the principal is checked in the step's version bump instead (EngineActor.holds).
 * Whatever changed on another instance (a token revoked, a user disabled, a role taken away or given, a
 * squad changed) holds on the very next event all the same, and nothing is written by a principal that no
 * longer holds.
 */

let database: TestDatabase;
let a: Instance;
let b: Instance;
const clock = testClock();
let admin: string;

beforeAll(async () => {
  database = await sharedDatabase();
  a = await startInstance(database.url, { clock, seed: true });
  b = await startInstance(database.url, { clock });
  admin = await a.services.org.issueToken('admin', 'test');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await database?.drop();
});
afterEach(() => {
  expect([...a.logged, ...b.logged]).toEqual([]);
});

const reused = async (outcome: 'used' | 'stale') =>
  (await b.services.metrics.principalReuse.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

/** The statements instance B sends while `work` runs. */
const statementsOnB = (work: () => Promise<unknown>) => statementsSent(b.services.db, work);

async function versionOf(id: number): Promise<number> {
  const { rows } = await sql<{ version: number }>(
    a.services.db.manager,
    'SELECT version FROM workflow_instances WHERE id = ?',
    [id],
  );
  return Number(rows[0].version);
}

/**
 * A user of waitan of their own (so a change to them touches no other test), with a token whose principal
 * instance B keeps: B reads the token once (any request does), and keeps the principal from then on.
 */
async function keptLeader(username: string, roles = ['squad_leader']): Promise<string> {
  await a
    .bearer(admin)
    .post('/api/v1/users', {
      username,
      displayName: `领导 ${username}`,
      roles,
      squad: 'waitan',
      password: 'leader-pass-2026',
    })
    .expect(201);
  const token = await a.services.org.issueToken(username, 'test');
  await b.bearer(token).get('/api/v1/me').expect(200);
  return token;
}

/** A kept leader (`keptLeader`), and a draft plan of their squad. */
async function leaderWithDraft(username: string, roles = ['squad_leader']) {
  const token = await keptLeader(username, roles);
  const lead = await a.services.org.issueToken('waitan.leader', 'test');
  const created = await a.bearer(lead).post('/api/v1/operations', planBody(clock.now())).expect(201);
  return { token, id: created.body.id as number };
}

const FILE = { type: 'FILE', expectedVersion: 1 };

/** Revokes, on instance A, the user's tokens (the administrator, through the API). */
async function revokeOnA(token: string): Promise<void> {
  const mine = await a.bearer(token).get('/api/v1/tokens').expect(200);
  for (const t of mine.body.items as Array<{ id: number }>)
    await a.bearer(admin).delete(`/api/v1/tokens/${t.id}`).expect(204);
}

describe(`a principal kept in memory for an operation's events (${TEST_DB})`, () => {
  it('answers the next event without reading the token, and checks the principal in the version bump', async () => {
    const { token, id } = await leaderWithDraft('reuse.one');
    const before = await reused('used');
    let res: { status: number } = { status: 0 };
    const sent = await statementsOnB(async () => {
      res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    });
    expect(res.status).toBe(200);
    expect(sent.filter((q) => /FROM api_tokens/.test(q) && !/^(UPDATE|BEGIN)/.test(q))).toEqual([]);
    expect(sent.filter((q) => /UPDATE workflow_instances .*api_tokens/s.test(q))).toHaveLength(1);
    expect((await reused('used')) - before).toBe(1);
    expect(await versionOf(id)).toBe(2);
  });

  it('a role taken away on the other instance: the next event is refused (403) and writes nothing', async () => {
    const { token, id } = await leaderWithDraft('reuse.demoted');
    await a
      .bearer(admin)
      .patch('/api/v1/users/reuse.demoted', { roles: ['officer'] })
      .expect(200);
    const stale = await reused('stale');
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(403);
    expect(await versionOf(id)).toBe(1);
    expect((await reused('stale')) - stale).toBe(1);
  });

  it('a refusal with a principal that did not change stands as it is: the event is run once, nothing run again', async () => {
    const { token, id } = await leaderWithDraft('reuse.same');
    const stale = await reused('stale');
    const used = await reused('used');
    let res = { status: 0, body: {} as Record<string, unknown> };
    const sent = await statementsOnB(async () => {
      res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, { type: 'FILE', expectedVersion: 7 });
    });
    expect(res.status).toBe(409);
    expect((res.body as { error: { code: string } }).error.code).toBe('stale_version');
    expect((await reused('used')) - used).toBe(1);
    expect((await reused('stale')) - stale).toBe(0);
    // The principal read afresh once (to know it did not change); the record read once (the refusal not run again).
    expect(sent.filter((q) => /^SELECT t\.id AS token_id/.test(q))).toHaveLength(1);
    expect(sent.filter((q) => /^SELECT id, brigade_id, machine_version/.test(q))).toHaveLength(1);
    expect(await versionOf(id)).toBe(1);
  });

  it('a role given on the other instance: the next event goes through (the refusal is run again as read)', async () => {
    const { token, id } = await leaderWithDraft('reuse.promoted', ['officer']);
    await a
      .bearer(admin)
      .patch('/api/v1/users/reuse.promoted', { roles: ['squad_leader'] })
      .expect(200);
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(200);
    expect(await versionOf(id)).toBe(2);
  });

  it('a token revoked on the other instance: the next event is 401 and writes nothing', async () => {
    const { token, id } = await leaderWithDraft('reuse.revoked');
    await revokeOnA(token);
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(401);
    expect(await versionOf(id)).toBe(1);
  });

  it('a request with an Idempotency-Key reads the principal: a revoked token’s repeat is 401, not replayed', async () => {
    const { token, id } = await leaderWithDraft('reuse.keyed');
    await b
      .bearer(token)
      .post(`/api/v1/operations/${id}/events`, FILE)
      .set('Idempotency-Key', 'reuse-keyed-1')
      .expect(200);
    await revokeOnA(token);
    const repeat = await b
      .bearer(token)
      .post(`/api/v1/operations/${id}/events`, FILE)
      .set('Idempotency-Key', 'reuse-keyed-1');
    expect(repeat.status).toBe(401);
    expect(repeat.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a user disabled on the other instance: the next event is 401 and writes nothing', async () => {
    const { token, id } = await leaderWithDraft('reuse.disabled');
    await a.bearer(admin).patch('/api/v1/users/reuse.disabled', { active: false }).expect(200);
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(401);
    expect(await versionOf(id)).toBe(1);
  });

  it('a user moved to another squad: the next event is refused as for the squad they are in now', async () => {
    const { token, id } = await leaderWithDraft('reuse.moved');
    await a.bearer(admin).patch('/api/v1/users/reuse.moved', { squad: 'yuyuan' }).expect(200);
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(403);
    expect(await versionOf(id)).toBe(1);
  });

  it('a user made the hotline feed only: the next event is refused by the feed’s scope, as a read principal is', async () => {
    const { token, id } = await leaderWithDraft('reuse.feed');
    await a
      .bearer(admin)
      .patch('/api/v1/users/reuse.feed', { roles: ['hotline_feed'], squad: null })
      .expect(200);
    const res = await b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE);
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe('hotline_feed_reports_only');
    expect(await versionOf(id)).toBe(1);
  });

  it('is kept until the token’s next note of use is due (a minute), then read again', async () => {
    const { token, id } = await leaderWithDraft('reuse.minute');
    clock.advance(61_000);
    const used = await reused('used');
    const sent = await statementsOnB(() => b.bearer(token).post(`/api/v1/operations/${id}/events`, FILE).expect(200));
    expect(await reused('used')).toBe(used);
    expect(sent.some((q) => /^SELECT t\.id AS token_id/.test(q))).toBe(true);
  });

  it('reads (GET) are never answered with a kept principal', async () => {
    const { token } = await leaderWithDraft('reuse.reader');
    const used = await reused('used');
    await b.bearer(token).get('/api/v1/operations').expect(200);
    await b.bearer(token).get('/api/v1/me').expect(200);
    expect(await reused('used')).toBe(used);
  });
});

describe(`a principal kept in memory for a plan's create (${TEST_DB})`, () => {
  const rows = async () =>
    (
      await sql<{ ops: number; instances: number }>(
        a.services.db.manager,
        'SELECT (SELECT COUNT(*) FROM operations) AS ops, (SELECT COUNT(*) FROM workflow_instances) AS instances',
      )
    ).rows.map((r) => ({ ops: Number(r.ops), instances: Number(r.instances) }))[0];

  /** Sends a plan through B after `change` on A; what was answered, and whether anything was written. */
  async function createAfter(token: string, change: () => Promise<unknown>) {
    await change();
    const before = await rows();
    const res = await b.bearer(token).post('/api/v1/operations', planBody(clock.now()));
    const after = await rows();
    return { res, written: after.ops - before.ops + (after.instances - before.instances) };
  }

  it('answers a create without reading the token, and checks the principal in the INSERT of the record’s first row', async () => {
    const token = await keptLeader('reuse.create');
    const before = await reused('used');
    let res: { status: number; body: { id?: number } } = { status: 0, body: {} };
    const sent = await statementsOnB(async () => {
      res = await b.bearer(token).post('/api/v1/operations', planBody(clock.now()));
    });
    expect(res.status).toBe(201);
    expect(sent.filter((q) => /FROM api_tokens/.test(q) && !/^(UPDATE|BEGIN|INSERT)/.test(q))).toEqual([]);
    expect(sent.filter((q) => /INSERT INTO workflow_instances .*api_tokens/s.test(q))).toHaveLength(1);
    expect((await reused('used')) - before).toBe(1);
    expect(await versionOf(Number(res.body.id))).toBe(1);
  });

  it('a role taken away on the other instance: the create is refused (403) and writes nothing', async () => {
    const token = await keptLeader('reuse.create.demoted');
    const { res, written } = await createAfter(token, () =>
      a
        .bearer(admin)
        .patch('/api/v1/users/reuse.create.demoted', { roles: ['officer'] })
        .expect(200),
    );
    expect(res.status).toBe(403);
    expect(written).toBe(0);
  });

  it('a token revoked, or its user disabled, on the other instance: the create is 401 and writes nothing', async () => {
    const revoked = await keptLeader('reuse.create.revoked');
    const one = await createAfter(revoked, () => revokeOnA(revoked));
    expect([one.res.status, one.written]).toEqual([401, 0]);
    const disabled = await keptLeader('reuse.create.disabled');
    const two = await createAfter(disabled, () =>
      a.bearer(admin).patch('/api/v1/users/reuse.create.disabled', { active: false }).expect(200),
    );
    expect([two.res.status, two.written]).toEqual([401, 0]);
  });

  it('a user moved to another squad: the create is refused as for the squad they are in now', async () => {
    const token = await keptLeader('reuse.create.moved');
    const { res, written } = await createAfter(token, () =>
      a.bearer(admin).patch('/api/v1/users/reuse.create.moved', { squad: 'yuyuan' }).expect(200),
    );
    expect(res.status).toBe(403);
    expect(written).toBe(0);
  });

  it('a role given on the other instance: the create goes through (the refusal is run again as read)', async () => {
    const token = await keptLeader('reuse.create.promoted', ['officer']);
    const stale = await reused('stale');
    const { res, written } = await createAfter(token, () =>
      a
        .bearer(admin)
        .patch('/api/v1/users/reuse.create.promoted', { roles: ['squad_leader'] })
        .expect(200),
    );
    expect(res.status).toBe(201);
    expect(written).toBe(2);
    expect((await reused('stale')) - stale).toBe(1);
  });

  it('a principal that changed after the create’s checks and before its write: nothing is written, and it is run again as read', async () => {
    const token = await keptLeader('reuse.create.race');
    // The role is taken away between the checks (done with the kept principal) and the INSERT that checks it.
    // (On SQLite the write would fail on its transaction's older snapshot all the same; on MariaDB only the check stops it.)
    const engine = b.services.engine;
    const create = engine.create.bind(engine);
    let once = true;
    engine.create = (async (...args: Parameters<typeof create>) => {
      if (once) {
        once = false;
        await a
          .bearer(admin)
          .patch('/api/v1/users/reuse.create.race', { roles: ['officer'] })
          .expect(200);
      }
      return create(...args);
    }) as typeof engine.create;
    try {
      const before = await rows();
      const res = await b.bearer(token).post('/api/v1/operations', planBody(clock.now()));
      expect(res.status).toBe(403);
      expect(await rows()).toEqual(before);
    } finally {
      engine.create = create;
    }
  });
});

class RolledBack extends Error {}

describe(`a principal's stamp (${TEST_DB})`, () => {
  const m = () => a.services.db.manager;
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');

  /** Whether the stamp read for `token` still holds, asked as the version bump asks it. */
  async function holds(tokenId: number, stamp: string, on: EntityManager = m()): Promise<boolean> {
    const condition = principalHolds(tokenId, Number(stamp));
    const { rows } = await sql<{ ok: number }>(
      on,
      `SELECT CASE WHEN ${condition.text} THEN 1 ELSE 0 END AS ok`,
      condition.params,
    );
    return Number(rows[0].ok) === 1;
  }

  it('changes with everything a principal is made of, and with nothing else', async () => {
    await a
      .bearer(admin)
      .post('/api/v1/users', {
        username: 'stamp.user',
        displayName: '印记',
        roles: ['officer'],
        squad: 'waitan',
        password: 'stamp-pass-2026',
      })
      .expect(201);
    const token = await a.services.org.issueToken('stamp.user', 'test');
    const read = async () => {
      const row = await tokenPrincipalRow(m(), hash(token));
      if (!row) throw new Error('no token row');
      return { tokenId: Number(row.token_id), stamp: String(row.stamp) };
    };
    const { rows: users } = await sql<{ id: number; squad_id: number; brigade_id: number }>(
      m(),
      'SELECT id, squad_id, brigade_id FROM users WHERE username = ?',
      ['stamp.user'],
    );
    const user = users[0];
    const { rows: others } = await sql<{ id: number }>(m(), 'SELECT id FROM squads WHERE code = ?', ['yuyuan']);
    const other = Number(others[0].id);
    const changes: Array<[string, string, unknown[]]> = [
      ['display name', 'UPDATE users SET display_name = ? WHERE id = ?', ['印记二', user.id]],
      ['username', 'UPDATE users SET username = ? WHERE id = ?', ['stamp.user2', user.id]],
      // Compared byte for byte, whatever the column's collation.
      ['username, its case only', 'UPDATE users SET username = ? WHERE id = ?', ['Stamp.User', user.id]],
      ['active', 'UPDATE users SET active = ? WHERE id = ?', [false, user.id]],
      ['squad', 'UPDATE users SET squad_id = ? WHERE id = ?', [other, user.id]],
      ['no squad', 'UPDATE users SET squad_id = NULL WHERE id = ?', [user.id]],
      ['a role more', "INSERT INTO user_roles (user_id, role) VALUES (?, 'inspector')", [user.id]],
      ['a role less', "DELETE FROM user_roles WHERE user_id = ? AND role = 'officer'", [user.id]],
      ['squad name', 'UPDATE squads SET name = ? WHERE id = ?', ['外滩中队（新）', user.squad_id]],
      ['squad English name', 'UPDATE squads SET name_en = ? WHERE id = ?', ['Waitan (new)', user.squad_id]],
      ['squad code', 'UPDATE squads SET code = ? WHERE id = ?', ['waitan2', user.squad_id]],
      ['squad group', 'UPDATE squads SET group_id = NULL WHERE id = ?', [user.squad_id]],
      ['squad in use', 'UPDATE squads SET active = ? WHERE id = ?', [false, user.squad_id]],
      ['brigade code', 'UPDATE brigades SET code = ? WHERE id = ?', ['huangpu2', user.brigade_id]],
      ['brigade time zone', 'UPDATE brigades SET time_zone = ? WHERE id = ?', ['Asia/Urumqi', user.brigade_id]],
      ['token revoked', 'UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ?', [clock.now(), hash(token)]],
      ['token expiry', 'UPDATE api_tokens SET expires_at = ? WHERE token_hash = ?', [clock.now(), hash(token)]],
    ];
    // Each change in a transaction rolled back after it: the database is as it was for the next.
    for (const [what, text, params] of changes) {
      const { tokenId, stamp } = await read();
      let after: { stamp: string | null; holds: boolean } | null = null;
      await a.services.db.dataSource
        .transaction(async (tx) => {
          await sql(tx, text, params);
          const row = await tokenPrincipalRow(tx, hash(token));
          after = { stamp: row ? String(row.stamp) : null, holds: await holds(tokenId, stamp, tx) };
          throw new RolledBack();
        })
        .catch((e: unknown) => {
          if (!(e instanceof RolledBack)) throw new Error(`${what}: ${String(e)}`);
        });
      const seen = after as { stamp: string | null; holds: boolean } | null;
      expect({ what, changed: seen !== null && seen.stamp !== stamp, holds: seen?.holds }).toEqual({
        what,
        changed: true,
        holds: false,
      });
      expect({ what, holds: await holds(tokenId, stamp) }).toEqual({ what, holds: true });
    }
    // Its last use is not part of it: noting it (once a minute) leaves the principal as it was.
    const { tokenId, stamp } = await read();
    await sql(m(), 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [
      new Date(clock.now().getTime() + 5_000),
      tokenId,
    ]);
    expect(await holds(tokenId, stamp)).toBe(true);
    expect((await read()).stamp).toBe(stamp);
  });
});
