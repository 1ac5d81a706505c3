import { Router } from 'express';
import type { Services } from '../../container';
import { INDICATORS } from '../../domain/figures/indicators';
import { t } from '../../i18n';
import { presentDrill, presentFigures } from '../presenters/figures.presenter';
import { assessmentQuery, drillQuery, figuresQuery } from '../schemas/figures.schema';
import { parseInput } from '../validate';
import { sendDrillExport, sendFiguresExport } from '../figures-export';
import { localName } from '../../i18n/local-name';
import { signedIn } from '../signed-in';

/** /api/v1/figures: indicators for a period and scope, beside the previous period and last year; the records behind each. */
export function figuresApi(services: Pick<Services, 'figures' | 'config'>): Router {
  const r = Router();

  r.get('/indicators', (req, res) => {
    res.json({
      items: INDICATORS.map((i) => ({
        id: i.id,
        name: t(req.locale, `indicator.${i.id}.name`),
        definition: t(req.locale, `indicator.${i.id}.definition`),
        kind: i.kind,
        section: i.section,
        better: i.better ?? null,
      })),
      minSample: services.config.figures.minSample,
    });
  });

  r.get('/', async (req, res) => {
    const p = signedIn(req);
    const q = parseInput(figuresQuery, req.query, { collapseIndexes: true });
    const view = await services.figures.view(p, q);
    if (q.format === 'csv' || q.format === 'xlsx') return sendFiguresExport(res, view, req.locale, q.format);
    const keep = new URLSearchParams(
      Object.entries({ period: q.period, from: q.from, to: q.to, group: q.group, squad: q.squad }).filter(
        ([, v]) => v,
      ) as Array<[string, string]>,
    );
    res.json(presentFigures(view, req.locale, p.timeZone, (id) => `/api/v1/figures/${id}/records?${keep}`));
  });

  // R14: the annual assessment per squad, best first, with how each part of each score was reached.
  r.get('/assessment', async (req, res) => {
    const q = parseInput(assessmentQuery, req.query);
    const year = Number(q.year);
    const rows = await services.figures.assessment(signedIn(req), year);
    res.json({
      year,
      weights: services.config.figures.assessmentWeights,
      items: rows.map((a, i) => ({
        rank: i + 1,
        squad: a.squad.code,
        name: localName(req.locale, a.squad),
        score: a.score,
        participations: a.participations,
        idleLines: a.idle,
        idleRecords: `/api/v1/figures/idle_lines/records?period=${year}&squad=${encodeURIComponent(a.squad.code)}`,
        components: a.components.map((c) => ({
          component: c.component,
          name: t(req.locale, `assessment.${c.component}`),
          weight: c.weight,
          raw: c.raw,
          basis: c.basis,
          rated: c.normalized !== null,
          points: c.points,
          how: t(req.locale, c.how.key, c.how.params),
        })),
      })),
    });
  });

  r.get('/:indicator/records', async (req, res) => {
    const p = signedIn(req);
    const q = parseInput(drillQuery, req.query, { collapseIndexes: true });
    if (q.format === 'csv' || q.format === 'xlsx') {
      // An export holds every record, not a page.
      const all = await services.figures.drillAll(p, { ...q, indicator: String(req.params.indicator) });
      return sendDrillExport(res, all, req.locale, p.timeZone, q.format);
    }
    const page = await services.figures.drill(p, { ...q, indicator: String(req.params.indicator) });
    res.json(presentDrill(page, req.locale, p.timeZone));
  });

  return r;
}
