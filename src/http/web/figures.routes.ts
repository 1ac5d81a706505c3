import { Router, type Request } from 'express';
import { yearText } from '../schemas/common.schema';
import type { Services } from '../../container';
import { figurePeriod, monthsOfPeriod } from '../../domain/figures/figure-period';
import { INDICATORS } from '../../domain/figures/indicators';
import { dwellOf } from '../../domain/figures/figures.service';
import { monthOf } from '../../domain/oversight/periods';
import { metOfJudged } from '../../domain/oversight/compliance.service';
import { AppError } from '../../errors';
import { describeFieldProblem, t } from '../../i18n';
import { sendDrillExport, sendFiguresExport } from '../figures-export';
import { formatValue, scopeName, whyText } from '../presenters/figures.presenter';
import { groupedBarsChart, horizontalBarsChart, linesChart } from './charts';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';
import { NotFoundError } from '../../errors';

/** The query a figures page keeps in its links (period or range, and scope). */
/** What the figures pages read: the figures, the month standings, the organisation, the clock and limits. */
type FiguresServices = Pick<Services, 'figures' | 'compliance' | 'org' | 'clock' | 'config'>;

function keepQuery(q: Record<string, string | undefined>): URLSearchParams {
  return new URLSearchParams(
    Object.entries({ period: q.period, from: q.from, to: q.to, group: q.group, squad: q.squad }).filter(
      ([, v]) => v,
    ) as Array<[string, string]>,
  );
}

/** /figures: the indicators (SPEC §5), their definitions, comparisons, charts, the records behind each figure, exports. */
export function figuresPages(services: FiguresServices): Router {
  const r = Router();

  const defaults = (req: Request) => {
    const q = { ...(req.query as Record<string, string | undefined>) };
    if (!q.period && !q.from && !q.to) q.period = monthOf(services.clock.now(), signedIn(req).timeZone).slice(0, 4);
    for (const k of ['group', 'squad', 'from', 'to']) if (q[k] === '') delete q[k];
    return q;
  };

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = defaults(req);
    let view;
    try {
      view = await services.figures.view(p, q);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      const fields = Object.entries(e.fields)
        .map(([k, v]) => `${k}: ${describeFieldProblem(req.locale, v)}`)
        .join(' ');
      return res.status(400).render('figures/view', {
        ...(await pickers(services, req, q)),
        pageTitle: t(req.locale, 'figures.title'),
        nav: 'figures',
        banner: fields,
        sections: [],
      });
    }
    if (q.format === 'csv' || q.format === 'xlsx') return sendFiguresExport(res, view, req.locale, q.format);
    const keep = keepQuery(q);
    const sections = [...new Set(INDICATORS.map((i) => i.section))].map((section) => ({
      title: t(req.locale, `figures.section_${section}`),
      rows: view.rows
        .filter((row) => row.indicator.section === section)
        .map((row) => ({
          id: row.indicator.id,
          name: t(req.locale, `indicator.${row.indicator.id}.name`),
          definition: t(req.locale, `indicator.${row.indicator.id}.definition`),
          current: formatValue(row.current, req.locale),
          previous: formatValue(row.previous, req.locale),
          lastYear: formatValue(row.lastYear, req.locale),
          ratio: row.indicator.kind === 'ratio',
          detail: row.indicator.kind === 'ratio' ? `${row.current.numerator} / ${row.current.denominator}` : '',
          tooFew: row.current.tooFew,
          link: `/figures/${row.indicator.id}?${keep}`,
        })),
    }));
    // Charts: the year of the period.
    const year = view.period.firstMonth.slice(0, 4);
    const months =
      view.period.kind === 'range' ? monthsOfPeriod(view.period) : monthsOfPeriod(figurePeriod(year, p.timeZone));
    const monthLabel = (mo: string) => t(req.locale, 'compliance.month', { month: Number(mo.slice(5)) });
    const yearMonths = monthsOfPeriod(figurePeriod(year, p.timeZone));
    // R6: each group's months as the compliance view judges them (one rule, month-standing.ts).
    const [standings, series, { groups }] = await Promise.all([
      services.compliance.standings(p, yearMonths),
      services.figures.monthly(p, q, months),
      services.org.organisation(p.brigadeId),
    ]);
    const dwell = dwellOf(view.facts);
    const shownGroups = groups
      .map((g) => g.group)
      .filter((g) => g.active && (!view.scope.group || g.id === view.scope.group.id));
    const minimum = services.config.jobs.monthlyMinimum;
    const seriesWords = (series: number, categories: number) => ({
      rowHead: t(req.locale, 'a11y.chart_month'),
      summary: t(req.locale, 'a11y.chart_summary', { series, categories }),
    });
    const charts = {
      groups: groupedBarsChart({
        ...seriesWords(shownGroups.length, yearMonths.length),
        title: t(req.locale, 'charts.groups_title', { year }),
        categories: yearMonths.map(monthLabel),
        series: shownGroups.map((g) => ({
          label: localName(req.locale, g),
          values: standings.of(g.id).map((c) => c.qualifying),
        })),
        line: { value: minimum, label: t(req.locale, 'charts.minimum', { minimum }) },
      }),
      results: linesChart({
        ...seriesWords(3, series.length),
        title: t(req.locale, 'charts.results_title'),
        categories: series.map((x) => monthLabel(x.month)),
        series: ['person_times', 'educated', 'handled'].map((k) => ({
          label: t(req.locale, `indicator.${k}.name`),
          values: series.map((x) => x.facts[k] ?? 0),
        })),
      }),
      dwell: dwell.length
        ? horizontalBarsChart({
            rowHead: t(req.locale, 'a11y.chart_state'),
            valueHead: t(req.locale, 'a11y.chart_average'),
            noteHead: t(req.locale, 'a11y.chart_operations'),
            summary: t(req.locale, 'a11y.bars_summary', { n: dwell.length }),
            title: t(req.locale, 'charts.dwell_title'),
            unit: t(req.locale, 'charts.hours'),
            items: dwell.map((d) => ({
              label: t(req.locale, `state.${d.state}`),
              value: d.hours,
              note: t(req.locale, 'charts.operations', { n: d.operations }),
            })),
          })
        : null,
    };
    res.render('figures/view', {
      ...(await pickers(services, req, q)),
      pageTitle: t(req.locale, 'figures.title'),
      nav: 'figures',
      heading: `${scopeName(view.scope, req.locale)} · ${view.period.key}`,
      periodKey: view.period.key,
      asOf: view.asOf,
      previousKey: view.previous.key,
      lastYearKey: view.lastYear.key,
      minSample: services.config.figures.minSample,
      sections,
      charts,
      csv: `/figures?${withFormat(keep, 'csv')}`,
      xlsx: `/figures?${withFormat(keep, 'xlsx')}`,
      annual: `/figures/annual?year=${year}`,
      assessment: `/figures/assessment?year=${year}`,
    });
  });

  r.get('/:indicator', async (req, res, next) => {
    if (['annual', 'assessment'].includes(String(req.params.indicator))) return next();
    const p = signedIn(req);
    const q = defaults(req);
    const indicator = String(req.params.indicator);
    if (q.format === 'csv' || q.format === 'xlsx') {
      return sendDrillExport(
        res,
        await services.figures.drillAll(p, { ...q, indicator }),
        req.locale,
        p.timeZone,
        q.format,
      );
    }
    const [page, view] = await Promise.all([
      services.figures.drill(p, { ...q, indicator, cursor: q.cursor, limit: 100 }),
      services.figures.view(p, q),
    ]);
    const figure = view.rows.find((x) => x.indicator.id === indicator);
    if (!figure) throw new NotFoundError(`No indicator ${indicator}`);
    const keep = keepQuery(q);
    res.render('figures/drill', {
      pageTitle: t(req.locale, `indicator.${indicator}.name`),
      nav: 'figures',
      title: t(req.locale, 'figures.drill_title', {
        indicator: t(req.locale, `indicator.${indicator}.name`),
        scope: scopeName(page.scope, req.locale),
        period: page.period.key,
      }),
      definition: t(req.locale, `indicator.${indicator}.definition`),
      figure: formatValue(figure.current, req.locale),
      detail: figure.indicator.kind === 'ratio' ? `${figure.current.numerator} / ${figure.current.denominator}` : '',
      rows: page.rows.map((row) => ({ ...row, why: whyText(row.why, req.locale) })),
      nextUrl: page.nextCursor ? `/figures/${indicator}?${withParam(keep, 'cursor', page.nextCursor)}` : null,
      back: `/figures?${keep}`,
      csv: `/figures/${indicator}?${withFormat(keep, 'csv')}`,
      xlsx: `/figures/${indicator}?${withFormat(keep, 'xlsx')}`,
    });
  });

  return r;
}

function withParam(params: URLSearchParams, key: string, value: string): string {
  const copy = new URLSearchParams(params);
  copy.set(key, value);
  return copy.toString();
}

const withFormat = (params: URLSearchParams, format: string) => withParam(params, 'format', format);

/** The pickers of the figures pages: period kinds and scopes. */
async function pickers(services: Pick<Services, 'org'>, req: Request, q: Record<string, string | undefined>) {
  const p = signedIn(req);
  const org = await services.org.organisation(p.brigadeId);
  const groups = org.groups.map((g) => g.group);
  // In the order they were set up (the organisation lists squads by group).
  const squads = [...org.squads].sort((a, b) => a.id - b.id);
  const label = (x: { name: string; nameEn: string }) => localName(req.locale, x);
  return {
    q,
    groups: groups.map((g) => ({ value: g.code, label: label(g), selected: q.group === g.code })),
    squads: squads.map((s) => ({ value: s.code, label: label(s), selected: q.squad === s.code })),
  };
}

/** R14 annual assessment and the printable annual report (mounted before the indicator pages). */
export function annualPages(services: FiguresServices): Router {
  const r = Router();
  const yearOf = (req: Request) =>
    yearText.safeParse(req.query.year).success
      ? Number(req.query.year)
      : Number(monthOf(services.clock.now(), signedIn(req).timeZone).slice(0, 4));

  r.get('/assessment', async (req, res) => {
    const year = yearOf(req);
    const rows = await services.figures.assessment(signedIn(req), year);
    res.render('figures/assessment', {
      pageTitle: t(req.locale, 'figures.assessment'),
      nav: 'figures',
      year,
      rows: rows.map((a, i) => ({
        rank: i + 1,
        squad: localName(req.locale, a.squad),
        code: a.squad.code,
        score: a.score,
        participations: a.participations,
        components: a.components.map((c) => ({
          name: t(req.locale, `assessment.${c.component}`),
          weight: c.weight,
          points: c.points,
          rated: c.normalized !== null,
          how: t(req.locale, c.how.key, c.how.params),
        })),
        idle: a.idle,
        idleLink: `/figures/idle_lines?period=${year}&squad=${encodeURIComponent(a.squad.code)}`,
      })),
      weights: Object.entries(services.config.figures.assessmentWeights).map(([k, w]) => ({
        name: t(req.locale, `assessment.${k}`),
        weight: w,
      })),
    });
  });

  r.get('/annual', async (req, res) => {
    const p = signedIn(req);
    const year = yearOf(req);
    const yearMonths = monthsOfPeriod(figurePeriod(String(year), p.timeZone));
    const [brigade, standings, assessment, groups] = await Promise.all([
      services.figures.view(p, { period: String(year) }),
      services.compliance.standings(p, yearMonths),
      services.figures.assessment(p, year),
      services.org.groups(p.brigadeId),
    ]);
    // R6 per group: each month judged by the one rule the compliance view uses (month-standing.ts).
    const grid = {
      months: yearMonths,
      minimum: standings.minimum,
      rows: groups
        .filter((g) => g.group.active)
        .map((g) => {
          const cells = standings.of(g.group.id);
          return { group: g.group, cells, ...metOfJudged(cells) };
        }),
    };
    const perGroup = await Promise.all(
      groups.map(async (g) => ({
        g,
        view: await services.figures.view(p, { period: String(year), group: g.group.code }),
      })),
    );
    const pick = [
      'operations',
      'operations_qualifying',
      'person_times',
      'vehicle_times',
      'educated',
      'handled',
      'incidents',
      'audit_pass_rate',
    ];
    res.render('figures/annual', {
      pageTitle: t(req.locale, 'figures.annual_report'),
      nav: 'figures',
      bodyClass: 'report',
      year,
      since: standings.since,
      rows: brigade.rows.map((row) => ({
        name: t(req.locale, `indicator.${row.indicator.id}.name`),
        current: formatValue(row.current, req.locale),
        previous: formatValue(row.previous, req.locale),
        definition: t(req.locale, `indicator.${row.indicator.id}.definition`),
      })),
      groupHeads: pick.map((id) => t(req.locale, `indicator.${id}.name`)),
      groupRows: perGroup.map(({ g, view }) => ({
        name: localName(req.locale, g.group),
        values: pick.flatMap((id) =>
          view.rows.filter((x) => x.indicator.id === id).map((x) => formatValue(x.current, req.locale)),
        ),
        met: grid.rows.find((x) => x.group.id === g.group.id)?.met ?? 0,
        judged: grid.rows.find((x) => x.group.id === g.group.id)?.judged ?? 0,
      })),
      top: assessment.slice(0, 5).map((a) => ({ squad: localName(req.locale, a.squad), score: a.score })),
      chart: groupedBarsChart({
        rowHead: t(req.locale, 'a11y.chart_month'),
        summary: t(req.locale, 'a11y.chart_summary', { series: grid.rows.length, categories: grid.months.length }),
        title: t(req.locale, 'charts.groups_title', { year }),
        categories: grid.months.map((mo) => t(req.locale, 'compliance.month', { month: Number(mo.slice(5)) })),
        series: grid.rows.map((row) => ({
          label: localName(req.locale, row.group),
          values: row.cells.map((c) => c.qualifying),
        })),
        line: { value: grid.minimum, label: t(req.locale, 'charts.minimum', { minimum: grid.minimum }) },
      }),
    });
  });

  return r;
}
