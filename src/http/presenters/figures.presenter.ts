import type { z } from 'zod';
import type { drillPage, figurePeriod, figureScope, figures } from '../schemas/responses/figures.response';
import { type DrillPage, type FiguresView, dwellOf } from '../../domain/figures/figures.service';
import type { FigurePeriod } from '../../domain/figures/figure-period';
import type { FigureScope } from '../../domain/figures/scope';
import type { IndicatorValue } from '../../domain/figures/indicators';
import { type Locale, t } from '../../i18n';
import { isoInZone } from '../../time';
import { localName } from '../../i18n/local-name';

export function periodJson(p: FigurePeriod, tz: string): z.output<typeof figurePeriod> {
  return {
    key: p.key,
    kind: p.kind,
    firstMonth: p.firstMonth,
    lastMonth: p.lastMonth,
    start: isoInZone(p.start, tz),
    end: isoInZone(p.end, tz),
  };
}

export function scopeJson(s: FigureScope): z.output<typeof figureScope> {
  return { kind: s.kind, group: s.group?.code ?? null, squad: s.squad?.code ?? null };
}

export function scopeName(s: FigureScope, locale: Locale): string {
  if (s.squad) return localName(locale, s.squad);
  if (s.group) return localName(locale, s.group);
  return t(locale, 'figures.brigade');
}

/** A figure as words: a count, a percentage, or "too few to rate". */
export function formatValue(v: IndicatorValue, locale: Locale): string {
  if (v.kind === 'count') return String(v.value);
  if (v.tooFew || v.value === null) return t(locale, 'figures.too_few');
  return `${(v.value * 100).toFixed(1)}%`;
}

const valueJson = (v: IndicatorValue) => ({
  value: v.value,
  numerator: v.numerator,
  denominator: v.denominator,
  tooFew: v.tooFew,
});

export function presentFigures(
  view: FiguresView,
  locale: Locale,
  tz: string,
  recordsUrl: (indicator: string) => string,
): z.output<typeof figures> {
  return {
    scope: scopeJson(view.scope),
    period: periodJson(view.period, tz),
    previous: periodJson(view.previous, tz),
    lastYear: periodJson(view.lastYear, tz),
    /** When the month in progress was computed, if not just now (figures.liveMonthSeconds). */
    asOf: view.asOf ? isoInZone(view.asOf, tz) : null,
    indicators: view.rows.map((r) => ({
      id: r.indicator.id,
      name: t(locale, `indicator.${r.indicator.id}.name`),
      definition: t(locale, `indicator.${r.indicator.id}.definition`),
      kind: r.indicator.kind,
      section: r.indicator.section,
      current: valueJson(r.current),
      previous: valueJson(r.previous),
      lastYear: valueJson(r.lastYear),
      records: recordsUrl(r.indicator.id),
    })),
    /** Where operations begun in the period waited longest: average hours per operation in each state. */
    dwell: dwellOf(view.facts),
  };
}

export function presentDrill(page: DrillPage, locale: Locale, tz: string): z.output<typeof drillPage> {
  return {
    indicator: {
      id: page.indicator.id,
      name: t(locale, `indicator.${page.indicator.id}.name`),
      definition: t(locale, `indicator.${page.indicator.id}.definition`),
    },
    scope: scopeJson(page.scope),
    period: periodJson(page.period, tz),
    items: page.rows.map((r) => ({
      id: r.id,
      link: r.link,
      at: r.at ? isoInZone(r.at, tz) : null,
      /** The brigade's number of the operation's plan, where the record is (of) an operation. */
      number: r.number ?? null,
      title: r.title,
      value: r.value,
      why: whyText(r.why, locale),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Why a record counts, in words (with the type, severity or state named in the reader's language). */
export function whyText(why: { key: string; params: Record<string, string | number> }, locale: Locale): string {
  const p = { ...why.params };
  if (typeof p.type === 'string') p.type = t(locale, `incident.${p.type}`);
  if (typeof p.severity === 'string') p.severity = t(locale, `severity.${p.severity}`);
  if (typeof p.state === 'string') p.state = t(locale, `state.${p.state}`);
  if (typeof p.kind === 'string') p.kind = t(locale, `flag_kind.${p.kind}`);
  if (typeof p.status === 'string' && why.key === 'why.flag') p.status = t(locale, `flag_status.${p.status}`);
  if (why.key.startsWith('why.goods_')) {
    p.squad = locale === 'en' ? p.squadEn : p.squad;
    p.goodsState = t(locale, `goods.state.${p.goodsState}`);
  }
  if (why.key === 'why.idle')
    p.squads = `${locale === 'en' ? p.squadEn : p.squad}${Number(p.others) > 0 ? ` +${p.others}` : ''}`;
  return t(locale, why.key, p);
}
