import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Database } from '../../persistence/data-source';
import { readDate, readRequiredDate } from '../../persistence/sql';
import { isUniqueViolation } from '../../persistence/dialect';
import type { Facts, FactSource } from './facts';
import { figurePeriod } from './figure-period';
import { BEGAN, keptMonthRows, replaceMonths, restampMonths, squadGroups, touchedSpans } from './month-facts.queries';
import type { FigureScope } from './scope';

/**
 * A set of fact sources asked together for one scope: the figures of a
 * brigade, group or squad, or every squad's assessment facts at once.
 */
export interface FactSet {
  name: string;
  sources: FactSource[];
  /** What the kept rows of this scope are filed under. */
  scopeKey: (scope: FigureScope) => string;
  /** Facts per group: kept rows are keyed by every group's make-up too (a squad moved makes them old). */
  membership?: boolean;
  /**
   * Every fact of these sources lies where their `touched` statements say (none
   * at a step's own time, none moved by the clock alone): a month in progress is
   * then kept too and trusted exactly as a month that is over — while no
   * instance with a fact in it has changed since it was computed (less the
   * in-flight margin) — instead of for `liveMonthSeconds`.
   */
  exactWhileOpen?: boolean;
}

/**
 * A changed instance makes a kept month suspect when it changed at most this
 * long before the month was computed: a transaction that began before the
 * computation may commit after it (with `updated_at` from its start).
 * Transactions here last milliseconds; lock waits give up after 50 s.
 */
export const IN_FLIGHT_MARGIN_MS = 5 * 60_000;
/** A kept month checked and found good is stamped again when its stamp is older than this (keeps the check's scan short). */
const RESTAMP_AFTER_MS = 60 * 60_000;
interface Month {
  key: string;
  start: Date;
  end: Date;
}

/**
 * Figures by month, each month computed once it is over and kept
 * (`figure_month_facts`), so a year's figures read 12 small rows instead of a
 * year of operations and their history. A month in progress is kept only for
 * `liveMonthSeconds` (a page then says as of when); the sources that are not
 * cacheable (flags) are always read live.
 *
 * A kept month is trusted while nothing that could count in it has changed:
 * every fact a cacheable source reads is written by the engine in the
 * transaction that moves an instance, which stamps the instance's
 * `updated_at`. Each source says where it places an instance's facts
 * (`touched`: its operation's actual start, its incidents, the limits' due
 * times, a detained item's registration on); a month is computed again when
 * a changed instance (changed at or after computed_at − margin) has a fact
 * there, or the month ends after that time. So a monthly plan or a meeting
 * moved today leaves every kept month alone, and an old operation's late audit
 * makes only its own months (its start's, its limits') be computed again. Rows are also keyed by `facts_key` — a hash of the sources' code,
 * the time zone and the scope's make-up (a group's squads): a new release or
 * a squad moved to another group never reads an old row.
 */
export class MonthFacts {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** How long a month in progress, once computed, is shown before it is computed again (0: always afresh). */
    private readonly liveMonthSeconds = 0,
  ) {}

  /** Facts per month, in the order of `months` (`YYYY-MM`, any order, duplicates allowed). */
  async months(set: FactSet, scope: FigureScope, monthKeys: string[]): Promise<Facts[]> {
    return (await this.monthsAsOf(set, scope, monthKeys)).facts;
  }

  /**
   * Facts per month, and the oldest computation among the months in progress
   * that were read from a recent computation instead of afresh (null when all
   * are as of now): the page says "as of" then.
   */
  async monthsAsOf(
    set: FactSet,
    scope: FigureScope,
    monthKeys: string[],
    opts: { live?: boolean } = {},
  ): Promise<{ facts: Facts[]; asOf: Date | null; computed: number }> {
    const m = this.db.manager;
    const now = this.clock.now();
    const months = [...new Set(monthKeys)].sort().map((key): Month => {
      const p = figurePeriod(key, scope.timeZone);
      return { key, start: p.start, end: p.end };
    });
    const ctx = { m, scope, now };
    const cacheable = set.sources.filter((s) => s.cacheable);
    const live = set.sources.filter((s) => !s.cacheable);
    const isOver = (mo: Month) => mo.end.getTime() <= now.getTime();
    // A month in progress is kept for a short while (liveMonthSeconds), so a busy month is computed at most that often;
    // an exact set's is kept until something that could count in it changes.
    const exact = set.exactWhileOpen === true;
    const keepable = (mo: Month) =>
      isOver(mo) || ((exact || this.liveMonthSeconds > 0) && mo.start.getTime() <= now.getTime());
    const candidatesMonths = months.filter(keepable);
    const scopeKey = set.scopeKey(scope);
    const factsKey = candidatesMonths.length ? await this.factsKey(set, scope, cacheable) : '';

    // 1. The kept months, and whether each is still good.
    const kept = new Map<string, Facts>();
    let asOf: Date | null = null;
    if (candidatesMonths.length && cacheable.length) {
      const rows = await keptMonthRows(
        m,
        scope.brigadeId,
        scopeKey,
        candidatesMonths.map((mo) => mo.key),
      );
      const candidates = rows
        .filter((r) => r.facts_key === factsKey)
        .flatMap((r) => {
          // Asked by these months' keys, so each row is one of them.
          const month = candidatesMonths.find((mo) => mo.key === r.month);
          return month
            ? [{ ...r, computedAt: readRequiredDate(r.computed_at, 'figure_month_facts.computed_at'), month }]
            : [];
        });
      // A month in progress: good while recent. A month over: only if computed after it ended, and nothing that could count in it changed since.
      const recent = exact
        ? []
        : candidates.filter(
            (r) =>
              !isOver(r.month) &&
              now.getTime() - r.computedAt.getTime() < this.liveMonthSeconds * 1000 &&
              r.computedAt.getTime() <= now.getTime(),
          );
      for (const r of recent) {
        kept.set(r.month.key, JSON.parse(r.facts) as Facts);
        if (!asOf || r.computedAt < asOf) asOf = r.computedAt;
      }
      const final = candidates.filter((r) =>
        isOver(r.month)
          ? r.computedAt.getTime() >= r.month.end.getTime()
          : exact && r.computedAt.getTime() <= now.getTime(),
      );
      if (final.length) {
        const since = new Date(Math.min(...final.map((r) => r.computedAt.getTime())) - IN_FLIGHT_MARGIN_MS);
        const spans = await this.touched(cacheable, scope.brigadeId, since);
        const restamp: string[] = [];
        for (const r of final) {
          const start = r.month.start.getTime();
          const end = r.month.end.getTime();
          // Changed after this row was computed (less the margin): a step's own time from then on, or where its facts lie.
          const after = r.computedAt.getTime() - IN_FLIGHT_MARGIN_MS;
          // (Facts at a step's own time lie in no span: a month that ended after this computation is never trusted — but
          // an exact set's month in progress, whose every fact lies in a span.)
          if (end > after && !(exact && !isOver(r.month))) continue;
          if (spans.some(([f, t, u]) => u >= after && f < end && (t === null || t >= start))) continue;
          kept.set(r.month.key, JSON.parse(r.facts) as Facts);
          if (now.getTime() - r.computedAt.getTime() > RESTAMP_AFTER_MS) restamp.push(r.month.key);
        }
        if (restamp.length) await this.restamp(scope.brigadeId, scopeKey, restamp, now);
      }
    }

    // 2. What is not kept: computed, a run of consecutive months at a time (one statement per source per run).
    const computed = new Map<string, Facts>();
    const missing = months.filter((mo) => !kept.has(mo.key));
    for (const run of runs(missing)) {
      const bounds = [...run.map((mo) => mo.start), run[run.length - 1].end];
      const parts = await Promise.all(cacheable.map((s) => s.load({ ...ctx, bounds })));
      run.forEach((mo, i) => computed.set(mo.key, Object.assign({}, ...parts.map((p) => p[i]))));
    }
    const toKeep = missing.filter(keepable);
    if (toKeep.length && cacheable.length)
      await this.keep(
        scope.brigadeId,
        scopeKey,
        factsKey,
        toKeep.map((mo) => {
          const facts = computed.get(mo.key);
          if (!facts) throw new Error(`month ${mo.key} was not computed`);
          return [mo.key, facts] as const;
        }),
        now,
      );

    // 3. The live sources, over every month asked for.
    const liveFacts = new Map<string, Facts>();
    if (live.length && opts.live !== false) {
      for (const run of runs(months)) {
        const bounds = [...run.map((mo) => mo.start), run[run.length - 1].end];
        const parts = await Promise.all(live.map((s) => s.load({ ...ctx, bounds })));
        run.forEach((mo, i) => liveFacts.set(mo.key, Object.assign({}, ...parts.map((p) => p[i]))));
      }
    }
    return {
      facts: monthKeys.map((key) => ({ ...(kept.get(key) ?? computed.get(key)), ...liveFacts.get(key) })),
      asOf,
      computed: computed.size,
    };
  }

  /**
   * Computes and keeps the months that are over among `monthKeys` and not kept yet, or kept but no longer
   * good (the `figures` job, so that nobody waits for them); the live sources are not read. How many it computed.
   */
  async keepOver(set: FactSet, scope: FigureScope, monthKeys: string[]): Promise<number> {
    return (await this.monthsAsOf(set, scope, monthKeys, { live: false })).computed;
  }

  /**
   * Where facts of the instances changed since `since` may lie, as spans
   * `[from, to, changedAt]` (to null: on to now): what each cacheable source
   * names in `touched`, each statement run once; and for a source that names
   * nothing, from each changed instance's beginning (its creation, or its
   * operation's actual start if earlier). Facts at a step's own time need no
   * span: a month ending after a row's computation (less the margin) is never
   * trusted.
   */
  private async touched(
    sources: FactSource[],
    brigadeId: number,
    since: Date,
  ): Promise<Array<[number, number | null, number]>> {
    const statements = [...new Set(sources.flatMap((s) => s.touched ?? [BEGAN]))];
    const spans: Array<[number, number | null, number]> = [];
    if (!statements.length) return spans;
    const rows = await touchedSpans(this.db.manager, statements, brigadeId, since);
    for (const r of rows) {
      const f = readDate(r.f);
      const u = readDate(r.u);
      if (f && u) spans.push([f.getTime(), r.t === null ? null : (readDate(r.t)?.getTime() ?? null), u.getTime()]);
    }
    return spans;
  }

  private async factsKey(set: FactSet, scope: FigureScope, sources: FactSource[]): Promise<string> {
    const h = createHash('sha256');
    h.update(`${set.name}\n${scope.timeZone}\n`);
    for (const s of sources) h.update(sourceText(s));
    if (scope.kind === 'group') h.update(scope.squadIds.map((id) => String(id)).join(','));
    if (set.membership) {
      const rows = await squadGroups(this.db.manager, scope.brigadeId);
      h.update(rows.map((r) => `${r.id}:${r.group_id ?? ''}`).join(','));
    }
    return h.digest('hex');
  }

  private async restamp(brigadeId: number, scopeKey: string, months: string[], at: Date): Promise<void> {
    await this.db.transaction((m) => restampMonths(m, brigadeId, scopeKey, months, at));
  }

  /** Keeps computed months (replacing older rows). Two readers keeping the same month at once: the second gives way. */
  private async keep(
    brigadeId: number,
    scopeKey: string,
    factsKey: string,
    months: ReadonlyArray<readonly [string, Facts]>,
    computedAt: Date,
  ): Promise<void> {
    try {
      await this.db.transaction((m) => replaceMonths(m, { brigadeId, scopeKey, factsKey }, months, computedAt));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }
}

/** Months grouped into runs of consecutive months (each run asked in one statement). */
function runs(months: Month[]): Month[][] {
  const out: Month[][] = [];
  for (const mo of months) {
    const last = out[out.length - 1];
    if (last && last[last.length - 1].end.getTime() === mo.start.getTime()) last.push(mo);
    else out.push([mo]);
  }
  return out;
}

/** What a fact source's kept months are filed under: its code and the code of the queries it reads (worked out once). */
const SOURCE_TEXT = new WeakMap<FactSource, string>();
function sourceText(s: FactSource): string {
  let text = SOURCE_TEXT.get(s);
  if (text === undefined) {
    text = codeText(
      `${s.name}\n${s.fingerprint ?? s.load.toString()}\n${(s.queries ?? []).map((q) => `${q.toString()}\n`).join('')}`,
    );
    SOURCE_TEXT.set(s, text);
  }
  return text;
}

/**
 * Code as it reads whichever bundle runs it: the server's and the CLI's are bundled apart, and the bundler
 * renames a name that meets another in its bundle by a number after it (`line` becomes `line2` in one of
 * them), so identifiers are read without a number at their end — else months the `figures` job kept from
 * the CLI would be filed under a key the server never reads. A shorthand property or destructured name
 * so renamed is written out (`{ name }` becomes `{ name: name2 }`): read back as the shorthand.
 */
export function codeText(code: string): string {
  return code
    .replace(/([A-Za-z_$][\w$]*?)\d+\b/g, '$1')
    .replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:\s*\2(?=\s*(?:[,}]|=(?![=>])))/g, '$1$2');
}
