import { assessmentQuery, drillQuery, figuresQuery } from './schemas/figures.schema';
import { err, queryParameters, ref } from './openapi-parts';
import { ok } from './openapi-responses';

/** The OpenAPI part of the yearly figures (SPEC §5, R14), from the zod schemas the server validates with. */

export function figuresSchemas(): Record<string, unknown> {
  return {};
}

export function figuresPaths(): Record<string, unknown> {
  const formats =
    'JSON by default; `format=csv` (UTF-8 with BOM, opens in Excel) or `format=xlsx` downloads the same table';
  // The downloads (format=csv, format=xlsx): the same table as a file.
  const exports = {
    'text/csv': {
      schema: { type: 'string', description: 'UTF-8 with a byte-order mark, comma-separated, a header row' },
    },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: { type: 'string', format: 'binary', description: 'An Excel workbook of one sheet' },
    },
  };
  return {
    '/api/v1/figures': {
      get: {
        summary:
          'SPEC §5: the indicators for a period (year, quarter, month or a range of months) for the brigade, a group or a squad, with the previous period and last year',
        description: formats,
        parameters: queryParameters(figuresQuery),
        responses: {
          '200': {
            description: 'The figures; dwell: average hours an operation begun in the period spent in each state',
            content: { 'application/json': { schema: ref('Figures') }, ...exports },
          },
          '400': err('A bad period, group or squad is named'),
          '401': err('No or bad credentials'),
          '403': err('Not a manager, squad leader or inspector (may_not_read_figures)'),
          '404': err('Unknown group or squad (or not in your brigade)'),
        },
      },
    },
    '/api/v1/figures/indicators': {
      get: {
        summary:
          'Every indicator: its name and definition in your language, its kind and which way is better; and the minimum sample',
        responses: {
          '200': ok('The indicators and the minimum sample', 'IndicatorList'),
          '401': err('No or bad credentials'),
        },
      },
    },
    '/api/v1/figures/assessment': {
      get: {
        summary:
          'R14: the annual assessment per squad (best first): the score out of 100 from the configured weights, each part with how it was reached, and the "present but idle" lines',
        parameters: queryParameters(assessmentQuery),
        responses: {
          '200': ok('The assessment, best first', 'Assessment'),
          '400': err('A bad year'),
          '401': err('No or bad credentials'),
          '403': err('Not a manager, squad leader or inspector (may_not_read_figures)'),
        },
      },
    },
    '/api/v1/figures/{indicator}/records': {
      parameters: [{ name: 'indicator', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        summary: 'The records behind one figure, page by page (cursor); the export (csv/xlsx) holds all of them',
        description: formats,
        parameters: queryParameters(drillQuery),
        responses: {
          '200': {
            description: 'A page of the records behind the figure',
            content: { 'application/json': { schema: ref('FigureRecords') }, ...exports },
          },
          '400': err('A bad period, group, squad or cursor is named'),
          '401': err('No or bad credentials'),
          '403': err('Not a manager, squad leader or inspector (may_not_read_figures)'),
          '404': err('Unknown indicator, group or squad'),
        },
      },
    },
  };
}
