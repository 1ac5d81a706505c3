import type { DisposalMethod } from '../../../workflows/goods';

/** What callers give the goods use cases: squads by code. */
export interface GoodsItemInput {
  description: string;
  quantity: number;
  unit: string;
  perishable?: boolean;
  /** Default: the operation's host squad (R13: the host squad processes the goods). */
  custodianSquad?: string | null;
  storagePlace: string;
  caseRef?: string | null;
}

/** R13: the goods of one party (owner or stall) in one operation, registered together. */
export interface RegisterGoodsInput {
  operationId: number;
  party: { name: string; idNumber?: string | null; phone?: string | null; stall: string };
  items: GoodsItemInput[];
  /** Issue 13: evidence files (the goods' condition), attached to every item in the registration's transaction. */
  files?: string[];
}

export type GoodsEventInput = { expectedVersion?: number } & (
  | { type: 'RETURN_TO_OWNER'; receivedBy: string; note?: string; files?: string[] }
  | { type: 'CONFISCATE'; decisionRef: string }
  | { type: 'APPROVE_DISPOSAL'; method: DisposalMethod; reason: string }
  | { type: 'DISPOSE'; method: DisposalMethod; note?: string; files?: string[] }
  | { type: 'EXTEND'; reason: string }
  | { type: 'MOVE'; custodianSquad: string; storagePlace: string; reason?: string }
);

export interface GoodsFilters {
  operation?: number;
  state?: string;
  /** Custodian squad code. */
  squad?: string;
  light?: 'green' | 'amber' | 'red';
  cursor?: string;
  limit?: number;
}
