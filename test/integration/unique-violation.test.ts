import { Brigade } from '../../src/persistence/entities';
import { isUniqueViolation } from '../../src/persistence/dialect';
import { openDatabase, type Database } from '../../src/persistence/data-source';
import { sql } from '../../src/persistence/sql';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/db';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/db';

/** The error a statement fails with (the test fails if it does not). */
async function failure(db: Database, statement: string, params: unknown[] = []): Promise<unknown> {
  try {
    await db.transaction((m) => sql(m, statement, params));
  } catch (e) {
    return e;
  }
  throw new Error(`expected to fail: ${statement}`);
}

describe(`isUniqueViolation (${TEST_DB})`, () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase(testConfig(database.url));
    const ddl = [
      'CREATE TABLE uv_parent (id INTEGER PRIMARY KEY)',
      `CREATE TABLE uv_child (
        id INTEGER PRIMARY KEY,
        code VARCHAR(20) NOT NULL,
        amount INTEGER NOT NULL,
        parent_id INTEGER NULL,
        CONSTRAINT UQ_uv_child_code UNIQUE (code),
        CONSTRAINT CHK_uv_child_amount CHECK (amount >= 0),
        CONSTRAINT FK_uv_child_parent FOREIGN KEY (parent_id) REFERENCES uv_parent (id)
      )`,
    ];
    for (const statement of ddl) await sql(db.manager, statement);
    await sql(db.manager, 'INSERT INTO uv_parent (id) VALUES (1)');
    await sql(db.manager, "INSERT INTO uv_child (id, code, amount, parent_id) VALUES (1, 'A', 5, 1)");
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('recognises a unique key taken', async () => {
    expect(isUniqueViolation(await failure(db, "INSERT INTO uv_child (id, code, amount) VALUES (2, 'A', 1)"))).toBe(
      true,
    );
  });

  it('recognises a primary key taken', async () => {
    expect(isUniqueViolation(await failure(db, "INSERT INTO uv_child (id, code, amount) VALUES (1, 'B', 1)"))).toBe(
      true,
    );
  });

  it('does not take a NOT NULL violation for one', async () => {
    expect(isUniqueViolation(await failure(db, "INSERT INTO uv_child (id, code, amount) VALUES (3, 'C', NULL)"))).toBe(
      false,
    );
  });

  it('does not take a CHECK violation for one', async () => {
    expect(isUniqueViolation(await failure(db, "INSERT INTO uv_child (id, code, amount) VALUES (4, 'D', -1)"))).toBe(
      false,
    );
  });

  it('does not take a foreign-key violation for one', async () => {
    expect(
      isUniqueViolation(await failure(db, "INSERT INTO uv_child (id, code, amount, parent_id) VALUES (5, 'E', 1, 99)")),
    ).toBe(false);
  });

  it('does not take other errors for one', async () => {
    expect(isUniqueViolation(await failure(db, 'SELECT nope FROM uv_child'))).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe(`the daily anchor gives way only to a unique violation (${TEST_DB})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ config: { history: { anchorSettleSeconds: 0 } } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a foreign-key failure while keeping an anchor is an error, not "someone else kept it"', async () => {
    const ghost = Object.assign(new Brigade(), { id: 987654, code: 'GHOST', name: 'ghost', timeZone: 'Asia/Shanghai' });
    let error: unknown = null;
    try {
      await t.services.historyChain.anchor(t.clock.now(), [ghost]);
    } catch (e) {
      error = e;
    }
    // Before: every SQLite constraint error counted as the anchor taken by another run, and the
    // lookup of that run's anchor failed instead (EntityNotFoundError), hiding the real cause.
    expect(String((error as Error | null)?.message)).toMatch(/foreign key/i);
    expect(isUniqueViolation(error)).toBe(false);
  });

  it('a second run of the day keeps the first anchor (the unique key)', async () => {
    const [brigade] = await t.services.db.manager.find(Brigade, { order: { id: 'ASC' }, take: 1 });
    const [first] = await t.services.historyChain.anchor(t.clock.now(), [brigade]);
    expect(first.taken).toBe(true);
    const [second] = await t.services.historyChain.anchor(t.clock.now(), [brigade]);
    expect(second.taken).toBe(false);
    expect(second.anchor.digest).toBe(first.anchor.digest);
  });
});
