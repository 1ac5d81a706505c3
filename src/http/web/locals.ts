import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../../domain/org/org.service';
import { mayReadFigures } from '../../domain/figures/figures.policy';
import { mayPlanOperations } from '../../domain/operations/operation.policy';
import { isManager, mayAdministerBrigade } from '../../domain/org/org.policy';
import { maySeeGroupWork } from '../../domain/plans/group-plan.policy';
import { mayRecordFieldWork } from '../../domain/problems/problem.policy';
import { type Locale, t } from '../../i18n';
import { localName } from '../../i18n/local-name';

/** What every page's layout needs: who is signed in, in which language and zone, the CSRF token, where we are. */
export interface MeView {
  displayName: string;
  username: string;
  roleNames: string;
  squadName: string | null;
  isAdmin: boolean;
  canPlan: boolean;
  isManager: boolean;
  /** R5, R9: a squad's people and the managers see the groups' monthly plans and meetings. */
  seesGroupWork: boolean;
  /** R14, R15: the figures and the assessment are for managers, squad leaders and inspectors (figures.policy.ts). */
  readsFigures: boolean;
  /** Issue 13: who records work in the street (holding, hard problems, border notices) gets the phone's bottom bar. */
  recordsFieldWork: boolean;
}

export function meView(p: Principal, locale: Locale): MeView {
  const squad = p.squad;
  return {
    displayName: p.displayName,
    username: p.username,
    roleNames: p.roles.map((r) => t(locale, `role.${r}`)).join('、'),
    squadName: squad ? localName(locale, squad) : null,
    // What the header offers, as the domain's policies say (the pages refuse by the same rules).
    isAdmin: mayAdministerBrigade(p),
    canPlan: mayPlanOperations(p),
    isManager: isManager(p),
    seesGroupWork: maySeeGroupWork(p),
    readsFigures: mayReadFigures(p),
    recordsFieldWork: mayRecordFieldWork(p),
  };
}

export function baseLocals(req: Request, res: Response, next: NextFunction): void {
  res.locals.locale = req.locale;
  res.locals.timeZone = req.principal?.timeZone ?? 'Asia/Shanghai';
  res.locals.requestId = req.requestId;
  res.locals.currentPath = encodeURIComponent(req.originalUrl);
  // The page's own address, for marking where we are (the bottom bar: aria-current).
  res.locals.currentPage = req.path;
  next();
}

/**
 * For a page rendered in answer to a form post: the language switch (a GET
 * link back to the current address) must come back to `path`, the page the
 * form is on — the post's own address answers GET with a 404.
 */
export function answerFor(res: Response, path: string): void {
  res.locals.currentPath = encodeURIComponent(path);
  res.locals.currentPage = path;
}
