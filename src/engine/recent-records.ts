/**
 * The records this process last wrote a committed step of, as it wrote them
 * (issue 14): the next step of such a record is computed from this copy, not
 * from a read of its row — one statement and one round trip fewer per step.
 *
 * A copy is trusted for nothing but a step that then succeeds. The step's
 * conditional version bump checks the copy against the row in the same
 * statement as its writes — the version *and* the chain head, so a row put back
 * from a backup at the same version does not pass — and a step from a copy
 * that is refused, for any reason, is computed once more from the row read
 * afresh (WorkflowEngine.send): another instance may have moved the record on,
 * and what a refusal says (the state, the version) must be about the record
 * as it is. Pages and reads never use it.
 *
 * Only what is known committed goes in: a step in its own transaction, after
 * its COMMIT answered; a create, when its caller's transaction committed
 * (`remember`). A step in a caller's transaction, or one that failed, forgets
 * the record.
 */
export interface RecentRecord {
  workflow: string;
  brigadeId: number;
  machineVersion: number;
  version: number;
  /** The snapshot as the row stores it (JSON text): restored exactly as a read of the row would be. */
  snapshot: string;
  headHash: string;
  /** How many time limits its state opened (WorkflowInstance.openDeadlines), as the step wrote it. */
  openDeadlines: number | null;
}

/** At most this many records are kept, the least recently stepped dropped first (a few KiB each). */
export const RECENT_RECORDS = 1000;

export class RecentRecords {
  private readonly records = new Map<number, RecentRecord>();

  constructor(private readonly capacity = RECENT_RECORDS) {}

  /** The copy of record `id` when it is of this workflow and brigade. */
  get(id: number, workflow: string, brigadeId: number): RecentRecord | undefined {
    const r = this.records.get(id);
    return r && r.workflow === workflow && r.brigadeId === brigadeId ? r : undefined;
  }

  set(id: number, record: RecentRecord): void {
    // A Map iterates in insertion order: deleting first makes this the most recent.
    this.records.delete(id);
    this.records.set(id, record);
    if (this.records.size > this.capacity) this.records.delete(this.records.keys().next().value as number);
  }

  forget(id: number): void {
    this.records.delete(id);
  }
}
