import type { Services } from '../../container';
import { lightFromProjection } from '../../domain/cases/case.service';
import type { Principal } from '../../domain/org/org.service';
import type { Locale } from '../../i18n';
import { isLeaderOf } from '../../../workflows/case-transfer';
import { localName } from '../../i18n/local-name';

/** The inbox's transfers: what waits on this user (R10), oldest limit first. */
export async function transferInboxItems(services: Pick<Services, 'cases' | 'org'>, p: Principal, locale: Locale) {
  const { items, caseById, now } = await services.cases.waiting(p);
  const squads = new Map((await services.org.squads(p.brigadeId)).map((s) => [s.id, s]));
  return items.map((tr) => ({
    id: tr.id,
    reference: caseById.get(tr.caseId)?.reference ?? '',
    state: tr.state,
    from: localName(locale, squads.get(tr.fromSquadId)),
    to: localName(locale, squads.get(tr.toSquadId)),
    dueAt: tr.dueAt,
    light: lightFromProjection(tr, now),
    overdue: tr.dueAt ? tr.dueAt.getTime() < now.getTime() : false,
    action: tr.state === 'proposed' && isLeaderOf(p, tr.toSquadId) ? 'ACCEPT' : 'DESIGNATE',
  }));
}
