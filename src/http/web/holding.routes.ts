import { Router } from 'express';
import type { Services } from '../../container';
import type { Principal } from '../../domain/org/org.service';
import type { HoldingItem } from '../../domain/operations/operations.read-models';
import { holdsSquadSites, spotChecksHolding } from '../../domain/operations/operation.policy';
import { formatRecordNo } from '../../domain/numbering/record-number';
import { type Locale, t } from '../../i18n';
import { localName } from '../../i18n/local-name';
import { numberOf } from '../presenters/operation.presenter';
import { signedIn } from '../signed-in';
import { coverageView, operationStepForms } from './operation-view';

/** How many of an inspector's holdings to spot-check a phone keeps for use offline. */
const SPOT_CHECKS_KEPT = 10;

/** What the holding page reads: the operations in holding, each one's step forms, the organisation's names. */
type HoldingServices = Pick<Services, 'operations' | 'problems' | 'clock' | 'config' | 'org'>;

/**
 * 固守登记 (R12, R14): the page a phone's bottom bar opens in the street. The
 * operations in holding hosted by the user's squad, each saying whether
 * today's check is logged, with the operation page's own LOG_HOLDING_CHECK
 * form right there (its action stays the operation's); for an inspector, the
 * holdings they may spot-check, with the SPOT_CHECK form. The service worker
 * (views/public/sw.js) keeps this page and these operations' pages for use
 * without a connection: `/holding/offline-manifest.json` lists them.
 */
export function holdingPages(services: HoldingServices): Router {
  const r = Router();

  r.get('/holding', async (req, res) => {
    const p = signedIn(req);
    const { own, spotCheck } = await services.operations.holdingWork(p);
    const [ownItems, spotItems] = await Promise.all([
      Promise.all(own.map((item) => holdingItemView(services, p, req.locale, item, 'LOG_HOLDING_CHECK'))),
      Promise.all(spotCheck.map((item) => holdingItemView(services, p, req.locale, item, 'SPOT_CHECK'))),
    ]);
    res.render('holding/holding', {
      pageTitle: t(req.locale, 'holding_page.title'),
      nav: 'holding',
      bodyClass: 'holding-page',
      holdsSites: holdsSquadSites(p) && p.squadId !== null,
      squadName: p.squad ? localName(req.locale, p.squad) : '',
      spotChecks: spotChecksHolding(p),
      own: ownItems,
      spotCheck: spotItems,
      ownDue: ownItems.filter((i) => !i.checkedToday).length,
      nothing: !holdsSquadSites(p) && !spotChecksHolding(p),
    });
  });

  // The pages the service worker keeps for this user (never another's: it clears them when the user changes).
  r.get('/holding/offline-manifest.json', async (req, res) => {
    const p = signedIn(req);
    const { own, spotCheck } = await services.operations.holdingWork(p);
    // An inspector's list may be long: the first few (the holding that ends first) are kept, the rest open online.
    const ids = [...new Set([...own, ...spotCheck.slice(0, SPOT_CHECKS_KEPT)].map((i) => i.operation.id))];
    res.json({
      user: p.username,
      // The form token a page sends what it kept with (the page it was kept on may be old).
      csrfToken: String(res.locals.csrfToken ?? ''),
      urls: ['/holding', '/border-notices/new', ...ids.map((id) => `/operations/${id}`)],
    });
  });

  return r;
}

/** One operation in holding as the page shows it: what and where, until when, today's check, coverage and the form. */
async function holdingItemView(
  services: HoldingServices,
  p: Principal,
  locale: Locale,
  item: HoldingItem,
  type: 'LOG_HOLDING_CHECK' | 'SPOT_CHECK',
) {
  const o = item.operation;
  const { record, forms } = await operationStepForms(services, p, locale, o.id, [type]);
  const host = o.hostSquadId !== null ? record.squadById.get(o.hostSquadId) : undefined;
  return {
    id: o.id,
    number: formatRecordNo(numberOf(o), locale),
    title: o.title,
    location: o.location,
    hostName: localName(locale, host),
    holdingDeadline: o.holdingDeadline,
    checkedToday: item.checkedToday,
    coverage: coverageView(record, locale, services.config.holding.minCoverage),
    // Open at once when today's check is still to do: in the street, one tap less.
    forms: forms.map((f) => ({ ...f, open: type === 'LOG_HOLDING_CHECK' && !item.checkedToday })),
  };
}
