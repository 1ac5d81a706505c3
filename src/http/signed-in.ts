import type { Request } from 'express';
import type { Principal } from '../domain/org/org.service';
import { AuthenticationError } from '../errors';

/**
 * Who sent the request: set by the authentication middleware (the API's bearer
 * token, the web's session) before any route runs. A route reached without one
 * is refused as unauthenticated (401) rather than trusted with a `!`.
 */
export function signedIn(req: Request): Principal {
  if (!req.principal) throw new AuthenticationError('Sign in first');
  return req.principal;
}
