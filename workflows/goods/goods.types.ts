import type { Actor } from '../shared/actor';

/**
 * R13 (罚没暂扣物品): every detained item of an operation is accounted for,
 * from registration to its return, confiscation or disposal.
 */
export const GOODS_STATES = ['held', 'returned', 'confiscated', 'disposed'] as const;

/** How goods leave custody when disposed of (处置方式). */
export const DISPOSAL_METHODS = ['destroyed', 'auctioned', 'donated', 'transferred'] as const;
export type DisposalMethod = (typeof DISPOSAL_METHODS)[number];

/** The owner or stall the goods were detained from (当事人). */
export interface GoodsParty {
  name: string;
  /** ID card number, optional (not every street vendor shows one). */
  idNumber: string | null;
  phone: string | null;
  /** The stall or spot (摊位/地点). */
  stall: string;
}

/** One period of custody: who had the item where, from when (the history says until when). */
export interface Custody {
  squadId: number;
  place: string;
  since: string;
  byUserId: number | null;
}

export interface GoodsContext {
  operationId: number;
  partyId: number;
  party: GoodsParty;
  description: string;
  quantity: number;
  unit: string;
  perishable: boolean;
  caseRef: string | null;
  /** The custodian now: squad and storage place. */
  custody: Custody;
  registeredAt: string;
  registeredBy: number | null;
  /** R13: the legal limit of detention as it stands (moved once by EXTEND). */
  dueAt: string;
  extension: { byUserId: number | null; reason: string; at: string; days: number } | null;
  /** A manager's approval of disposal, given before DISPOSE (暂扣物品处置须经批准). */
  disposalApproval: { byUserId: number | null; method: DisposalMethod; reason: string; at: string } | null;
  outcome:
    | { kind: 'returned'; receivedBy: string; note: string; at: string }
    | { kind: 'confiscated'; decisionRef: string; at: string }
    | { kind: 'disposed'; method: DisposalMethod; note: string; at: string }
    | null;
}

export interface GoodsFacts {
  /** Squads of the brigade in use now (a custodian must be one). */
  activeSquadIds: number[];
  /** R13: days one extension adds (config). */
  extensionDays: number;
}

interface Envelope {
  actor: Actor;
  at: string;
  facts: GoodsFacts;
}

export type GoodsEvent = Envelope &
  (
    | { type: 'RETURN_TO_OWNER'; receivedBy: string; note?: string }
    | { type: 'CONFISCATE'; decisionRef: string }
    | { type: 'APPROVE_DISPOSAL'; method: DisposalMethod; reason: string }
    | { type: 'DISPOSE'; method: DisposalMethod; note?: string }
    | { type: 'EXTEND'; reason: string }
    | { type: 'MOVE'; custodianSquadId: number; storagePlace: string; reason?: string }
  );

export type GoodsEventType = GoodsEvent['type'];

export const GOODS_EVENT_TYPES: readonly GoodsEventType[] = [
  'RETURN_TO_OWNER',
  'CONFISCATE',
  'APPROVE_DISPOSAL',
  'DISPOSE',
  'EXTEND',
  'MOVE',
];

export interface GoodsInput {
  operationId: number;
  partyId: number;
  party: GoodsParty;
  description: string;
  quantity: number;
  unit: string;
  perishable: boolean;
  caseRef: string | null;
  custodianSquadId: number;
  storagePlace: string;
  registeredAt: string;
  registeredBy: number | null;
  dueAt: string;
}
