import type { Principal } from '../domain/org/org.service';
import type { Locale } from '../i18n';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the authentication middleware. */
      principal?: Principal;
      /**
       * Set with a principal kept in memory (api-auth.ts REUSED_ON): reads it afresh, as the request's
       * authentication would, makes it the request's, and says whether it changed (`asSignedIn`).
       */
      authenticateAgain?: () => Promise<{ principal: Principal; changed: boolean }>;
      locale: Locale;
      requestId: string;
      /** The route that answers, as a pattern (`/api/v1/operations/:id/events`): set when the router matches it (request-context.ts). */
      routePattern?: string;
    }
  }
}

export {};
