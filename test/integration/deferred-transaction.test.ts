import type { EntityManager } from 'typeorm';
import { Brigade } from '../../src/persistence/entities';
import { writeTogether } from '../../src/persistence/dialect';
import { sql } from '../../src/persistence/sql';
import { TEST_DB } from '../support/db';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * `Database.transaction(work, { deferred: true })` (deferred-transaction.ts): on MariaDB
 * the transaction opens with the first write and may commit with the last block; on
 * SQLite it is the plain transaction. Either way a command fully happens or not at all.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const insertBrigade = () => {
  const code = `dt${++n}-${Date.now() % 100000}`;
  return {
    code,
    statement: {
      text: "INSERT INTO brigades (code, name, name_en, time_zone, created_at, since) VALUES (?, '测试', 'Test', 'Asia/Shanghai', ?, '2026-01')",
      params: [code, new Date()],
    },
  };
};
const exists = async (code: string) => (await t.services.db.manager.countBy(Brigade, { code })) === 1;
const inTransaction = async (m: EntityManager) =>
  Number((await sql<{ n: number }>(m, 'SELECT @@in_transaction AS n')).rows[0].n);
const deferred = <T>(work: (m: EntityManager) => Promise<T>) => t.services.db.transaction(work, { deferred: true });

describe('a deferred transaction', () => {
  // MariaDB only: on SQLite every write transaction is one plain transaction (one connection, one writer).
  if (TEST_DB === 'mysql')
    it('reads outside a transaction until the first write; a locking read or a write opens it', async () => {
      const seen: number[] = [];
      const a = insertBrigade();
      await deferred(async (m) => {
        seen.push(await inTransaction(m));
        await sql(m, 'SELECT id FROM brigades WHERE id = 1');
        seen.push(await inTransaction(m));
        await sql(m, a.statement.text, a.statement.params);
        seen.push(await inTransaction(m));
      });
      await deferred(async (m) => {
        await sql(m, 'SELECT id FROM brigades WHERE id = 1 FOR UPDATE');
        seen.push(await inTransaction(m));
      });
      expect(seen).toEqual([0, 0, 1, 1]);
      expect(await exists(a.code)).toBe(true);
    });

  it('a block sent as the last write commits the transaction, and a write after it is refused, not written on its own', async () => {
    const a = insertBrigade();
    const b = insertBrigade();
    const late = insertBrigade();
    const refused = deferred(async (m) => {
      await writeTogether(m, null, [a.statement, b.statement], { last: true });
      if (TEST_DB === 'mysql') expect(await inTransaction(m)).toBe(0);
      await sql(m, late.statement.text, late.statement.params);
    });
    if (TEST_DB === 'mysql') {
      await expect(refused).rejects.toThrow(/Nothing may be written after/);
      // The block committed: what it wrote stays. The late write was never sent.
      expect([await exists(a.code), await exists(b.code), await exists(late.code)]).toEqual([true, true, false]);
    } else {
      // SQLite: one plain transaction, committed at its end.
      await refused;
      expect([await exists(a.code), await exists(b.code), await exists(late.code)]).toEqual([true, true, true]);
    }
  });

  it('what fails after a block that is not the last rolls all of it back', async () => {
    const a = insertBrigade();
    const b = insertBrigade();
    const c = insertBrigade();
    await expect(
      deferred(async (m) => {
        await writeTogether(m, null, [a.statement, b.statement]);
        await sql(m, c.statement.text, c.statement.params);
        throw new Error('refused after the writes');
      }),
    ).rejects.toThrow('refused after the writes');
    expect([await exists(a.code), await exists(b.code), await exists(c.code)]).toEqual([false, false, false]);
  });

  it('a block whose guard missed writes nothing and leaves no transaction open', async () => {
    const a = insertBrigade();
    const after = insertBrigade();
    const moved = await deferred(async (m) => {
      const ok = await writeTogether(
        m,
        { text: 'UPDATE brigades SET name = name WHERE id = ?', params: [-1] },
        [a.statement],
        { last: true },
      );
      if (TEST_DB === 'mysql') expect(await inTransaction(m)).toBe(0);
      // Nothing is open: this write opens a transaction of its own, committed at the end.
      await sql(m, after.statement.text, after.statement.params);
      return ok;
    });
    expect(moved).toBe(false);
    expect([await exists(a.code), await exists(after.code)]).toEqual([false, true]);
  });

  it('TypeORM’s own save opens and commits nothing inside it', async () => {
    const code = `dt-save-${Date.now() % 100000}`;
    await expect(
      deferred(async (m) => {
        await m.save(
          m.create(Brigade, {
            code,
            name: '测试',
            nameEn: 'Test',
            timeZone: 'Asia/Shanghai',
            createdAt: new Date(),
            since: '2026-01',
          }),
        );
        throw new Error('refused after the save');
      }),
    ).rejects.toThrow('refused after the save');
    expect(await exists(code)).toBe(false);
  });
});
