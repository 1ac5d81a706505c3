import type { RunCoordinator } from 'node-cron';
import type { Database } from '../persistence/data-source';
import { CommitOutcomeUnknownError } from '../errors';
import { claimSlot, finishSlot, slotOwner } from './jobs.queries';
import { isUniqueViolation } from '../persistence/dialect';

/**
 * node-cron's run coordinator on our own database (shared/STACK.md): the
 * first instance to insert `<job>:<slot>` runs that slot; the others see the
 * key taken and skip it. Works on MySQL/MariaDB and SQLite alike. On a Galera
 * cluster two nodes inserting the same key conflict at commit (1213): the
 * transaction runs again, and the loser then sees the key taken and skips.
 */
export class DatabaseRunCoordinator implements RunCoordinator {
  constructor(
    private readonly db: Database,
    private readonly instance: string,
    private readonly now: () => Date,
  ) {}

  async shouldRun(key: string): Promise<boolean> {
    try {
      await this.db.transaction((m) => claimSlot(m, key, this.instance, this.now()));
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      // The connection died with our COMMIT on its way (a node lost): the slot is ours if our claim landed.
      if (e instanceof CommitOutcomeUnknownError) return (await slotOwner(this.db.manager, key)) === this.instance;
      throw e;
    }
  }

  async onComplete(key: string): Promise<void> {
    await this.db.transaction((m) => finishSlot(m, key, this.instance, this.now()));
  }
}
