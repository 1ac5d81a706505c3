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
    }
  }
}

export {};
