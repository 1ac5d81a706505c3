/** What callers give the case and transfer use cases: squads by code, dates as YYYY-MM-DD. */

export interface NewCaseInput {
  reference: string;
  partyKind: 'person' | 'stall';
  partyName: string;
  violation: string;
  location: string;
  /** YYYY-MM-DD; default today (the brigade's calendar). */
  openedOn?: string;
  /** The operation it came from, if any. */
  operation?: number | null;
}

export interface MaterialInput {
  code: string;
  count: number;
  description?: string;
}

export interface NewTransferInput {
  case: number;
  toSquad: string;
  materials: MaterialInput[];
  note: string;
  /** Issue 13: the package's evidence as files, attached in the proposal's transaction. */
  files?: string[];
}

export type TransferEventInput = { expectedVersion?: number } & (
  | { type: 'ACCEPT' }
  | { type: 'DISPUTE'; reason: string }
  | { type: 'DESIGNATE'; squad: string; reason: string }
  | { type: 'WITHDRAW'; reason: string }
);

export interface CaseFilters {
  squad?: string;
  operation?: number;
  cursor?: string;
  limit?: number;
}

export interface TransferFilters {
  state?: string;
  /** Either side: sending or receiving. */
  squad?: string;
  light?: 'green' | 'amber' | 'red';
  case?: number;
  cursor?: string;
  limit?: number;
}
