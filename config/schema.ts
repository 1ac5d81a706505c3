import { isIP } from 'node:net';
import { z } from 'zod';
import { PLAN_SECTIONS } from '../workflows/operation/operation.types';

/**
 * Every setting of Liandong, documented once. `config/default.ts` gives the
 * defaults, environment variables override them (see ENV_OVERRIDES), and
 * `loadConfig` validates the result against this schema and freezes it.
 */
export const configSchema = z.object({
  env: z.enum(['development', 'production', 'test']).describe('Run mode (NODE_ENV).'),
  http: z.object({
    host: z.string().min(1).describe('Address the web server listens on (HOST).'),
    port: z.number().int().min(0).max(65535).describe('Port the web server listens on (PORT; 0 picks a free one).'),
    publicUrl: z.string().url().optional().describe('URL printed at start-up and used in links (PUBLIC_URL).'),
    jsonBodyLimit: z
      .string()
      .regex(/^\d+(kb|mb)$/)
      .describe('Largest JSON body the API accepts, e.g. "256kb".'),
  }),
  database: z.object({
    url: z
      .string()
      .regex(/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/, 'must be sqlite:<file> or mysql://user:pass@host:port/db')
      .describe(
        'DATABASE_URL: sqlite:data/liandong.sqlite (embedded default) or mysql://user:pass@host:3306/db; a server on this machine through its Unix socket: mysql://user:pass@localhost/db?socket=/run/mysqld/mysqld.sock.',
      ),
    logging: z.boolean().describe('Log every SQL statement (DATABASE_LOGGING=1).'),
    poolSize: z.number().int().min(1).max(200).describe('MySQL/MariaDB connection pool size (DATABASE_POOL_SIZE).'),
    hosts: z
      .string()
      .regex(/^([^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*)?$/, 'must be host:port[,host:port…]')
      .describe(
        "DATABASE_HOSTS: the other nodes of a MariaDB Galera cluster, e.g. db1:3306,db2:3306,db3:3306 (empty: none). DATABASE_URL's host is tried first, then these in order; an instance moves to the next that answers when its node dies, without a restart. The URL's user, password and database are used on every node.",
      ),
  }),
  brigade: z.object({
    defaultTimeZone: z.string().min(1).describe('Time zone of a new brigade (IANA name).'),
  }),
  organisation: z.object({
    groupMinSquads: z.number().int().min(1).describe('R3: fewest squads in a linkage group.'),
    groupMaxSquads: z.number().int().min(1).describe('R3: most squads in a linkage group.'),
  }),
  operations: z.object({
    minHours: z.number().positive().describe('R6: shortest operation that counts toward the monthly minimum (hours).'),
    holdingDaysDefault: z.number().int().min(1).describe('R12: holding period when the plan names none (days).'),
    holdingDaysMin: z.number().int().min(1).describe('R12: shortest holding period a plan may name (days).'),
    holdingDaysMax: z.number().int().min(1).describe('R12: longest holding period a plan may name (days).'),
    minSquads: z.number().int().min(2).describe('A joint operation has at least this many squads.'),
    lateEntryHours: z
      .number()
      .min(0)
      .describe(
        'R6: a start recorded more than this many hours after it happened is a late entry: it needs a reason (lateReason), is marked on the operation and counted in the figures.',
      ),
    earlyStartHours: z
      .number()
      .min(0)
      .describe('R6: a start more than this many hours before the planned start needs a reason (earlyReason).'),
    requiredSections: z
      .array(z.enum(PLAN_SECTIONS))
      .describe(
        '§3.1: the sections of the operations order a plan must have before it is filed (situation, mission, execution, command, contingency, goodsArrangements, holdingPlan).',
      ),
  }),
  holding: z.object({
    minCoverage: z
      .number()
      .min(0)
      .max(1)
      .describe(
        'R12: share of holding days that must have a holding check for an audit to pass without a written reason (coverageReason), e.g. 0.8.',
      ),
  }),
  timeLimits: z.object({
    decisionHours: z.number().positive().describe('§3.5: a filed plan waits at most this long for approval or return.'),
    resultsHours: z.number().positive().describe('§3.5: results are recorded within this long of the planned end.'),
    auditHours: z.number().positive().describe('§3.5: an audit is done within this long of holding ending.'),
  }),
  plans: z.object({
    monthsAhead: z
      .number()
      .int()
      .min(0)
      .max(24)
      .describe('R5: a group may draft its monthly plan this many months ahead of the month under way.'),
    remindDaysBefore: z
      .number()
      .int()
      .min(0)
      .max(28)
      .describe(
        "R5, R9: this many days before a month begins, its plan to file and its meeting to convene appear in the squad leaders' inboxes.",
      ),
  }),
  problems: z.object({
    duplicateWindowDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .describe(
        '§3.4: a new report is matched against problems of the same kind and place reported within this many days (likely duplicates).',
      ),
    acceptHours: z
      .number()
      .positive()
      .describe('§3.5: a reported hard problem waits at most this long to be accepted (or merged).'),
    callbackHours: z
      .number()
      .positive()
      .describe('§3.4, §3.5: a resolved 12319 hotline problem is called back within this long.'),
  }),
  auth: z.object({
    scryptCost: z.number().int().min(1024).describe('scrypt N for password hashes (power of two).'),
    tokenPrefix: z.string().min(1).max(8).describe('Prefix of API tokens, to recognise them in logs and leaks.'),
    maxFailures: z
      .number()
      .int()
      .min(1)
      .describe(
        'Password checks allowed per account, and per address, within failureWindowMinutes before sign-in waits (429, Retry-After). Counted atomically across instances: however many attempts arrive at once, no more passwords than this are checked.',
      ),
    failureWindowMinutes: z.number().int().min(1).describe('Failed sign-ins older than this are forgotten.'),
    blockSeconds: z
      .number()
      .int()
      .min(1)
      .describe('First wait after maxFailures failures; it doubles with each further failure (at most 15 minutes).'),
    sessionMaxHours: z
      .number()
      .positive()
      .max(24 * 30)
      .describe(
        'A web session ends this long after signing in, however busy (besides web.sessionIdleMinutes without a request).',
      ),
  }),
  jobs: z.object({
    enabled: z.boolean().describe('JOBS=0 turns the scheduler off in this instance (jobs still run by hand).'),
    instanceName: z
      .string()
      .max(100)
      .optional()
      .describe('INSTANCE_NAME: how this instance signs the job-run log (default host:pid).'),
    timeZone: z.string().min(1).describe('Time zone the schedules are read in.'),
    schedules: z
      .record(z.string(), z.string().min(9))
      .describe(
        'Cron expression per job (node-cron; six fields allow seconds). JOB_SCHEDULES=\'{"holding":"0 */5 * * * *"}\' replaces them all; a job without one runs by hand only.',
      ),
    missedToleranceMs: z
      .number()
      .int()
      .min(1000)
      .describe('A slot whose timer fires late by up to this much still runs (a busy instance should not skip it).'),
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .describe('A failed run is retried this many times in all, within its slot.'),
    retryDelayMs: z.number().int().min(0).describe('Wait before a retry (doubles each time).'),
    earlyWarningDays: z
      .array(z.number().int().min(1).max(28))
      .describe('R6: days of the month on which groups that cannot reach the minimum are warned.'),
    monthlyMinimum: z.number().int().min(1).describe('R6: qualifying operations each group runs a month.'),
  }),
  web: z.object({
    sessionSecret: z
      .string()
      .min(32)
      .optional()
      .describe(
        'SESSION_SECRET: signs session cookies. When unset, one is made once and kept in the database (shared by every instance).',
      ),
    sessionIdleMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .describe('A web session ends after this long without a request.'),
    secureCookies: z
      .boolean()
      .describe(
        'SECURE_COOKIES: cookies only over HTTPS, and HSTS on. On by default under NODE_ENV=production (serve through HTTPS, a TLS proxy named by TRUST_PROXY); SECURE_COOKIES=0 for plain HTTP.',
      ),
    trustProxy: z
      .string()
      .refine(
        isTrustProxy,
        'must be none, a number of proxies, or a comma-separated list of addresses or subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, ::1 …)',
      )
      .describe(
        'TRUST_PROXY: which proxies in front are trusted to say, in X-Forwarded-For and X-Forwarded-Proto, the client’s address (the sign-in throttle counts it) and that the connection was HTTPS (Secure cookies need it). Default loopback: a TLS proxy on the same host.',
      ),
  }),
  notifications: z.object({
    batchSize: z.number().int().min(1).max(1000).describe('Outbox rows a notification worker claims at a time.'),
    maxBatchesPerDrain: z
      .number()
      .int()
      .min(1)
      .describe('Batches one drain (one run of the outbox job) works through at most; the next run takes the rest.'),
    leaseSeconds: z
      .number()
      .int()
      .min(5)
      .describe('How long a claimed outbox row is held before another worker may take it over (a worker that died).'),
    retryBaseSeconds: z
      .number()
      .int()
      .min(1)
      .describe('Wait before the first retry of a failed delivery; it doubles with each further failure.'),
    retryMaxSeconds: z
      .number()
      .int()
      .min(1)
      .describe(
        'Longest wait between retries: a failing row is retried at least this often, for ever, and its last error shown.',
      ),
    keepIdleRunsMinutes: z
      .number()
      .int()
      .min(1)
      .describe(
        'The outbox job runs every few seconds: its runs that found nothing (and their slot claims) are kept this long, those that did something or failed for good.',
      ),
    drainDelayMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .describe(
        'After a command commits, the server drains the outbox this much later: commands in a burst are delivered together, in fewer, larger batches.',
      ),
  }),
  figures: z.object({
    minSample: z
      .number()
      .int()
      .min(1)
      .describe('SPEC §5: a ratio over fewer cases than this is shown as "too few to rate", never ranked.'),
    liveMonthSeconds: z
      .int()
      .min(0)
      .max(3600)
      .describe(
        'Figures of the month in progress are computed at most this often and shown "as of" their time (months that are over are kept until something in them changes); 0: always afresh.',
      ),
    assessmentWeights: z
      .object({
        participation: z.number().min(0),
        lead: z.number().min(0),
        results: z.number().min(0),
        holding: z.number().min(0),
        timeliness: z.number().min(0),
        discipline: z.number().min(0),
        incidents: z.number().min(0),
      })
      .describe(
        'R14: weights of the annual assessment’s components (a score out of 100; a component not rated leaves its weight to the others).',
      ),
  }),
  goods: z.object({
    detentionDays: z
      .number()
      .int()
      .min(1)
      .describe('R13: detained goods are held at most this many days from registration (暂扣期限, e.g. 30).'),
    extensionDays: z
      .number()
      .int()
      .min(1)
      .describe('R13: one extension, approved by a manager, adds this many days (once only, e.g. 30).'),
    perishableDays: z
      .number()
      .positive()
      .describe(
        'R13: perishable goods (鲜活易腐) are held at most this many days (may be a fraction, e.g. 0.5 = 12 h).',
      ),
  }),
  transfers: z.object({
    answerDays: z
      .number()
      .positive()
      .describe(
        'R10, §3.5: a proposed case transfer waits at most this many days for the receiving squad to accept or dispute it.',
      ),
    designationDays: z
      .number()
      .positive()
      .describe(
        'R10, §3.5: a disputed transfer waits at most this many days for the legal section to designate the competent squad.',
      ),
    requiredMaterials: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/))
      .describe(
        'R10: the evidence and materials every transfer package lists (codes; their names are in the dictionaries as material.<code>). A package missing one cannot be proposed.',
      ),
  }),
  demo: z.object({
    seedOnEmpty: z
      .boolean()
      .describe(
        'SEED_DEMO: load the reference organisation, the demo users (with the published demo password) and the demo past into an empty database at start-up. On by default, off under NODE_ENV=production: there only SEED_DEMO=1 loads them, and an empty database starts with no users.',
      ),
    password: z.string().min(8).describe('Password of every demo user (demo data only).'),
    historyMonths: z
      .int()
      .min(0)
      .max(36)
      .describe(
        'Months of past joint operations loaded with the demo organisation into an empty database, so figures have something to show (DEMO_HISTORY_MONTHS; 0 = none; default 0 under NODE_ENV=test).',
      ),
  }),
  validation: z.object({
    minYear: z
      .int()
      .min(1000)
      .max(9999)
      .describe(
        'Earliest year a date or date-time sent to the API or typed in a form may lie in (e.g. 2000); an earlier one is refused with 400 naming the field. Read when the app is built.',
      ),
    maxYear: z
      .int()
      .min(1000)
      .max(9999)
      .describe(
        'Latest year a date or date-time sent to the API or typed in a form may lie in (e.g. 2100); a later one is refused with 400 naming the field. Read when the app is built.',
      ),
  }),
  history: z.object({
    anchorSettleSeconds: z
      .number()
      .min(0)
      .max(300)
      .describe(
        'The history-anchor job, on MySQL/MariaDB: how long it waits after reading its cut (the greatest history id) so that every step holding an id below it has committed (steps take milliseconds; SQLite needs no wait).',
      ),
  }),
  idempotency: z.object({
    keepHours: z
      .number()
      .min(1)
      .max(24 * 30)
      .describe(
        'A write sent with an Idempotency-Key: its answer is kept this long per user, and a repeat within it gets the same answer without writing again (the idempotency-keys job removes older ones).',
      ),
    takeOverAfterSeconds: z
      .number()
      .int()
      .min(5)
      .describe(
        'A key whose request is still running after this long is taken to belong to an instance that stopped: a retry with it runs the request afresh (until then a retry is answered 409).',
      ),
    maxAnswerBytes: z
      .number()
      .int()
      .min(1024)
      .describe(
        'The largest answer kept for replay: a refused (4xx) answer larger than this is not kept (nothing was written, so a retry runs again); a success is kept whatever its size.',
      ),
  }),
  files: z.object({
    maxBytes: z
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .describe(
        'Issue 13: largest evidence file (photo or PDF) one upload may carry, in bytes (FILES_MAX_BYTES; default 15 MB); a larger one is refused with 413.',
      ),
    storage: z
      .enum(['local', 's3'])
      .describe(
        'Where evidence files are kept (FILES_STORAGE): `local` (a directory, `files.dir`) or `s3` (an S3-compatible object store, `files.s3`), so that several instances share them.',
      ),
    dir: z
      .string()
      .min(1)
      .describe(
        'FILES_DIR: the directory of the local store (created at start), e.g. data/files; back it up with the database.',
      ),
    s3: z
      .strictObject({
        endpoint: z
          .string()
          .url()
          .optional()
          .describe('e.g. https://oss-cn-shanghai.aliyuncs.com or http://127.0.0.1:9000; none: AWS'),
        bucket: z.string().min(1),
        region: z.string().min(1).default('us-east-1'),
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        forcePathStyle: z.boolean().default(true).describe('Path-style URLs (MinIO, Ceph, most self-hosted stores)'),
        prefix: z.string().max(200).default('').describe('Key prefix inside the bucket, e.g. liandong/'),
      })
      .optional()
      .describe('FILES_S3 (JSON): the object store when `files.storage` is `s3`.'),
    thumbnailPx: z.int().min(64).max(2048).describe('Longest side of the thumbnails made of photos on upload (px).'),
    orphanHours: z
      .number()
      .positive()
      .describe('A file attached to no record is removed this long after its upload (the `files-orphans` job).'),
    takenLongBeforeHours: z
      .number()
      .positive()
      .describe(
        'A photo whose EXIF time is more than this many hours before the step it is attached to is marked as taken long before.',
      ),
  }),
  log: z.object({
    level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .describe(
        'LOG_LEVEL: the least severe log line written (one JSON line per entry on stderr; `info` includes one line per HTTP request).',
      ),
  }),
  metrics: z.object({
    token: z
      .string()
      .min(16)
      .optional()
      .describe(
        'METRICS_TOKEN: Prometheus metrics at /metrics, answered only to `Authorization: Bearer <token>` (at least 16 characters). Unset: /metrics is off (404).',
      ),
  }),
  shutdown: z.object({
    graceSeconds: z
      .number()
      .min(0)
      .max(600)
      .describe(
        'SHUTDOWN_GRACE_SECONDS: on SIGTERM, how long requests in flight, the running job and the outbox get to finish before the process exits anyway (exit code 1, naming what was cut).',
      ),
  }),
});

export type Config = z.infer<typeof configSchema>;

/** A TRUST_PROXY value Express understands: `none`, a hop count, or addresses/subnets and Express's names for ranges. */
function isTrustProxy(value: string): boolean {
  if (value === 'none' || /^\d{1,2}$/.test(value)) return true;
  return value.split(',').every((part) => {
    const p = part.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
    const [address, bits, ...rest] = p.split('/');
    if (rest.length || !isIP(address)) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
  });
}

/** Environment variables that override settings: variable → path in the config, and how to read it. */
export const ENV_OVERRIDES: Record<string, { path: string; parse: 'string' | 'int' | 'bool' | 'number' | 'json' }> = {
  NODE_ENV: { path: 'env', parse: 'string' },
  HOST: { path: 'http.host', parse: 'string' },
  PORT: { path: 'http.port', parse: 'int' },
  PUBLIC_URL: { path: 'http.publicUrl', parse: 'string' },
  DATABASE_URL: { path: 'database.url', parse: 'string' },
  DATABASE_LOGGING: { path: 'database.logging', parse: 'bool' },
  DATABASE_POOL_SIZE: { path: 'database.poolSize', parse: 'int' },
  DATABASE_HOSTS: { path: 'database.hosts', parse: 'string' },
  SEED_DEMO: { path: 'demo.seedOnEmpty', parse: 'bool' },
  DEMO_HISTORY_MONTHS: { path: 'demo.historyMonths', parse: 'int' },
  SCRYPT_COST: { path: 'auth.scryptCost', parse: 'int' },
  SESSION_SECRET: { path: 'web.sessionSecret', parse: 'string' },
  JOBS: { path: 'jobs.enabled', parse: 'bool' },
  INSTANCE_NAME: { path: 'jobs.instanceName', parse: 'string' },
  JOB_SCHEDULES: { path: 'jobs.schedules', parse: 'json' },
  SECURE_COOKIES: { path: 'web.secureCookies', parse: 'bool' },
  TRUST_PROXY: { path: 'web.trustProxy', parse: 'string' },
  TIME_ZONE: { path: 'brigade.defaultTimeZone', parse: 'string' },
  FILES_MAX_BYTES: { path: 'files.maxBytes', parse: 'int' },
  FILES_STORAGE: { path: 'files.storage', parse: 'string' },
  FILES_DIR: { path: 'files.dir', parse: 'string' },
  FILES_S3: { path: 'files.s3', parse: 'json' },
  LOG_LEVEL: { path: 'log.level', parse: 'string' },
  METRICS_TOKEN: { path: 'metrics.token', parse: 'string' },
  SHUTDOWN_GRACE_SECONDS: { path: 'shutdown.graceSeconds', parse: 'number' },
};
