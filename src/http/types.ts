import type { Principal } from '../domain/org/org.service';
import type { Locale } from '../i18n';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the authentication middleware. */
      principal?: Principal;
      locale: Locale;
      requestId: string;
      /** The route that answers, as a pattern (`/api/v1/operations/:id/events`): set when the router matches it (request-context.ts). */
      routePattern?: string;
    }
  }
}

export {};
