import pino, { type DestinationStream } from 'pino';
import { inSources } from './stack-sources';

/** Structured logs: one JSON line per entry on stderr (stdout is for what the user asked for). */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const CENSOR = '[Redacted]';

/** Names of fields never written, wherever they appear in what is logged: credentials, session secrets, tokens and the headers that carry them. */
export const SECRET_FIELDS = new Set([
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'secret',
  'sessionSecret',
  'secretAccessKey',
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  '_csrf',
]);

/**
 * pino's `redact` for the top level (cheap). Deeper fields are censored by `censorDeep` before pino
 * sees the entry: pino's wildcard paths cost ~25 µs a line, as much as the rest of the line five times.
 */
const REDACTED_PATHS = [...SECRET_FIELDS].map((f) => (/^[A-Za-z_$][\w$]*$/.test(f) ? f : `["${f}"]`));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** A copy of `value` with secret fields censored, down to `depth` levels (the same object when there is none). */
function censorDeep(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    let next = v;
    if (SECRET_FIELDS.has(k.toLowerCase()) || SECRET_FIELDS.has(k)) next = CENSOR;
    else if (depth > 0 && isPlainObject(v)) next = censorDeep(v, depth - 1);
    if (next !== v) (out ??= { ...value })[k] = next;
  }
  return out ?? value;
}

/**
 * Properties of an error that carry what was sent, never logged: a body parser's error keeps the raw body
 * (a sign-in form's password), TypeORM's and mysql2's keep the statement's parameters (password and token
 * hashes) and the statement with its values filled in.
 */
const ERROR_PROPERTIES_DROPPED = ['body', 'parameters', 'sql', 'values', 'config', 'request', 'response'];

/** Bearer tokens and API tokens (`<prefix>…`) in free text — an error message that quotes a header. */
function scrubber(tokenPrefix: string): (text: string) => string {
  const prefix = tokenPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(Bearer\\s+)\\S+|\\b${prefix}[A-Za-z0-9_-]{8,}`, 'gi');
  return (text) => text.replace(pattern, (_m, bearer?: string) => (bearer ? `${bearer}${CENSOR}` : CENSOR));
}

function serialiseError(e: Error, scrub: (text: string) => string, depth = 0): Record<string, unknown> {
  const out = pino.stdSerializers.err(e) as unknown as Record<string, unknown>;
  for (const key of ERROR_PROPERTIES_DROPPED) delete out[key];
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string') out[k] = scrub(k === 'stack' ? inSources(v) : v);
    else if (v instanceof Error && depth < 3) out[k] = serialiseError(v, scrub, depth + 1);
    else if (k === 'driverError' && v && typeof v === 'object') {
      const driver = { ...(v as Record<string, unknown>) };
      for (const key of ERROR_PROPERTIES_DROPPED) delete driver[key];
      out[k] = driver;
    }
  }
  return out;
}

export interface LoggerOptions {
  /** Writes nothing (tests). */
  silent?: boolean;
  /** LOG_LEVEL (config `log.level`); default info. */
  level?: LogLevel;
  /** Where the lines go (tests capture them); default stderr. */
  destination?: DestinationStream;
  /** The API tokens' prefix (config `auth.tokenPrefix`): such a token in a message is redacted. */
  tokenPrefix?: string;
}

/**
 * The application's logger, on pino: JSON lines with `time`, `level` (as a word), `message`, and the
 * entry's data beside them (`started` and its `ms` are read by `npm run bench -- start`). Secrets are
 * redacted (REDACTED_PATHS); errors are logged with their stack, without what was sent.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const scrub = scrubber(opts.tokenPrefix ?? 'ld_');
  const base = pino(
    {
      level: opts.silent ? 'silent' : (opts.level ?? 'info'),
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: (e: unknown) => (e instanceof Error ? serialiseError(e, scrub) : e) },
    },
    // Synchronous: the last lines before an exit (a shutdown that ran out of time) are not lost.
    opts.destination ?? pino.destination({ dest: 2, sync: true }),
  );
  const entry = (data?: Record<string, unknown>): Record<string, unknown> => {
    if (!data) return {};
    let out: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(data)) {
      if (v instanceof Error && k !== 'err') (out ??= { ...data })[k] = serialiseError(v, scrub);
      else if (isPlainObject(v)) {
        const censored = censorDeep(v, 3);
        if (censored !== v) (out ??= { ...data })[k] = censored;
      }
    }
    return out ?? data;
  };
  return {
    debug: (m, d) => base.isLevelEnabled('debug') && base.debug(entry(d), scrub(m)),
    info: (m, d) => base.isLevelEnabled('info') && base.info(entry(d), scrub(m)),
    warn: (m, d) => base.isLevelEnabled('warn') && base.warn(entry(d), scrub(m)),
    error: (m, d) => base.isLevelEnabled('error') && base.error(entry(d), scrub(m)),
  };
}

/**
 * An error nobody caught stops the process as Node stops it (its stack on stderr, exit code 1), but is logged
 * first: a JSON line an operator's tools read, its stack at the lines of `src/*.ts` (stack-sources.ts; Node's
 * own print shows the bundle's).
 */
export function logUncaught(logger: Logger): void {
  process.on('uncaughtExceptionMonitor', (err, origin) =>
    logger.error('stopped by an error nobody caught', { err, origin }),
  );
}
