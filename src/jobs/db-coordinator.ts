import type { RunCoordinator } from 'node-cron';
import type { Database } from '../persistence/data-source';
import { claimSlot, finishSlot } from './jobs.queries';
import { isUniqueViolation } from '../persistence/dialect';

/**
 * node-cron's run coordinator on our own database (shared/STACK.md): the
 * first instance to insert `<job>:<slot>` runs that slot; the others see the
 * key taken and skip it. Works on MySQL/MariaDB and SQLite alike.
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
      throw e;
    }
  }

  async onComplete(key: string): Promise<void> {
    await this.db.transaction((m) => finishSlot(m, key, this.instance, this.now()));
  }
}
