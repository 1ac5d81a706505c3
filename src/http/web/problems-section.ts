import type { OperationSection } from './operation-sections';
import { t } from '../../i18n';
import { CARRIED_OUT } from '../../domain/problems/hard-problem.service';
import { Operation } from '../../persistence/entities';

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
    // §3.4: an operation resolves a problem once it was carried out (the service refuses it before).
    const operation = await services.db.manager.findOneBy(Operation, { id: operationId, brigadeId: p.brigadeId });
    const carriedOut = operation !== null && CARRIED_OUT.includes(operation.state);
    return {
      operationId,
      back: `/operations/${operationId}`,
      resolveLabel: t(locale, 'hp.section_resolve'),
      items: items.map(({ problem, version, allowedEvents, targeted, resolvedHere }) => ({
        id: problem.id,
        title: problem.title,
        state: problem.state,
        location: problem.location,
        repeatCount: problem.repeatCount,
        version,
        targeted,
        resolvedHere,
        canResolve: carriedOut && allowedEvents.includes('RESOLVE'),
      })),
    };
  },
};
