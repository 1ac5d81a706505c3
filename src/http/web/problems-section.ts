import type { OperationSection } from './operation-sections';
import { t } from '../../i18n';

/**
 * §3.4 on an operation's page: the hard problems its plan targets and those it
 * resolved (each marked as which), with their state, and — for those this user
 * may resolve — the resolve form right there (one step; the operation is
 * recorded as the one that resolved it).
 */
export const problemsSection: OperationSection = {
  partial: 'operation-problems',
  async view(services, p, locale, operationId) {
    const items = await services.problems.ofOperation(p, operationId);
    if (!items.length) return null;
    return {
      operationId,
      back: `/operations/${operationId}`,
      resolveLabel: t(locale, 'hp.section_resolve'),
      items: items.map(({ problem, version, targeted, resolvedHere, mayResolveHere }) => ({
        id: problem.id,
        title: problem.title,
        state: problem.state,
        location: problem.location,
        repeatCount: problem.repeatCount,
        version,
        targeted,
        resolvedHere,
        canResolve: mayResolveHere,
      })),
    };
  },
};
