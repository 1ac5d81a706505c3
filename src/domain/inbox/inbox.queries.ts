import { Brackets, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { Operation } from '../../persistence/entities';

/** The inbox's SQL: what each section selects, for whom, in which order (which sections a user has is the service's). */

/** What waits for one user, by kind of work, most urgent first. */
export type InboxSectionKey =
  | 'returned'
  | 'drafts'
  | 'to_start'
  | 'to_complete'
  | 'holding_checks'
  | 'to_decide'
  | 'audits'
  | 'spot_checks';

/** The reader a section is selected for. */
export interface InboxReader {
  brigadeId: number;
  userId: number;
  squadId: number | null;
  /** R4: a squad leader commands their squad's hosted operations that have nobody designated. */
  leadsSquad: boolean;
  /** The brigade's date today (`YYYY-MM-DD`). */
  today: string;
}

type Query = SelectQueryBuilder<Operation>;

interface SectionQuery {
  where: (q: Query, r: InboxReader) => Query;
  order: (q: Query) => Query;
}

/** R4: operations this user commands — designated to them, or hosted by their squad with nobody designated. */
const commands = (q: Query, r: InboxReader) =>
  q.andWhere(
    new Brackets((b) => {
      b.where('o.designated_commander_id = :me', { me: r.userId });
      if (r.leadsSquad && r.squadId !== null) {
        b.orWhere('(o.designated_commander_id IS NULL AND o.host_squad_id = :squad)', { squad: r.squadId });
      }
    }),
  );

/** R14: never the holding of the inspector's own squad. */
const notOwn = (q: Query, r: InboxReader) =>
  r.squadId === null ? q : q.andWhere('(o.host_squad_id IS NULL OR o.host_squad_id <> :own)', { own: r.squadId });

const SECTION_QUERIES: Record<InboxSectionKey, SectionQuery> = {
  returned: {
    where: (q, r) =>
      q.andWhere("o.state = 'draft' AND o.lead_squad_id = :squad AND o.return_count > 0", { squad: r.squadId }),
    order: (q) => q.orderBy('o.updated_at', 'ASC'),
  },
  drafts: {
    where: (q, r) =>
      q.andWhere("o.state = 'draft' AND o.lead_squad_id = :squad AND o.return_count = 0", { squad: r.squadId }),
    order: (q) => q.orderBy('o.planned_start', 'ASC'),
  },
  to_start: {
    where: (q, r) => commands(q.andWhere("o.state = 'approved'"), r),
    order: (q) => q.orderBy('o.planned_start', 'ASC'),
  },
  to_complete: {
    where: (q, r) => commands(q.andWhere("o.state = 'in_progress'"), r),
    order: (q) => q.orderBy('o.actual_start', 'ASC'),
  },
  holding_checks: {
    // R12: the host squad logs each day of holding; today's not yet logged.
    where: (q, r) =>
      q.andWhere(
        "o.state = 'holding' AND o.host_squad_id = :squad AND (o.last_holding_check_date IS NULL OR o.last_holding_check_date < :today)",
        {
          squad: r.squadId,
          today: r.today,
        },
      ),
    order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
  },
  to_decide: {
    where: (q) => q.andWhere("o.state = 'filed'"),
    order: (q) => q.orderBy('o.filed_at', 'ASC'),
  },
  audits: {
    where: (q, r) => notOwn(q.andWhere("o.state = 'awaiting_audit'"), r),
    order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
  },
  spot_checks: {
    where: (q, r) => notOwn(q.andWhere("o.state = 'holding'"), r),
    order: (q) => q.orderBy('o.holding_deadline', 'ASC'),
  },
};

function sectionQuery(m: EntityManager, key: InboxSectionKey, r: InboxReader): Query {
  return SECTION_QUERIES[key].where(
    m.createQueryBuilder(Operation, 'o').where('o.brigade_id = :brigade', { brigade: r.brigadeId }),
    r,
  );
}

/** A section's first `take` operations, in its order (then by id). */
export function sectionOperations(
  m: EntityManager,
  key: InboxSectionKey,
  r: InboxReader,
  take: number,
): Promise<Operation[]> {
  return SECTION_QUERIES[key]
    .order(sectionQuery(m, key, r))
    .addOrderBy('o.id', 'ASC')
    .take(take)
    .getMany();
}

/**
 * Each section's total, in one statement: the sections' own counts joined by
 * UNION ALL (each keeps its index; one round trip instead of one per section,
 * on every page, since the navigation shows the sum).
 */
export async function sectionTotals(
  m: EntityManager,
  keys: readonly InboxSectionKey[],
  r: InboxReader,
): Promise<number[]> {
  if (!keys.length) return [];
  const parts = keys.map((key, i) =>
    sectionQuery(m, key, r).select('COUNT(1)', 'n').addSelect(String(i), 'k').getQueryAndParameters(),
  );
  const rows: Array<{ n: number | string; k: number | string }> = await m.query(
    parts.map(([statement]) => statement).join(' UNION ALL '),
    parts.flatMap(([, params]) => params),
  );
  const totals = keys.map(() => 0);
  for (const row of rows) totals[Number(row.k)] = Number(row.n);
  return totals;
}
