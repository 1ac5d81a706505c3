import { defaults } from './default';
import { configSchema, ENV_OVERRIDES, type Config } from './schema';

export type { Config } from './schema';

/** A setting that cannot be used; the message names the key (and the variable that set it). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Json;
  node[keys[keys.length - 1]] = value;
}

function getPath(source: Json, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split('.')) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node;
}

/**
 * Defaults that depend on the run mode (NODE_ENV). Production loads nothing
 * demo unless SEED_DEMO=1 says so, and serves cookies Secure with HSTS
 * (SECURE_COOKIES=0 for plain HTTP); tests start from an empty past.
 */
const MODE_DEFAULTS: Record<string, Record<string, unknown>> = {
  production: { 'demo.seedOnEmpty': false, 'web.secureCookies': true },
  test: { 'demo.historyMonths': 0 },
};

function parseValue(name: string, raw: string, parse: 'string' | 'int' | 'bool' | 'number' | 'json'): unknown {
  switch (parse) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name}=${raw}: must be a whole number`);
      return Number(raw);
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || Number.isNaN(n)) throw new ConfigError(`${name}=${raw}: must be a number`);
      return n;
    }
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw new ConfigError(`${name}: not valid JSON`);
      }
    case 'bool': {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${name}=${raw}: must be 1/0, true/false, yes/no or on/off`);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object'
        ? deepMerge(base[k] as Json, v as Json)
        : v;
  }
  return out;
}

/**
 * Builds the one config object: defaults, then `overrides` (tests), then the
 * environment. Throws ConfigError naming the key when a value is bad.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Json = {}): Readonly<Config> {
  const raw = deepMerge(structuredClone(defaults) as unknown as Json, overrides);
  const setBy: Record<string, string> = {};
  for (const [name, { path, parse }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, parseValue(name, value, parse));
    setBy[path] = name;
  }
  // Defaults of the run mode, where neither the environment nor the caller set the key.
  for (const [path, value] of Object.entries(MODE_DEFAULTS[String(raw.env)] ?? {})) {
    if (!setBy[path] && getPath(overrides, path) === undefined) setPath(raw, path, value);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      const via = setBy[key] ? ` (set by ${setBy[key]})` : '';
      return `  ${key}${via}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.organisation.groupMinSquads > config.organisation.groupMaxSquads) {
    throw new ConfigError(
      'Invalid configuration:\n  organisation.groupMinSquads: must not exceed organisation.groupMaxSquads',
    );
  }
  if (config.operations.holdingDaysMin > config.operations.holdingDaysMax) {
    throw new ConfigError(
      'Invalid configuration:\n  operations.holdingDaysMin: must not exceed operations.holdingDaysMax',
    );
  }
  const { holdingDaysDefault, holdingDaysMin, holdingDaysMax } = config.operations;
  if (holdingDaysDefault < holdingDaysMin || holdingDaysDefault > holdingDaysMax) {
    throw new ConfigError(
      'Invalid configuration:\n  operations.holdingDaysDefault: must lie within holdingDaysMin … holdingDaysMax',
    );
  }
  if (config.validation.minYear > config.validation.maxYear) {
    throw new ConfigError('Invalid configuration:\n  validation.minYear: must not exceed validation.maxYear');
  }
  if (config.files.storage === 's3' && !config.files.s3) {
    throw new ConfigError('Invalid configuration:\n  files.s3: required when files.storage is s3 (FILES_S3)');
  }
  return deepFreeze(config);
}
