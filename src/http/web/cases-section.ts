import { lightFromProjection } from '../../domain/cases/case.service';
import { hasRole } from '../../../workflows/shared/actor';
import type { OperationSection } from './operation-sections';
import { squadLabel } from './plans-meetings-view';

/** R10: an operation's cases, each with the state of its latest transfer; squad leaders register one from here. */
export const casesSection: OperationSection = {
  partial: 'operation-cases',
  async view(services, p, locale, operationId) {
    const { items, transferById, squadById } = await services.cases.casesOfOperation(p, operationId);
    const now = services.clock.now();
    return {
      operationId,
      canRegister: hasRole(p, 'squad_leader') && p.squadId !== null,
      rows: items.map((c) => {
        const tr = transferById.get(c.id);
        return {
          id: c.id,
          reference: c.reference,
          party: c.partyName,
          violation: c.violation,
          handling: squadLabel(squadById.get(c.handlingSquadId), locale),
          transfer: tr ? { id: tr.id, state: tr.state, light: lightFromProjection(tr, now) } : null,
        };
      }),
    };
  },
};
