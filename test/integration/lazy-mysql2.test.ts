import { TEST_DB } from '../support/db';

/**
 * mysql2 is loaded when a MySQL/MariaDB database is opened (failover-pool.ts `mysql2()`): a start on SQLite
 * (`npm start`) never loads it, about 40 ms of a cold start (issue 14). Each load of the package runs this
 * factory (jest keys the module by its file, so `mysql2/promise`'s own require of it counts too). The app is
 * imported in the test, after the count is set up: an import at the top would load it first.
 */
let loads = 0;
jest.mock('mysql2', () => {
  loads += 1;
  return jest.requireActual('mysql2');
});

it(`the whole app on ${TEST_DB} ${TEST_DB === 'sqlite' ? 'never loads' : 'loads'} mysql2, and answers`, async () => {
  const { startTestApp } = await import('../support/test-app');
  const t = await startTestApp();
  try {
    const res = await t.as('duty').get('/api/v1/operations');
    expect(res.status).toBe(200);
    if (TEST_DB === 'sqlite') expect(loads).toBe(0);
    else expect(loads).toBeGreaterThan(0);
  } finally {
    await t.close();
  }
});
