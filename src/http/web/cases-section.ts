import { lightFromProjection } from '../../domain/cases/case.service';
import type { OperationSection } from './operation-sections';
import { localName } from '../../i18n/local-name';

/**
 * R10: an operation's cases, each with the state of its latest transfer; the
 * leaders of the squads that took part register one from here once it was
 * carried out (the same rule the service registers by).
 */
export const casesSection: OperationSection = {
  partial: 'operation-cases',
  async view(services, p, locale, operationId) {
    const [{ items, transferById, squadById }, canRegister] = await Promise.all([
      services.cases.casesOfOperation(p, operationId),
      services.cases.mayRegisterFrom(p, operationId),
    ]);
    const now = services.clock.now();
    return {
      operationId,
      canRegister,
      rows: items.map((c) => {
        const tr = transferById.get(c.id);
        return {
          id: c.id,
          reference: c.reference,
          party: c.partyName,
          violation: c.violation,
          handling: localName(locale, squadById.get(c.handlingSquadId)),
          transfer: tr ? { id: tr.id, state: tr.state, light: lightFromProjection(tr, now) } : null,
        };
      }),
    };
  },
};
