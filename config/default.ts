import type { Config } from './schema';

/** Defaults: the embedded database, the reference practice's numbers (SPEC R3, R6, R12, §3.5). */
export const defaults: Config = {
  env: 'development',
  http: { host: '127.0.0.1', port: 3000, publicUrl: undefined, jsonBodyLimit: '256kb' },
  database: { url: 'sqlite:data/liandong.sqlite', logging: false, poolSize: 20, hosts: '' },
  brigade: { defaultTimeZone: 'Asia/Shanghai' },
  organisation: { groupMinSquads: 3, groupMaxSquads: 4 },
  operations: {
    minHours: 4,
    holdingDaysDefault: 7,
    holdingDaysMin: 1,
    holdingDaysMax: 30,
    minSquads: 2,
    lateEntryHours: 12,
    earlyStartHours: 3,
    requiredSections: [
      'situation',
      'mission',
      'execution',
      'command',
      'contingency',
      'goodsArrangements',
      'holdingPlan',
    ],
  },
  holding: { minCoverage: 0.8 },
  timeLimits: { decisionHours: 48, resultsHours: 24, auditHours: 72 },
  plans: { monthsAhead: 3, remindDaysBefore: 10 },
  problems: { duplicateWindowDays: 90, acceptHours: 72, callbackHours: 72 },
  auth: {
    scryptCost: 16384,
    tokenPrefix: 'ld_',
    maxFailures: 5,
    failureWindowMinutes: 15,
    blockSeconds: 30,
    sessionMaxHours: 12,
  },
  jobs: {
    enabled: true,
    instanceName: undefined,
    timeZone: 'Asia/Shanghai',
    schedules: {
      // R6: last month's minimum is settled just after midnight; early warnings on the configured days.
      'monthly-minimum': '0 10 1 * * *',
      // R12: holding ends and overdue audits are seen within the quarter hour.
      holding: '0 */15 * * * *',
      // §3.5: waiting records are checked every half hour.
      'time-limits': '0 5,35 * * * *',
      sessions: '0 20 * * * *',
      // Notifications: the outbox is delivered within seconds (also right after each command, in the server).
      outbox: '*/5 * * * * *',
      // R5, R9: plans not filed for the month under way, months without a group meeting, half-years without the HQ's.
      'plans-and-meetings': '0 15 1 * * *',
      // R13: detained goods near or past their legal limit, every hour.
      'goods-limits': '0 25 * * * *',
      // The history's daily anchor: a digest of every record's chain head, once a day per brigade.
      'history-anchor': '0 40 0 * * *',
      // Idempotency keys past their 48 h (issue 13), every hour.
      'idempotency-keys': '0 50 * * * *',
      // Issue 13: uploads attached to nothing, removed a day after upload.
      'files-orphans': '0 55 * * * *',
      // Issue 14: the figures of every month that is over, kept for each scope. Hourly: a run that finds them kept
      // takes a fraction of a second; after a release (new code, new keys) or a late step on an old record the next
      // run computes what changed, before a manager opens it.
      figures: '0 30 * * * *',
    },
    missedToleranceMs: 60_000,
    attempts: 3,
    retryDelayMs: 2000,
    earlyWarningDays: [15, 25],
    monthlyMinimum: 2,
  },
  web: {
    sessionSecret: undefined,
    sessionIdleMinutes: 30,
    // On by default under NODE_ENV=production (config/index.ts, MODE_DEFAULTS).
    secureCookies: false,
    trustProxy: 'loopback',
  },
  notifications: {
    batchSize: 50,
    maxBatchesPerDrain: 20,
    leaseSeconds: 60,
    retryBaseSeconds: 30,
    retryMaxSeconds: 3600,
    keepIdleRunsMinutes: 60,
    drainDelayMs: 250,
  },
  figures: {
    minSample: 5,
    liveMonthSeconds: 60,
    assessmentWeights: {
      participation: 25,
      lead: 15,
      results: 20,
      holding: 20,
      timeliness: 10,
      discipline: 5,
      incidents: 5,
    },
  },
  goods: { detentionDays: 30, extensionDays: 30, perishableDays: 2 },
  // R10: the receiving squad answers within 3 days, the legal section designates within 5; the package every transfer carries.
  transfers: {
    answerDays: 3,
    designationDays: 5,
    requiredMaterials: ['inspection_record', 'inquiry_record', 'photos_video', 'evidence_list', 'transfer_letter'],
  },
  demo: { seedOnEmpty: true, password: 'liandong-demo', historyMonths: 12 },
  // Issue 11: dates and times people send lie within these years (a year 0 or 9999 once broke pages for everyone).
  validation: { minYear: 2000, maxYear: 2100 },
  // The tamper-evident history: the anchor job's pause after reading its cut (MySQL/MariaDB).
  history: { anchorSettleSeconds: 5 },
  // Issue 13: each Idempotency-Key's answer is kept per user for 48 h.
  idempotency: { keepHours: 48, takeOverAfterSeconds: 120, maxAnswerBytes: 1_048_576 },
  // Issue 13: evidence files (photos, PDFs), stored once by content hash.
  files: {
    maxBytes: 15 * 1024 * 1024,
    storage: 'local',
    dir: 'data/files',
    s3: undefined,
    thumbnailPx: 480,
    orphanHours: 24,
    takenLongBeforeHours: 24,
  },
  // Issue 15: what operators need — JSON logs on stderr, metrics off until a token is set, 25 s to stop cleanly.
  log: { level: 'info' },
  metrics: { token: undefined },
  shutdown: { graceSeconds: 25 },
};
