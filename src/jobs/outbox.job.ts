import { pruneIdleOutboxRuns } from './jobs.queries';
import type { InstanceJob } from './job';

/**
 * Notifications: delivers the outbox (issue 4, item 7). Every few seconds;
 * safe to run on several instances at once (rows are claimed) and again
 * after a failure (what went out is not sent again).
 */
export const outboxJob: InstanceJob = {
  name: 'outbox',
  scope: 'instance',
  description: 'notifications',
  async run({ services, now }) {
    const r = await services.outbox.drain();
    // Every 5 s is 17,000 runs a day: those that found nothing say nothing after a while, and would bury the runs that matter.
    const before = new Date(now.getTime() - services.config.notifications.keepIdleRunsMinutes * 60_000);
    const pruned = await services.db.transaction((m) => pruneIdleOutboxRuns(m, before));
    return {
      found: r.claimed,
      did: r.delivered,
      summary: {
        claimed: r.claimed,
        delivered: r.delivered,
        retried: r.retried,
        deliveries: r.deliveries,
        takenOver: r.lost,
        errors: r.errors.slice(0, 20),
        idleRunsPruned: pruned.runs,
        slotsPruned: pruned.slots,
      },
    };
  },
};
