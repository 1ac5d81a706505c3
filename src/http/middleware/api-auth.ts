import type { NextFunction, Request, Response } from 'express';
import type { OrgService } from '../../domain/org/org.service';
import { AuthenticationError } from '../../errors';

/** API callers authenticate with `Authorization: Bearer <token>` (SPEC §6). */
export function bearerAuth(org: OrgService) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AuthenticationError('Send Authorization: Bearer <token>');
    req.principal = await org.authenticateToken(match[1]);
    next();
  };
}
