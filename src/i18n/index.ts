import { en } from './en';
import { zhCN } from './zh-CN';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const DICTIONARIES: Record<Locale, Record<string, string>> = { 'zh-CN': zhCN, en };

/** The text of `key` in `locale`, with `{name}` placeholders filled; the key itself if missing (a test forbids that). */
export function t(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  const text = DICTIONARIES[locale][key] ?? DICTIONARIES[DEFAULT_LOCALE][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] === undefined ? `{${name}}` : String(params[name])));
}

/** Chinese first: English only when the caller prefers it. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return DEFAULT_LOCALE;
}

/**
 * Problem params that are codes of things the dictionaries name: a message
 * says the thing's name in the user's language, never its code (a missing
 * `transfer_letter` reads 案件移送函 / Transfer letter).
 */
const NAMED_PARAMS: Record<string, string> = { material: 'material.' };

/** The codes (e.g. of required transfer materials, from config) that lack words in a dictionary: `<prefix><code>` in every locale. */
export function unnamedCodes(prefix: string, codes: readonly string[]): string[] {
  return codes.filter((code) => LOCALES.some((l) => !DICTIONARIES[l][`${prefix}${code}`]));
}

function namedParams(locale: Locale, params: Record<string, unknown>): Record<string, unknown> {
  const out = { ...params };
  for (const [name, prefix] of Object.entries(NAMED_PARAMS)) {
    const code = params[name];
    if (typeof code === 'string' && DICTIONARIES[DEFAULT_LOCALE][`${prefix}${code}`])
      out[name] = t(locale, `${prefix}${code}`);
  }
  return out;
}

/**
 * A field problem as stored on errors: `code` or `code:value` (e.g.
 * `unknown_code:waitan2`), rendered as a sentence in the user's language.
 */
export function describeFieldProblem(locale: Locale, problem: string, params: Record<string, unknown> = {}): string {
  const [code, value] = problem.split(/:(.*)/s);
  const key = DICTIONARIES[DEFAULT_LOCALE][`problem.${code}`] ? `problem.${code}` : `validation.${code}`;
  if (!DICTIONARIES[DEFAULT_LOCALE][key]) return problem;
  // Validation codes carry one detail (`too_small:4`); every placeholder of theirs reads it.
  const detail =
    value === undefined
      ? {}
      : { expected: value, minimum: value, maximum: value, format: value, values: value.split('|').join(', ') };
  return t(locale, key, { value, ...detail, ...namedParams(locale, params) });
}
