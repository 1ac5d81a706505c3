import type { InstanceJob } from './job';

/** Housekeeping (issue 13): deletes idempotency keys past their time (`idempotency.keepHours`, 48 h by default). */
export const idempotencyKeysJob: InstanceJob = {
  name: 'idempotency-keys',
  scope: 'instance',
  description: 'housekeeping',
  async run({ services }) {
    const deleted = await services.idempotency.purgeExpired();
    return { found: deleted, did: deleted, summary: { expiredKeysDeleted: deleted } };
  },
};
