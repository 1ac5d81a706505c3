import { z } from 'zod';
import { cursorPage, id, instant, instantOrNull, recordNumber } from './common.response';

/** What the figures answer (SPEC §5, R14; src/http/presenters/figures.presenter.ts and the figures routes). */

export const figurePeriod = z.strictObject({
  key: z.string().describe('e.g. 2026, 2026-Q4, 2026-11, 2026-01..2026-03'),
  kind: z.enum(['month', 'quarter', 'year', 'range']),
  firstMonth: z.string(),
  lastMonth: z.string(),
  start: instant,
  end: instant,
});

export const figureScope = z.strictObject({
  kind: z.enum(['brigade', 'group', 'squad']),
  group: z.string().nullable(),
  squad: z.string().nullable(),
});

export const figureValue = z.strictObject({
  value: z.number().nullable().describe('A count, or a rate from 0 to 1; null when there is nothing to measure'),
  numerator: z.number().nullable(),
  denominator: z.number().nullable().describe('How many records a rate rests on'),
  tooFew: z
    .boolean()
    .describe('The denominator is below figures.minSample: shown as "too few to rate", not as a trend'),
});

const section = z.enum([
  'operations',
  'results',
  'problems',
  'safety',
  'holding',
  'timeliness',
  'changes',
  'oversight',
  'goods',
]);
const indicatorId = z.string().describe('The indicator, e.g. operations, holding_pass_rate');

export const figure = z
  .strictObject({
    id: indicatorId,
    name: z.string().describe('In your language'),
    definition: z.string().describe('What is counted, how, and from which records'),
    kind: z.enum(['count', 'ratio']),
    section,
    current: figureValue,
    previous: figureValue,
    lastYear: figureValue,
    records: z.string().describe('The URL of the records behind the value'),
  })
  .describe('One indicator for the period and scope, beside the previous period and the same period last year');

export const figures = z
  .strictObject({
    scope: figureScope,
    period: figurePeriod,
    previous: figurePeriod,
    lastYear: figurePeriod,
    asOf: instantOrNull.describe(
      'When the month in progress was computed (it is computed at most every figures.liveMonthSeconds); null: just now',
    ),
    indicators: z.array(figure),
    dwell: z
      .array(z.strictObject({ state: z.string(), hours: z.number(), operations: z.int() }))
      .describe('Average hours an operation begun in the period spent in each state'),
  })
  .describe('SPEC §5: the indicators for a period and scope, with the previous period and last year');

export const drillPage = cursorPage(
  z.strictObject({
    id,
    link: z.string().describe('The record’s page'),
    at: instantOrNull,
    number: recordNumber
      .nullable()
      .describe('The brigade’s number of the operation’s plan, where the record is (of) an operation'),
    title: z.string(),
    value: z
      .number()
      .describe(
        'What it adds to the figure (1 for a counted record; its share of a sum; 0 when listed but not counted)',
      ),
    why: z.string().describe('Why it counts, in your language'),
  }),
)
  .extend({
    indicator: z.strictObject({ id: indicatorId, name: z.string(), definition: z.string() }),
    scope: figureScope,
    period: figurePeriod,
  })
  .describe('The records behind one figure, a page at a time');

export const indicatorList = z
  .strictObject({
    items: z.array(
      z.strictObject({
        id: indicatorId,
        name: z.string(),
        definition: z.string(),
        kind: z.enum(['count', 'ratio']),
        section,
        better: z.enum(['higher', 'lower']).nullable().describe('Which way is better (null: neutral counts)'),
      }),
    ),
    minSample: z.int().describe('figures.minSample: a rate over fewer records is "too few to rate"'),
  })
  .describe('Every indicator with its definition in your language');

export const assessment = z
  .strictObject({
    year: z.int(),
    weights: z
      .record(z.string(), z.number())
      .describe('The configured weights of the parts (figures.assessmentWeights)'),
    items: z.array(
      z.strictObject({
        rank: z.int().min(1),
        squad: z.string(),
        name: z.string(),
        score: z.number(),
        participations: z.int(),
        idleLines: z.int(),
        idleRecords: z.string().describe('The URL of the "present but idle" records'),
        components: z.array(
          z.strictObject({
            component: z.string(),
            name: z.string(),
            weight: z.number(),
            raw: z.number().nullable(),
            basis: z.number().nullable(),
            rated: z.boolean(),
            points: z.number(),
            how: z.string().describe('How the points were reached, in your language'),
          }),
        ),
      }),
    ),
  })
  .describe('R14: the annual assessment per squad, best first');
