import { z } from 'zod';
import { calendarDate, evidenceFiles, freeText, requiredText } from './common.schema';
import { CASE_TRANSFER_STATES } from '../../../workflows/case-transfer';

/** Request schemas of the cases and transfers API (R10): the server validates with these and the OpenAPI document is generated from them. */

const code = z.string().trim().min(1).max(40).describe('A squad code, e.g. `waitan`.');
const day = calendarDate;
const id = z.int().min(1);

/** POST /cases: a case registered for the caller's squad. */
export const createCaseSchema = z
  .strictObject({
    reference: requiredText(60).describe('The brigade’s case number (案号), unique in the brigade'),
    partyKind: z.enum(['person', 'stall']).describe('The party: a person or a stall (摊位)'),
    partyName: requiredText(200),
    violation: requiredText(1000),
    location: requiredText(300),
    openedOn: day.optional().describe('YYYY-MM-DD; default today; never in the future'),
    operation: id.nullable().optional().describe('The operation it came from (your squad took part in it)'),
  })
  .describe('A case to register (R10)');

const material = z.strictObject({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'invalid_code')
    .describe('e.g. `inquiry_record`; `other` (with a description) for anything else'),
  count: z.int().min(0).max(10000).describe('How many (pages, photos, files)'),
  description: freeText(500).optional(),
});

/** POST /transfers: a transfer proposed, with its package of evidence and materials. */
export const createTransferSchema = z
  .strictObject({
    case: id.describe('The case to transfer (handled by your squad)'),
    toSquad: code.describe('The squad it is to go to'),
    materials: z
      .array(material)
      .max(50)
      .describe('R10: the evidence and materials sent with it; every required item (see config) with a count ≥ 1'),
    note: requiredText(2000).describe('Why the case is the other squad’s'),
    files: evidenceFiles
      .optional()
      .describe('R10: the package’s evidence and materials as files (photos, scanned records; ids from `POST /files`)'),
  })
  .describe('A case transfer to propose (R10)');

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);
const reason = requiredText(2000);

export const transferEventSchemas = {
  ACCEPT: ev('ACCEPT', {}, 'The receiving squad’s leader accepts the case'),
  DISPUTE: ev(
    'DISPUTE',
    { reason },
    'The receiving squad’s leader disputes it, with a reason: the legal section designates',
  ),
  DESIGNATE: ev(
    'DESIGNATE',
    { squad: code.describe('The competent squad: either side or a third'), reason },
    'The legal section designates the competent squad',
  ),
  WITHDRAW: ev('WITHDRAW', { reason }, 'The sending squad’s leader withdraws it before it is accepted'),
} as const;

export const transferEventSchema = z.discriminatedUnion(
  'type',
  Object.values(transferEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

const limit = z.coerce.number().int().min(1).max(200).optional();
const cursor = z.string().max(200).optional().describe('`nextCursor` of the previous page');

export const listCasesQuery = z.strictObject({
  squad: code.optional().describe('The handling squad'),
  operation: z.coerce.number().int().min(1).optional(),
  cursor,
  limit,
});

export const listTransfersQuery = z.strictObject({
  state: z.enum(CASE_TRANSFER_STATES).optional(),
  squad: code.optional().describe('Either side (sending, receiving or designated)'),
  light: z.enum(['green', 'amber', 'red']).optional().describe('§3.5: the clock of a waiting transfer'),
  case: z.coerce.number().int().min(1).optional(),
  cursor,
  limit,
});
