import type { Database } from '../../src/persistence/data-source';

/** The statements `db` sends while `work` runs, in order, as TypeORM hands them to its logger. */
export async function statementsSent(db: Database, work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const ds = db.dataSource as unknown as { logger: { logQuery: (q: string) => void } };
  const logQuery = ds.logger.logQuery;
  ds.logger.logQuery = (q: string) => void sent.push(q);
  try {
    await work();
  } finally {
    ds.logger.logQuery = logQuery;
  }
  return sent;
}
