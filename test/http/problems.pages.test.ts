import { createOperation, operationIn } from '../support/factories';
import { reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { fieldValue, signIn } from '../support/web';

let t: TestApp;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp();
  ids.reported = (await reportProblem(t, { location: '九江路·河南中路口' })).id;
  ids.open = (
    await reportProblem(t, {
      location: '汉口路·河南中路口',
      source: 'hotline_12319',
      hotlineRef: '12319-7',
      complainant: '王先生',
    })
  ).id;
  await sendProblem(t, ids.open, 1, 'ACCEPT');
  ids.resolved = (await reportProblem(t, { location: '福州路·江西中路口' })).id;
  await sendProblem(t, ids.resolved, await sendProblem(t, ids.resolved, 1, 'ACCEPT'), 'RESOLVE', { note: '已清' });
  const n = await t
    .as('waitan.officer')
    .post('/api/v1/border-notices', {
      location: '北京东路·虎丘路口',
      what: '流动摊贩在两中队交界处流窜',
      squads: ['waitan', 'nanjingdonglu'],
    })
    .expect(201);
  ids.notice = n.body.id;
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** A page is whole: no untranslated key, no template left over. */
function expectWhole(html: string) {
  expect(html).not.toContain('{{');
  expect(html).not.toMatch(/\b(state|event|role|field|kind|source|reason|problem|hp|bn)\.[a-z_A-Z]+\b(?![^<]*>)/);
}

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

describe('the hard-problem and border-notice pages render for every role, in both languages', () => {
  it.each([
    [
      'waitan.leader',
      [
        '/problems',
        '/problems?state=open&source=hotline_12319',
        '/problems/new',
        'reported',
        'open',
        'resolved',
        '/border-notices',
        '/border-notices/new',
        'notice',
        '/operations/new',
        '/',
      ],
    ],
    ['waitan.officer', ['/problems', 'reported', '/border-notices', '/border-notices/new', 'notice', '/']],
    ['duty', ['/problems', 'open', 'resolved', '/border-notices', 'notice', '/']],
    ['inspector', ['/problems', 'resolved', '/']],
  ])('%s', async (user, pages) => {
    const web = await signIn(t, user);
    const path = (p: string) =>
      p.startsWith('/') ? p : p === 'notice' ? `/border-notices/${ids.notice}` : `/problems/${ids[p]}`;
    for (const lang of ['zh-CN', 'en']) {
      await web.get(`/lang/${lang}?next=/`).expect(303);
      for (const p of pages) {
        const res = await web.get(path(p));
        expect({ path: path(p), status: res.status }).toEqual({ path: path(p), status: 200 });
        expectWhole(res.text);
      }
    }
  });

  it('the header links to the hard problems and the border notifications', async () => {
    const html = (await (await signIn(t, 'waitan.officer')).get('/problems').expect(200)).text;
    expect(html).toContain('href="/problems" class="active"');
    expect(html).toContain('href="/border-notices"');
  });
});

describe('reporting a problem through its page (§3.4)', () => {
  it('a refused report comes back with what was typed and the problem beside each field', async () => {
    const web = await signIn(t, 'waitan.officer');
    const res = await web.post(
      '/problems',
      {
        source: 'community',
        category: 'street_vending',
        title: '',
        location: '山东中路',
        description: '居委反映',
        evidence: '照片 2 张 | IMG-9',
      },
      '/problems/new',
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="form-banner"');
    expect(res.text).toMatch(/data-error-for="title"/);
    expect(res.text).toMatch(/data-error-for="squads"/);
    expect(fieldValue(res.text, 'location')).toBe('山东中路');
    expect(fieldValue(res.text, 'evidence')).toBe('照片 2 张 | IMG-9');
    expect(res.text).toMatch(/<option value="community" selected>/);
  });

  it('likely duplicates are shown first; a resolved one is offered a rebound instead of a new problem', async () => {
    const web = await signIn(t, 'waitan.officer');
    const fields = {
      source: 'community',
      category: 'street_vending',
      title: '福州路口又有摊贩',
      location: '福州路 江西中路口',
      description: '居民再次反映夜间摊贩',
      squads: ['waitan', 'nanjingdonglu'],
    };
    const res = await web.post('/problems', fields, '/problems/new');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="duplicates"');
    expect(res.text).toContain(`data-duplicate="${ids.resolved}"`);
    expect(res.text).toContain(`action="/problems/${ids.resolved}/events/REBOUND"`);
    expect(res.text).toContain('name="confirmNew" value="1"');
    expect(fieldValue(res.text, 'title')).toBe('福州路口又有摊贩');
    // The officer takes the rebound (a squad at the border: found in holding, §3.4): the same problem reopens, its count grows, no new problem.
    expect(res.text).toMatch(/name="origin" value="holding"/);
    const before = (await t.as('duty').get('/api/v1/problems?limit=200')).body.items.length;
    const version = (await t.as('duty').get(`/api/v1/problems/${ids.resolved}`)).body.version;
    const rebound = await web.post(
      `/problems/${ids.resolved}/events/REBOUND`,
      { expectedVersion: version, origin: 'holding', note: fields.description },
      '/problems/new',
    );
    expect(rebound.status).toBe(303);
    const after = (await t.as('duty').get(`/api/v1/problems/${ids.resolved}`)).body;
    expect(after).toMatchObject({ state: 'open', repeatCount: 1 });
    expect((await t.as('duty').get('/api/v1/problems?limit=200')).body.items.length).toBe(before);
  });

  it('“not the same” reports it anyway; a leader at the border may still merge it into the earlier one, one click away', async () => {
    const web = await signIn(t, 'waitan.officer');
    const res = await web.post(
      '/problems',
      {
        confirmNew: '1',
        source: 'media',
        category: 'street_vending',
        title: '九江路口另一处摊点',
        location: '九江路·河南中路口',
        description: '另一侧人行道',
        squads: ['waitan', 'nanjingdonglu'],
      },
      '/problems/new',
    );
    expect(res.status).toBe(303);
    const page = (await web.get(res.headers.location).expect(200)).text;
    expect(page).toContain('难点顽症已登记');
    expect(page).toContain('data-state="reported"');
    expect(page).not.toContain('data-testid="merge-suggestions"');
    const id = Number(/\/problems\/(\d+)/.exec(res.headers.location)![1]);
    const leader = await signIn(t, 'nanjingdonglu.leader');
    const asLeader = (await leader.get(`/problems/${id}`).expect(200)).text;
    expect(asLeader).toContain('data-testid="merge-suggestions"');
    expect(asLeader).toContain(`name="into" value="${ids.reported}"`);
    const merged = await leader.post(
      `/problems/${id}/events/MERGE`,
      { expectedVersion: 1, into: String(ids.reported) },
      `/problems/${id}`,
    );
    expect(merged.status).toBe(303);
    const survivor = decode((await leader.get(`/problems/${ids.reported}`).expect(200)).text);
    expect(survivor).toMatch(/data-testid="sources">[^<]*难热点问题、媒体曝光/);
  });

  it('a step refused keeps what was typed in its open form: a resolution without a note', async () => {
    const web = await signIn(t, 'waitan.leader');
    const v = (await t.as('duty').get(`/api/v1/problems/${ids.open}`)).body.version;
    const res = await web.post(
      `/problems/${ids.open}/events/RESOLVE`,
      { expectedVersion: v, note: '', operation: '' },
      `/problems/${ids.open}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<details class="event-form[^"]*" id="event-RESOLVE" open>/);
    expect(res.text).toMatch(/data-error-for="note"/);
    const ok = await web.post(
      `/problems/${ids.open}/events/RESOLVE`,
      { expectedVersion: v, note: '联合整治后清零' },
      `/problems/${ids.open}`,
    );
    expect(ok.status).toBe(303);
    const cb = await web.post(
      `/problems/${ids.open}/events/RECORD_CALLBACK`,
      { expectedVersion: v + 1, caller: '', calledAt: '', outcome: 'satisfied', note: '表示感谢' },
      `/problems/${ids.open}`,
    );
    expect(cb.status).toBe(400);
    expect(res.text).not.toContain('lost-input');
    const callbackForm = /<form[^>]*data-event="RECORD_CALLBACK"[\s\S]*?<\/form>/.exec(cb.text)![0];
    expect(fieldValue(callbackForm, 'note')).toBe('表示感谢');
    expect(cb.text).toMatch(/<details class="event-form[^"]*" id="event-RECORD_CALLBACK" open>/);
    expect(cb.text).toMatch(/data-error-for="caller"/);
    const done = await web.post(
      `/problems/${ids.open}/events/RECORD_CALLBACK`,
      { expectedVersion: v + 1, caller: '李队', outcome: 'satisfied' },
      `/problems/${ids.open}`,
    );
    expect(done.status).toBe(303);
    const page = decode((await web.get(`/problems/${ids.open}`).expect(200)).text);
    expect(page).toMatch(/data-testid="callbacks"[\s\S]*李队 · 满意/);
  });
});

describe('the operation page and plan form (§3.4)', () => {
  it('the plan form lists the problems to target; the operation page shows them and resolves one in one step', async () => {
    let web = await signIn(t, 'waitan.leader');
    const form = (await web.get('/operations/new').expect(200)).text;
    expect(form).toContain('data-testid="plan-problems"');
    expect(form).toContain(`name="problems" value="${ids.reported}"`);
    const p = await reportProblem(t, { location: '中山东一路·广东路口' });
    await sendProblem(t, p.id, 1, 'ACCEPT');
    const draft = await createOperation(t, { problems: [p.id] });
    // A plan on paper lists its target but cannot resolve it; once carried out, its page resolves it in one step.
    const onPaper = (await web.get(`/operations/${draft.id}`).expect(200)).text;
    expect(onPaper).toContain('data-testid="operation-problems"');
    expect(onPaper).not.toContain(`action="/problems/${p.id}/events/RESOLVE"`);
    const op = await operationIn(t, 'in_progress', { problems: [p.id] });
    // A day and more has passed for the operation: a fresh session.
    web = await signIn(t, 'waitan.leader');
    const page = (await web.get(`/operations/${op.id}`).expect(200)).text;
    expect(page).toContain('data-testid="operation-problems"');
    expect(page).toContain(`action="/problems/${p.id}/events/RESOLVE"`);
    const res = await web.post(
      `/problems/${p.id}/events/RESOLVE`,
      { expectedVersion: 2, operation: String(op.id), back: `/operations/${op.id}`, note: '本次行动清零' },
      `/operations/${op.id}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/operations/${op.id}?done=problem_resolve#problems`);
    const after = decode((await web.get(`/operations/${op.id}?done=problem_resolve`).expect(200)).text);
    expect(after).toContain('难点顽症已化解');
    expect(after).toMatch(new RegExp(`data-problem="${p.id}"[\\s\\S]*?已化解`));
    await web.get('/lang/en?next=/').expect(303);
    expectWhole((await web.get(`/operations/${op.id}`).expect(200)).text);
    await web.get('/lang/zh-CN?next=/').expect(303);
    const edit = (await web.get(`/operations/${draft.id}/edit`).expect(200)).text;
    expect(edit).toContain('data-testid="plan-problems"');
  });

  it('a plan naming a problem that is not open comes back with the problem beside the field', async () => {
    const web = await signIn(t, 'waitan.leader');
    const merged = await reportProblem(t, { location: '九江路·河南中路口' });
    await sendProblem(t, merged.id, 1, 'MERGE', { into: ids.reported });
    const plan = {
      kind: 'regular',
      group: 'north',
      leadSquad: 'waitan',
      hostSquad: 'waitan',
      squads: ['waitan', 'nanjingdonglu'],
      title: '整治',
      problemsShown: '1',
    };
    const res = await web.post('/operations', { ...plan, problems: [String(merged.id)] }, '/operations/new');
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('所选难点顽症已化解或已合并');
    expect(res.text).toMatch(/data-error-for="problems"/);
    expect(fieldValue(res.text, 'title')).toBe('整治');
  });
});

describe('a border notice through its pages (R8)', () => {
  it('an officer sends one; a refused one keeps its input', async () => {
    const web = await signIn(t, 'waitan.officer');
    const bad = await web.post(
      '/border-notices',
      { location: '九江路口', what: '摊贩流窜', squads: ['waitan'], seenAt: '' },
      '/border-notices/new',
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/data-error-for="squads"/);
    expect(fieldValue(bad.text, 'what')).toBe('摊贩流窜');
    const ok = await web.post(
      '/border-notices',
      { location: '九江路口', what: '摊贩流窜', squads: ['waitan', 'nanjingdonglu'] },
      '/border-notices/new',
    );
    expect(ok.status).toBe(303);
  });

  it('a squad leader of the group turns it into an ad_hoc plan: the plan form opens pre-filled, and saving it records what the notice became', async () => {
    const web = await signIn(t, 'nanjingdonglu.leader');
    const id = (
      await t
        .as('waitan.officer')
        .post('/api/v1/border-notices', {
          location: '南京东路·四川中路口',
          what: '占道摊贩跨界流窜',
          squads: ['waitan', 'nanjingdonglu'],
        })
        .expect(201)
    ).body.id;
    const page = (await web.get(`/border-notices/${id}`).expect(200)).text;
    expect(page).toContain(`href="/operations/new?fromNotice=${id}"`);
    const form = (await web.get(`/operations/new?fromNotice=${id}`).expect(200)).text;
    expect(fieldValue(form, 'location')).toBe('南京东路·四川中路口');
    expect(fieldValue(form, 'fromNotice')).toBe(String(id));
    expect(form).toMatch(/<option value="ad_hoc" selected>/);
    const saved = await web.post(
      '/operations',
      {
        fromNotice: String(id),
        kind: 'ad_hoc',
        group: 'north',
        leadSquad: 'nanjingdonglu',
        hostSquad: 'waitan',
        squads: ['waitan', 'nanjingdonglu'],
        title: '四川中路口不定期联动',
        location: '南京东路·四川中路口',
      },
      `/operations/new?fromNotice=${id}`,
    );
    expect(saved.status).toBe(303);
    const opId = Number(/\/operations\/(\d+)/.exec(saved.headers.location)![1]);
    const notice = (await t.as('duty').get(`/api/v1/border-notices/${id}`)).body;
    expect(notice).toMatchObject({ state: 'became_plan', operation: opId });
  });

  it('or into a hard problem, or closes it with a reason (a close without one keeps the form open)', async () => {
    const web = await signIn(t, 'waitan.leader');
    const id = (
      await t
        .as('waitan.officer')
        .post('/api/v1/border-notices', { location: '广东路口', what: '跨门营业', squads: ['waitan', 'nanjingdonglu'] })
        .expect(201)
    ).body.id;
    const noReason = await web.post(
      `/border-notices/${id}/events/CLOSE`,
      { expectedVersion: 1, reason: '' },
      `/border-notices/${id}`,
    );
    expect(noReason.status).toBe(400);
    expect(noReason.text).toMatch(/<details class="event-form[^"]*" id="event-CLOSE" open>/);
    const toProblem = await web.post(
      `/border-notices/${id}/events/TO_PROBLEM`,
      { expectedVersion: 1, category: 'shop_overflow', title: '广东路口跨门营业' },
      `/border-notices/${id}`,
    );
    expect(toProblem.status).toBe(303);
    const problemPage = (await web.get(toProblem.headers.location).expect(200)).text;
    expect(problemPage).toContain(`href="/border-notices/${id}"`);
    expect(problemPage).toContain('data-state="reported"');
  });

  it('the inbox shows a squad leader the problems to accept and the notices to act on', async () => {
    const inbox = (await (await signIn(t, 'nanjingdonglu.leader')).get('/').expect(200)).text;
    expect(inbox).toContain('data-section="problems_to_accept"');
    expect(inbox).toContain(`data-problem="${ids.reported}"`);
    expect(inbox).toContain('data-section="notices_to_act"');
    const other = (await (await signIn(t, 'yuyuan.leader')).get('/').expect(200)).text;
    expect(other).not.toContain('data-section="problems_to_accept"');
  });
});
