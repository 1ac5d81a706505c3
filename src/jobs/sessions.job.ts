import type { InstanceJob } from './job';

/** Housekeeping: deletes expired web sessions. */
export const sessionsJob: InstanceJob = {
  name: 'sessions',
  scope: 'instance',
  description: 'housekeeping',
  async run({ services }) {
    const deleted = await services.sessions.sweep();
    return { found: deleted, did: deleted, summary: { expiredSessionsDeleted: deleted } };
  },
};
