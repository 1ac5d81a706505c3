import { createLogger } from '../../src/logger';
import { seedDemoHistory } from '../../src/domain/org/demo-history';
import type { Principal } from '../../src/domain/org/org.service';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The `figures` job (issue 14): every month that is over, from January two years back, is kept for the
 * brigade, each active group and squad, the squads' assessment and the groups' R6 standings (the month
 * under way too) — the same figures a cold request computes — and a second run computes nothing.
 */

let t: TestApp;

async function as(username: string): Promise<Principal> {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

async function keptRows(): Promise<Array<{ scope_key: string; month: string; computed_at: unknown }>> {
  return t.services.db.dataSource.query(
    'SELECT scope_key, month, computed_at FROM figure_month_facts ORDER BY scope_key, month',
  );
}

/** What a manager reads: a year for the brigade, a group and a squad, and the squads' assessment. */
async function figures(p: Principal) {
  const f = t.services.figures;
  const view = async (q: { period: string; group?: string; squad?: string }) => {
    const v = await f.view(p, q);
    return { rows: v.rows, facts: v.facts };
  };
  return {
    brigade2026: await view({ period: '2026' }),
    brigade2025: await view({ period: '2025' }),
    north: await view({ period: '2026', group: 'north' }),
    waitan: await view({ period: '2026-Q3', squad: 'waitan' }),
    assessment: await f.assessment(p, 2026),
    compliance2026: await t.services.compliance.year(p, 2026),
    compliance2025: await t.services.compliance.year(p, 2025),
  };
}

beforeAll(async () => {
  // 2026-11-02 09:00 in Shanghai: October is the last month that is over.
  t = await startTestApp();
  await seedDemoHistory(t.services.config, t.services.db, createLogger({ silent: true }), {
    months: 3,
    now: t.clock.now(),
  });
});
afterAll(async () => t?.close());

describe('the figures job', () => {
  it('keeps every month that is over for every scope, with the figures a cold request computes; a second run computes nothing', async () => {
    const commander = await as('commander');
    await t.services.db.dataSource.query('DELETE FROM figure_month_facts');
    const cold = await figures(commander);
    await t.services.db.dataSource.query('DELETE FROM figure_month_facts');

    const run = await t.services.jobs.run('figures', { via: 'cli' });
    const groups = (await t.services.org.groups(commander.brigadeId)).filter((g) => g.group.active).length;
    const squads = (await t.services.org.squads(commander.brigadeId)).filter((s) => s.active).length;
    // The brigade, each group and squad, the squads' assessment, and the groups' standings (the month under way too).
    const scopes = 1 + groups + squads + 1 + 1;
    const months = scopes * 34 + 1;
    expect(run).toMatchObject({ status: 'ok', found: months, did: months });
    expect((run.summary as Record<string, unknown>).huangpu).toMatchObject({
      from: '2024-01',
      to: '2026-10',
      scopes,
      months: 34,
      computed: months,
    });
    const rows = await keptRows();
    expect(rows).toHaveLength(months);
    expect(new Set(rows.map((r) => r.scope_key)).size).toBe(scopes);
    // Of the month under way, only the standings (exact while it is open); the figures' would last a minute.
    expect(rows.filter((r) => r.month === '2026-11').map((r) => r.scope_key)).toEqual(['groups']);

    // A minute later (a month computed again would be stamped with the new time):
    t.clock.advance(60_000);
    const again = await t.services.jobs.run('figures', { via: 'cli' });
    expect(again).toMatchObject({ status: 'ok', did: 0 });
    // Read from the kept months now: the same figures.
    expect(await figures(commander)).toEqual(cold);
    // Nothing over was computed again, nor kept anew (the views keep only the month in progress beside them).
    const after = await keptRows();
    const over = (list: typeof rows) => list.filter((r) => r.month < '2026-11');
    expect(over(after)).toEqual(over(rows));
  });
});
