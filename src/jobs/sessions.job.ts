import type { JobDefinition } from './job';

/** Housekeeping: deletes expired web sessions. */
export const sessionsJob: JobDefinition = {
  name: 'sessions',
  description: 'housekeeping',
  async run({ services }) {
    const deleted = await services.sessions.sweep();
    return { found: deleted, did: deleted, summary: { expiredSessionsDeleted: deleted } };
  },
};
