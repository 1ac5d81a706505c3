import type { InstanceJob } from './job';

/** Housekeeping: deletes expired web sessions, and sign-in throttle rows that count nothing any more. */
export const sessionsJob: InstanceJob = {
  name: 'sessions',
  scope: 'instance',
  description: 'housekeeping',
  async run({ services }) {
    const deleted = await services.sessions.sweep();
    const throttleRows = await services.signIn.sweep();
    return {
      found: deleted + throttleRows,
      did: deleted + throttleRows,
      summary: { expiredSessionsDeleted: deleted, signInThrottleRowsDeleted: throttleRows },
    };
  },
};
