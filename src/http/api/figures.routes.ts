import { Router } from 'express';
import type { Services } from '../../container';
import { INDICATORS } from '../../domain/figures/indicators';
import { t } from '../../i18n';
import { presentDrill, presentFigures } from '../presenters/figures.presenter';
import { drillQuery, figuresQuery } from '../schemas/figures.schema';
import { parseInput } from '../validate';
import { sendDrillExport, sendFiguresExport } from '../figures-export';

/** /api/v1/figures: indicators for a period and scope, beside the previous period and last year; the records behind each. */
export function figuresApi(services: Services): Router {
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
    const p = req.principal!;
    const q = parseInput(figuresQuery, req.query, { collapseIndexes: true });
    const view = await services.figures.view(p, q);
    if (q.format === 'csv' || q.format === 'xlsx') return sendFiguresExport(res, view, req.locale, q.format);
    const keep = new URLSearchParams(Object.entries({ period: q.period, from: q.from, to: q.to, group: q.group, squad: q.squad }).filter(([, v]) => v) as Array<[string, string]>);
    res.json(presentFigures(view, req.locale, p.timeZone, (id) => `/api/v1/figures/${id}/records?${keep}`));
  });

  r.get('/:indicator/records', async (req, res) => {
    const p = req.principal!;
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
