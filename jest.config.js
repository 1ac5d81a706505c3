/**
 * Tests: `unit` once; `integration`, `http` and `security` on SQLite, and again on
 * MariaDB/MySQL when one answers (TEST_MYSQL_URL, default
 * mysql://root@127.0.0.1:3306). With REQUIRE_MYSQL=1 a missing server fails the run.
 * `browser` (playwright-core + Debian's Chromium) when a Chromium is found
 * (CHROMIUM_PATH, else /usr/bin/chromium). With REQUIRE_BROWSER=1 a missing one fails the run.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const base = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

const MYSQL_URL = process.env.TEST_MYSQL_URL || 'mysql://root:@127.0.0.1:3306/test';

async function mysqlAnswers() {
  const mysql = require('mysql2/promise');
  const u = new URL(MYSQL_URL);
  try {
    const c = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      connectTimeout: 3000,
    });
    await c.query('SELECT 1');
    await c.end();
    return null;
  } catch (e) {
    return e.message;
  }
}

const CLUSTER_PORTS = [3307, 3308, 3309];

/** Null when the three Galera nodes answer; else why not. */
async function clusterAnswers() {
  const mysql = require('mysql2/promise');
  const why = [];
  for (const port of CLUSTER_PORTS) {
    try {
      const c = await mysql.createConnection({
        host: '127.0.0.1',
        port,
        user: 'root',
        password: '',
        connectTimeout: 3000,
      });
      await c.query('SELECT 1');
      await c.end();
    } catch (e) {
      why.push(`127.0.0.1:${port}: ${e.message}`);
    }
  }
  return why.length ? why.join('; ') : null;
}

/** The Chromium to drive: CHROMIUM_PATH, else Debian's; null (with why) when there is none. */
function findChromium() {
  const fs = require('node:fs');
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return { path: candidate };
  } catch (e) {
    return { path: null, why: `${candidate}: ${e.code === 'ENOENT' ? 'not found' : e.message}` };
  }
}

module.exports = async () => {
  const projects = [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'sqlite',
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/http/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
      ],
      globals: { LIANDONG_TEST_DB: 'sqlite' },
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-setup.ts'],
    },
  ];
  const why = await mysqlAnswers();
  if (why === null) {
    projects.push({
      ...base,
      displayName: 'mariadb',
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/http/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
      ],
      globals: { LIANDONG_TEST_DB: 'mysql', LIANDONG_TEST_MYSQL_URL: MYSQL_URL },
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-setup.ts'],
    });
  } else if (process.env.REQUIRE_MYSQL === '1') {
    throw new Error(`REQUIRE_MYSQL=1 but MariaDB/MySQL does not answer at ${MYSQL_URL}: ${why}`);
  } else {
    process.stderr.write(`\n[liandong] MariaDB/MySQL not reachable at ${MYSQL_URL} (${why}): running SQLite only.\n\n`);
  }
  const chromium = findChromium();
  if (chromium.path) {
    projects.push({
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globals: { LIANDONG_CHROMIUM: chromium.path },
      setupFilesAfterEnv: ['<rootDir>/test/support/browser-setup.ts'],
    });
  } else if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(
      `REQUIRE_BROWSER=1 but no Chromium was found (${chromium.why}). Install Debian's: apt-get install -y chromium, or set CHROMIUM_PATH.`,
    );
  } else {
    process.stderr.write(
      `\n[liandong] No Chromium (${chromium.why}): browser tests skipped. apt-get install -y chromium, or set CHROMIUM_PATH.\n\n`,
    );
  }
  const clusterWhy = await clusterAnswers();
  if (clusterWhy === null) {
    projects.push({
      ...base,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
      testTimeout: 600000,
    });
  } else if (process.env.REQUIRE_CLUSTER === '1') {
    throw new Error(
      `REQUIRE_CLUSTER=1 but the Galera cluster does not answer (${clusterWhy}): start it with npm run cluster -- up`,
    );
  } else {
    process.stderr.write(
      `\n[liandong] cluster tests skipped: no Galera cluster on 127.0.0.1:3307–3309 (${clusterWhy}); npm run cluster -- up starts one.\n\n`,
    );
  }
  return {
    projects,
    // Two workers on two cores. Three looked faster on the MariaDB project alone (274 s against 302 s: the cores
    // had stood idle 11 % of it), but on the whole suite, Chromium included, the files slowed each other down:
    // CI's tests took 14.5 min with three against 13.6 min with two (2026-12-07).
    maxWorkers: process.env.JEST_WORKERS || 2,
    // No test file leaves a handle open (checked per file in the environment's teardown) and a worker's heap
    // settles near 150 MB once collected — but V8 collects lazily, so by the end of a run a worker held ~1 GB
    // and sometimes missed Jest's 500 ms to exit ("a worker process has failed to exit gracefully").
    // A worker past this is started afresh between two test files.
    workerIdleMemoryLimit: process.env.JEST_WORKER_MEMORY || '768MB',
    testTimeout: 30000,
  };
};
