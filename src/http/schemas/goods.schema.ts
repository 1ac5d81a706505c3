import { z } from 'zod';
import { evidenceFiles, freeText, requiredText } from './common.schema';
import { DISPOSAL_METHODS, GOODS_STATES } from '../../../workflows/goods';

/** Request schemas of the detained-goods API (R13): the server validates with these and the OpenAPI document is generated from them. */

const code = z.string().trim().min(1).max(40).describe('A squad code, e.g. `waitan`.');
const text = (max: number) => freeText(max, { trim: true });
const required = requiredText;

export const goodsItemSchema = z
  .strictObject({
    description: required(300).describe('What it is (品名、特征)'),
    quantity: z.number().positive().max(1_000_000),
    unit: required(20).describe('件、辆、箱、千克 …'),
    perishable: z.boolean().optional().describe('Perishable (鲜活易腐): a much shorter legal limit'),
    custodianSquad: code
      .nullable()
      .optional()
      .describe('Default the operation’s host squad (R13); one of the operation’s squads'),
    storagePlace: required(300).describe('Where it is kept (存放地点)'),
    caseRef: text(100)
      .nullable()
      .optional()
      .describe(
        'The case it belongs to, if any: the reference of a case registered in the brigade (an unknown one is refused, 422 unknown_case)',
      ),
  })
  .describe('One detained item');

/** POST /goods: one party's goods in one operation, registered together (one transaction). */
export const registerGoodsSchema = z
  .strictObject({
    operation: z.int().min(1).describe('The operation (in progress, holding or awaiting audit)'),
    party: z.strictObject({
      name: required(100).describe('Owner or stall keeper (当事人)'),
      idNumber: text(40).nullable().optional(),
      phone: text(40).nullable().optional(),
      stall: required(300).describe('Stall or location (摊位/地点)'),
    }),
    items: z.array(goodsItemSchema).min(1).max(100),
    files: evidenceFiles
      .optional()
      .describe(
        'Photos of the goods’ condition at detention (ids from `POST /files`), attached to every item registered',
      ),
  })
  .describe('Detained goods of one party (R13)');

const versioned = { expectedVersion: z.int().min(1).describe('The version you read; a stale one is refused with 409') };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) =>
  z.strictObject({ type: z.literal(type), ...versioned, ...shape }).describe(description);

export const goodsEventSchemas = {
  RETURN_TO_OWNER: ev(
    'RETURN_TO_OWNER',
    {
      receivedBy: required(100).describe('Who took it back'),
      note: text(1000).optional(),
      files: evidenceFiles.optional().describe('Photos or the signed receipt (ids from `POST /files`)'),
    },
    'Return to the owner (custodian squad’s leader)',
  ),
  CONFISCATE: ev(
    'CONFISCATE',
    { decisionRef: required(100).describe('The penalty decision (处罚决定书文号)') },
    'Confiscate by a decision (custodian squad’s leader)',
  ),
  APPROVE_DISPOSAL: ev(
    'APPROVE_DISPOSAL',
    { method: z.enum(DISPOSAL_METHODS), reason: required(2000) },
    'Approve disposal by a method (duty officer or commander)',
  ),
  DISPOSE: ev(
    'DISPOSE',
    {
      method: z.enum(DISPOSAL_METHODS),
      note: text(1000).optional(),
      files: evidenceFiles.optional().describe('Photos or the disposal record (ids from `POST /files`)'),
    },
    'Dispose of it by the approved method (custodian squad’s leader; refused with 422 without approval)',
  ),
  EXTEND: ev(
    'EXTEND',
    { reason: required(2000) },
    'Extend the limit once by the configured days (duty officer or commander)',
  ),
  MOVE: ev(
    'MOVE',
    { custodianSquad: code, storagePlace: required(300), reason: text(1000).optional() },
    'Hand custody to another squad or place (custodian squad’s leader)',
  ),
} as const;

export const goodsEventSchema = z.discriminatedUnion(
  'type',
  Object.values(goodsEventSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const listGoodsQuery = z.strictObject({
  operation: z.coerce.number().int().min(1).optional(),
  state: z.enum(GOODS_STATES).optional(),
  squad: code.optional().describe('Custodian squad'),
  light: z.enum(['green', 'amber', 'red']).optional().describe('Held items by their limit: amber near it, red past it'),
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
