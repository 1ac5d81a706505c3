import { z } from 'zod';
import { CASE_TRANSFER_EVENT_TYPES, CASE_TRANSFER_STATES } from '../../../../workflows/case-transfer';
import { choice, cursorPage, day, id, instant, instantOrNull, light, person, stepAnswer } from './common.response';
import { attachedFiles } from './file.response';

/** What the case presenter answers: cases and their transfers (R10; src/http/presenters/case.presenter.ts). */

const transferState = z.enum(CASE_TRANSFER_STATES);
const squadCode = z.string().nullable().describe('Squad code');
const lightOrNull = light
  .nullable()
  .describe('§3.5: green under 80 % of the limit, amber 80–100 %, red past it; null when nothing waits');

export const caseListItem = z
  .strictObject({
    id,
    reference: z.string().describe('The brigade’s case number, unique in the brigade'),
    handlingSquad: squadCode,
    registeringSquad: squadCode,
    operation: id.nullable(),
    party: z.strictObject({ kind: z.enum(['person', 'stall']), name: z.string() }),
    violation: z.string(),
    location: z.string(),
    openedOn: day,
    openTransfer: id.nullable().describe('The transfer under way, if any (one at a time)'),
    transferState: transferState.nullable().describe('The state of its latest transfer'),
    createdAt: instant,
    updatedAt: instant,
  })
  .describe('A case of the light register (R10): its number, the squad handling it now, where it came from');
export const casePage = cursorPage(caseListItem);

export const transferListItem = z.strictObject({
  id,
  case: id,
  caseReference: z.string().nullable(),
  state: transferState,
  fromSquad: squadCode,
  toSquad: squadCode,
  designatedSquad: squadCode,
  proposedAt: instant,
  closedAt: instantOrNull,
  dueAt: instantOrNull,
  light: lightOrNull,
});
export const transferPage = cursorPage(transferListItem);

export const caseDetail = caseListItem
  .extend({
    mayProposeTransfer: z.boolean(),
    transfers: z.array(transferListItem).describe('Its transfers, oldest first (R10: it keeps its history)'),
  })
  .describe('A case with its history of transfers, oldest first');

export const transferDetail = z
  .strictObject({
    files: attachedFiles.describe('Issue 13: evidence files attached by its steps, in the order attached'),
    id,
    state: transferState,
    version: z.int().min(1),
    allowedEvents: z.array(choice(CASE_TRANSFER_EVENT_TYPES)),
    case: caseListItem,
    fromSquad: squadCode,
    toSquad: squadCode,
    materials: z.array(z.strictObject({ code: z.string(), count: z.int(), description: z.string() })),
    note: z.string(),
    proposedBy: person.nullable(),
    proposedAt: instant,
    answeredBy: person.nullable(),
    disputeReason: z.string().nullable(),
    designatedSquad: squadCode,
    designationReason: z.string().nullable(),
    designatedBy: person.nullable(),
    withdrawReason: z.string().nullable(),
    closedAt: instantOrNull,
    timeLimit: z
      .strictObject({ kind: z.string(), startsAt: instantOrNull, dueAt: instantOrNull, light: lightOrNull })
      .nullable()
      .describe('§3.5: the clock of the state it waits in (transfer_answer, transfer_designation)'),
    updatedAt: instant,
  })
  .describe(
    'A case transfer (R10): the package, the answer, the designation, its time limit, and what the caller may send now',
  );

export const transferStepAnswer = stepAnswer(CASE_TRANSFER_STATES, CASE_TRANSFER_EVENT_TYPES);
