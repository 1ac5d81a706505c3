import { assessmentQuery, drillQuery, figuresQuery } from './schemas/figures.schema';
import { err, queryParameters, ref } from './openapi-parts';

/** The OpenAPI part of the yearly figures (SPEC §5, R14), from the zod schemas the server validates with. */


/** Query parameters from a zod object schema (refinements do not change the fields). */
const valueSchema = {
  type: 'object',
  required: ['value', 'numerator', 'denominator', 'tooFew'],
  properties: {
    value: { type: ['number', 'null'], description: 'A count, or a rate from 0 to 1; null when there is nothing to measure' },
    numerator: { type: ['number', 'null'] },
    denominator: { type: ['number', 'null'], description: 'How many records a rate rests on' },
    tooFew: { type: 'boolean', description: 'The denominator is below figures.minSample: shown as "too few to rate", not as a trend' },
  },
};

const figureSchema = {
  type: 'object',
  description: 'One indicator for the period and scope, beside the previous period and the same period last year',
  required: ['id', 'name', 'definition', 'kind', 'section', 'current', 'previous', 'lastYear', 'records'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string', description: 'In your language' },
    definition: { type: 'string', description: 'What is counted, how, and from which records' },
    kind: { type: 'string', enum: ['count', 'ratio'] },
    section: { type: 'string' },
    current: ref('FigureValue'),
    previous: ref('FigureValue'),
    lastYear: ref('FigureValue'),
    records: { type: 'string', description: 'The URL of the records behind the value' },
  },
};

export function figuresSchemas(): Record<string, unknown> {
  return { Figure: figureSchema, FigureValue: valueSchema };
}

export function figuresPaths(): Record<string, unknown> {
  const formats = 'JSON by default; `format=csv` (UTF-8 with BOM, opens in Excel) or `format=xlsx` downloads the same table';
  return {
    '/api/v1/figures': {
      get: {
        summary: 'SPEC §5: the indicators for a period (year, quarter, month or a range of months) for the brigade, a group or a squad, with the previous period and last year',
        description: formats,
        parameters: queryParameters(figuresQuery),
        responses: {
          '200': {
            description: '`{scope, period, previous, lastYear, indicators: [Figure], dwell: [{state, hours, operations}]}` — dwell: average hours an operation begun in the period spent in each state',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    indicators: { type: 'array', items: ref('Figure') },
                    asOf: { type: ['string', 'null'], description: 'When the month in progress was computed (it is computed at most every figures.liveMonthSeconds); null: just now' },
                    dwell: {
                      type: 'array',
                      items: { type: 'object', properties: { state: { type: 'string' }, hours: { type: 'number' }, operations: { type: 'integer' } }, required: ['state', 'hours', 'operations'] },
                    },
                  },
                },
              },
              'text/csv': { schema: { type: 'string' } },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
            },
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
        summary: 'Every indicator: its name and definition in your language, its kind and which way is better; and the minimum sample',
        responses: { '200': { description: '`{items: [{id, name, definition, kind, section, better}], minSample}`' }, '401': err('No or bad credentials') },
      },
    },
    '/api/v1/figures/assessment': {
      get: {
        summary: 'R14: the annual assessment per squad (best first): the score out of 100 from the configured weights, each part with how it was reached, and the "present but idle" lines',
        parameters: queryParameters(assessmentQuery),
        responses: {
          '200': {
            description:
              '`{year, weights, items: [{rank, squad, name, score, participations, idleLines, idleRecords, components: [{component, name, weight, raw, basis, rated, points, how}]}]}`',
          },
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
          '200': { description: '`{indicator: {id, name, definition}, scope, period, items: [{id, link, at, title, value, why}], nextCursor}`' },
          '400': err('A bad period, group, squad or cursor is named'),
          '401': err('No or bad credentials'),
          '403': err('Not a manager, squad leader or inspector (may_not_read_figures)'),
          '404': err('Unknown indicator, group or squad'),
        },
      },
    },
  };
}
