import type { Services } from '../../container';
import type { Principal } from '../../domain/org/org.service';
import type { Locale } from '../../i18n';
import { goodsSection } from './goods-view';
import { casesSection } from './cases-section';

/**
 * What else an operation's page shows about it — the records that hang off
 * an operation (hard problems it targets, case transfers, detained goods …).
 * Each area adds one section here: a partial in views/partials/ and the plain
 * values it renders. Sections come after the plan, results and holding, before
 * the history.
 */
/** What the sections read: the areas whose records hang off an operation. */
export type SectionServices = Pick<Services, 'cases' | 'clock' | 'goods' | 'problems'>;

export interface OperationSection {
  /** The partial's name (views/partials/<partial>.hbs). */
  partial: string;
  /** Plain values for the partial; null hides the section. */
  view(
    services: SectionServices,
    p: Principal,
    locale: Locale,
    operationId: number,
  ): Promise<Record<string, unknown> | null>;
}

export const OPERATION_SECTIONS: OperationSection[] = [];
OPERATION_SECTIONS.push(casesSection);

// R13: detained goods — the operation's ledger in brief, its parties' lists, registering.
OPERATION_SECTIONS.push({ partial: 'goods-section', view: goodsSection });

/** Every section's values for one operation (in order), the hidden ones left out. */
export async function operationSections(services: SectionServices, p: Principal, locale: Locale, operationId: number) {
  const views = await Promise.all(
    OPERATION_SECTIONS.map(async (s) => ({ partial: s.partial, data: await s.view(services, p, locale, operationId) })),
  );
  return views.filter((v) => v.data !== null);
}

// §3.4: the hard problems the operation targets (resolved from here in one step).
import { problemsSection } from './problems-section';
OPERATION_SECTIONS.push(problemsSection);
