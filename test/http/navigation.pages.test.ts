import { startTestApp, type TestApp } from '../support/test-app';
import { signedIn } from '../support/web';

/**
 * The top navigation (issue 12): the inbox and at most five menus, every page the old row of links
 * reached still reached by the same address, for the people who saw it before — and no one else.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: new Date('2026-11-02T00:00:00+08:00').toISOString() });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** The header's navigation element of a page. */
function navOf(html: string): string {
  const nav = /<nav class="main-nav"[^>]*>[\s\S]*?<\/nav>/.exec(html);
  if (!nav) throw new Error('no main navigation on the page');
  return nav[0];
}

/** Its top-level entries in order: a direct link (the inbox) or a menu (a <details>), each with its label or address. */
function topEntries(nav: string): string[] {
  const inner = nav.replace(/^<nav[^>]*>|<\/nav>$/g, '');
  return [...inner.matchAll(/<details[\s\S]*?<\/details>|<a [^>]*href="([^"]+)"/g)].map((m) =>
    m[0].startsWith('<details') ? `menu:${/<summary>([^<]*)/.exec(m[0])![1].trim()}` : `link:${m[1]}`,
  );
}

const hrefs = (nav: string) => new Set([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]));

/** The 14 (and more) links of the old single row, and who saw each (the me.* flags of views/partials/header.hbs before issue 12). */
const EVERYONE = [
  '/',
  '/operations',
  '/flags',
  '/compliance',
  '/problems',
  '/border-notices',
  '/goods',
  '/transfers',
  '/cases',
];
const OLD_ROW: Record<string, string[]> = {
  admin: [...EVERYONE, '/admin/users'],
  commander: [...EVERYONE, '/operations/new', '/figures', '/incidents', '/jobs', '/group-plans', '/meetings'],
  duty: [...EVERYONE, '/operations/new', '/figures', '/incidents', '/jobs', '/group-plans', '/meetings'],
  inspector: [...EVERYONE, '/figures'],
  'waitan.leader': [...EVERYONE, '/operations/new', '/figures', '/group-plans', '/meetings'],
  'waitan.officer': [...EVERYONE, '/group-plans', '/meetings'],
  legal: [...EVERYONE],
};
const ALL_OLD = [...new Set(Object.values(OLD_ROW).flat())];

describe('the navigation has at most six entries for everyone, and reaches what it reached before', () => {
  it.each(Object.keys(OLD_ROW))('%s', async (username) => {
    const web = await signedIn(t, username);
    const html = (await web.get('/operations').expect(200)).text;
    const nav = navOf(html);
    const entries = topEntries(nav);
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.length).toBeLessThanOrEqual(6);
    expect(entries[0]).toBe('link:/');
    const reached = hrefs(nav);
    // Every page they saw before is in a menu (or is the inbox), by the same address …
    expect(OLD_ROW[username].filter((href) => !reached.has(href))).toEqual([]);
    // … and none they did not see (the menus hide per role as the row did).
    expect(ALL_OLD.filter((href) => !OLD_ROW[username].includes(href) && reached.has(href))).toEqual([]);
    // Every link in the menus opens for them (no menu entry ends in a refusal).
    for (const href of reached) {
      const res = await web.get(href);
      expect({ href, status: res.status }).toEqual({ href, status: 200 });
    }
  });

  it('the open page marks its menu and its entry; the badges stay on the top entries', async () => {
    const duty = await signedIn(t, 'duty');
    const nav = navOf((await duty.get('/meetings').expect(200)).text);
    expect(nav).toMatch(/<details class="nav-menu active" data-section="operations">/);
    expect(nav).toContain('href="/meetings" class="active"');
    expect(nav.match(/class="nav-menu active"/g)).toHaveLength(1);
    const jobs = navOf((await duty.get('/jobs').expect(200)).text);
    expect(jobs).toMatch(/<details class="nav-menu active" data-section="admin">/);
    // The inbox count is on the inbox link; the flag count on the oversight menu's own label.
    // R6: a month gone by without operations flags every group.
    t.clock.set(new Date('2026-12-01T01:10:00+08:00').toISOString());
    await t.services.jobs.run('monthly-minimum', { via: 'cli' });
    const later = await signedIn(t, 'duty');
    const withFlags = navOf((await later.get('/operations').expect(200)).text);
    expect(withFlags).toMatch(/<summary>[^<]*<span class="badge" data-testid="flag-count">\d+<\/span><\/summary>/);
    expect(withFlags).toMatch(
      /<a href="\/" class="nav-top"[^>]*>[^<]*(<span class="badge" data-testid="inbox-count">\d+<\/span>)?<\/a>/,
    );
  });

  it('the menus are named in the user’s language', async () => {
    const duty = await signedIn(t, 'duty');
    const zh = topEntries(navOf((await duty.get('/operations').expect(200)).text));
    expect(zh).toEqual(['link:/', 'menu:行动', 'menu:督察', 'menu:统计', 'menu:台账', 'menu:管理']);
    await duty.get('/lang/en?next=/operations').expect(303);
    const en = topEntries(navOf((await duty.get('/operations').expect(200)).text));
    expect(en).toEqual(['link:/', 'menu:Operations', 'menu:Oversight', 'menu:Figures', 'menu:Ledgers', 'menu:Admin']);
  });
});
