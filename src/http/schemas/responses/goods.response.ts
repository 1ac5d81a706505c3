import { z } from 'zod';
import { DISPOSAL_METHODS, GOODS_EVENT_TYPES, GOODS_STATES } from '../../../../workflows/goods';
import { OPERATION_STATES } from '../../../../workflows/operation';
import {
  choice,
  cursorPage,
  id,
  instant,
  instantOrNull,
  light,
  list,
  recordNumber,
  stepAnswer,
} from './common.response';
import { attachedFiles } from './file.response';

/** What the goods presenter answers (R13; src/http/presenters/goods.presenter.ts). */

const goodsState = z.enum(GOODS_STATES);

export const goodsParty = z
  .strictObject({
    id,
    number: recordNumber
      .nullable()
      .describe('The brigade’s number of the party’s detention list (暂扣物品清单), per year'),
    name: z.string(),
    idNumber: z
      .string()
      .nullable()
      .describe(
        'In full only to the custodian squad’s leaders, the managers and the legal section; masked (`3101**********1234`) for everyone else',
      ),
    phone: z.string().nullable().describe('In full to the same people; masked (`138****0000`) for everyone else'),
    stall: z.string(),
  })
  .describe('The party (当事人) of a detention list');

/** The columns of an item, in a list and in full alike. */
const goodsCore = {
  id,
  state: goodsState,
  description: z.string(),
  quantity: z.number(),
  unit: z.string(),
  perishable: z.boolean(),
  caseRef: z.string().nullable(),
  custodianSquad: z.string().nullable().describe('Squad code'),
  storagePlace: z.string(),
  registeredAt: instant,
  dueAt: instant.describe('R13: the legal limit as it stands (moved once by EXTEND)'),
  extended: z.boolean(),
  disposalApproved: z.boolean(),
  light: light.nullable().describe('Held items: amber within the warning window, red past the limit; null once closed'),
};

export const goodsListItem = z
  .strictObject({ ...goodsCore, operation: id.describe('The operation id'), party: id.describe('The party id') })
  .describe('A detained item as lists show it (GET /api/v1/goods): its operation and party by id');
export const goodsPage = cursorPage(goodsListItem);

export const goodsDetail = z
  .strictObject({
    files: attachedFiles.describe('Issue 13: evidence files attached by its steps, in the order attached'),
    ...goodsCore,
    version: z.int().min(1),
    allowedEvents: z.array(choice(GOODS_EVENT_TYPES)),
    operation: z.strictObject({ id, title: z.string(), state: z.enum(OPERATION_STATES) }),
    party: goodsParty,
    extension: z.strictObject({ reason: z.string(), days: z.int(), at: instant }).nullable(),
    disposalApproval: z.strictObject({ method: z.enum(DISPOSAL_METHODS), reason: z.string(), at: instant }).nullable(),
    outcome: z
      .discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('returned'), receivedBy: z.string(), note: z.string(), at: instant }),
        z.strictObject({ kind: z.literal('confiscated'), decisionRef: z.string(), at: instant }),
        z.strictObject({
          kind: z.literal('disposed'),
          method: z.enum(DISPOSAL_METHODS),
          note: z.string(),
          at: instant,
        }),
      ])
      .nullable(),
  })
  .describe(
    'A detained item (R13): its party, custodian, legal limit and light, state, version and what the caller may send now',
  );

export const goodsRegistered = z
  .strictObject({ operation: id, party: id, items: z.array(goodsDetail) })
  .describe('One party’s detained goods as registered: each item held');

export const goodsStepAnswer = stepAnswer(GOODS_STATES, GOODS_EVENT_TYPES);

export const custody = list(
  z.strictObject({
    custodianSquad: z.string().nullable(),
    storagePlace: z.string(),
    from: instant,
    until: instantOrNull.describe('Null: it is still there'),
    by: z.string(),
    event: z.string(),
    reason: z.string().nullable(),
  }),
).describe('R13: who had it when — custody periods read from the history');

const count = z.strictObject({ count: z.int(), quantity: z.number() });

export const goodsLedger = z
  .strictObject({
    operation: id,
    balanced: z.boolean(),
    unitsBalance: z.boolean(),
    resultsAgree: z.boolean(),
    squads: z.array(
      z.strictObject({
        squad: z.string(),
        registered: z.int().describe('Items the ledger registered for the squad'),
        reported: z.int().nullable().describe('Goods detained in its results (null before results)'),
      }),
    ),
    totals: z.strictObject({
      registered: z.int(),
      returned: z.int(),
      confiscated: z.int(),
      disposed: z.int(),
      held: z.int(),
    }),
    units: z.array(
      z.strictObject({
        unit: z.string(),
        registered: count,
        returned: count,
        confiscated: count,
        disposed: count,
        held: count,
      }),
    ),
    parties: z
      .array(goodsParty.extend({ items: z.int(), held: z.int() }))
      .describe(
        'Each party with its items; `idNumber` and `phone` in full only to the leaders of a squad holding its goods, the managers and the legal section, masked for everyone else',
      ),
  })
  .describe(
    'R13: an operation’s account of its goods per unit and per squad. `unitsBalance`: registered = returned + confiscated + disposed + held for every unit; `resultsAgree`: each squad’s results say what the ledger registered for it; `balanced`: both (账物相符)',
  );
