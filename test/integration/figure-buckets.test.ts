import { bucketSql } from '../../src/domain/figures/facts.queries';
import { sql } from '../../src/persistence/sql';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The month a row's time falls in, as the figures' statements compute it (bucketSql: a CASE that halves the
 * months left at each step). Asked of the database itself, over a datetime column as the facts' tables have,
 * at each month's first millisecond and the millisecond before, for runs of 1 to 25 months.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.services.db.manager.query('CREATE TABLE bucket_probe (id INTEGER PRIMARY KEY, at DATETIME(3) NOT NULL)');
});
afterAll(async () => {
  await t.services.db.manager.query('DROP TABLE bucket_probe');
  await t.close();
});

/** Months as Shanghai's figures bound them: each begins at 16:00 UTC on the day before its first. */
const bounds = (months: number) => Array.from({ length: months + 1 }, (_, i) => new Date(Date.UTC(2024, i, 0, 16)));

it.each([1, 2, 3, 7, 12, 24, 25])('%i month(s): every time falls in its own month, and none in the next', async (n) => {
  const m = t.services.db.manager;
  const b = bounds(n);
  const probes = b.slice(0, -1).flatMap((start, k) => [
    { at: start, month: k },
    { at: new Date(start.getTime() + 86_400_000 * 3 + 1234), month: k },
    { at: new Date(b[k + 1].getTime() - 1), month: k },
  ]);
  await sql(m, 'DELETE FROM bucket_probe');
  for (const [id, p] of probes.entries()) await sql(m, 'INSERT INTO bucket_probe (id, at) VALUES (?, ?)', [id, p.at]);
  const bucket = bucketSql('p.at', b);
  const { rows } = await sql<{ id: number | string; b: number | string }>(
    m,
    `SELECT p.id AS id, ${bucket.sql} AS b FROM bucket_probe p ORDER BY p.id`,
    bucket.params,
  );
  expect(rows.map((r) => Number(r.b))).toEqual(probes.map((p) => p.month));
});
