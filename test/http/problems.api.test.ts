import { createOperation, send } from '../support/factories';
import { hotlineFeed, problemBody, reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

describe('hard problems through the API (SPEC §3.4, R7)', () => {
  it('an officer reports a problem at the border; it waits in `reported` for a squad at the border to accept it', async () => {
    const { id, body } = await reportProblem(t, { location: '福州路·江西中路口' });
    expect(body).toMatchObject({
      state: 'reported',
      version: 1,
      source: 'hotspot',
      category: 'street_vending',
      squads: ['waitan', 'nanjingdonglu'],
      repeatCount: 0,
      sources: ['hotspot'],
    });
    expect(body.evidence).toEqual([{ description: '现场照片 6 张', ref: 'IMG-2026-1102-01' }]);
    // An officer may not accept; a leader of a squad at the border may.
    const asOfficer = await t.as('waitan.officer').get(`/api/v1/problems/${id}`).expect(200);
    expect(asOfficer.body.allowedEvents).toEqual([]);
    const asLeader = await t.as('nanjingdonglu.leader').get(`/api/v1/problems/${id}`).expect(200);
    expect(asLeader.body.allowedEvents).toEqual(['ACCEPT', 'MERGE']);
    const asOtherLeader = await t.as('yuyuan.leader').get(`/api/v1/problems/${id}`).expect(200);
    expect(asOtherLeader.body.allowedEvents).toEqual([]);
  });

  it('only a squad at the border or a manager accepts: another squad’s leader is refused with 403, nothing written', async () => {
    const { id } = await reportProblem(t, { location: '汉口路·四川中路口' });
    const refused = await t
      .as('yuyuan.leader')
      .post(`/api/v1/problems/${id}/events`, { type: 'ACCEPT', expectedVersion: 1 })
      .expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    const accepted = await t
      .as('duty')
      .post(`/api/v1/problems/${id}/events`, { type: 'ACCEPT', expectedVersion: 1 })
      .expect(200);
    expect(accepted.body).toMatchObject({ state: 'open', version: 2 });
  });

  it('a stale expectedVersion is 409, an event the state does not take is 409, a rule refused is 422 naming the field', async () => {
    const { id } = await reportProblem(t, { location: '北京东路·虎丘路口' });
    const stale = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${id}/events`, { type: 'ACCEPT', expectedVersion: 7 })
      .expect(409);
    expect(stale.body.error.code).toBe('stale_version');
    const wrong = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${id}/events`, { type: 'RESOLVE', expectedVersion: 1, note: '已清' })
      .expect(409);
    expect(wrong.body.error.code).toBe('event_not_accepted');
    await sendProblem(t, id, 1, 'ACCEPT');
    const blank = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${id}/events`, { type: 'RESOLVE', expectedVersion: 2, note: ' ' })
      .expect(400);
    expect(blank.body.error.fields).toHaveProperty('note');
    const missing = await t
      .as('waitan.leader')
      .post('/api/v1/problems', { ...problemBody(), squads: [], title: '' })
      .expect(400);
    expect(Object.keys(missing.body.error.fields).sort()).toEqual(['squads', 'title']);
  });

  it('a rebound reopens the resolved problem instead of creating a new one, and its repeat count grows', async () => {
    const { id } = await reportProblem(t, { location: '滇池路·圆明园路口' });
    let v = await sendProblem(t, id, 1, 'ACCEPT');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '联合整治后摊位清零' });
    v = await sendProblem(t, id, v, 'REBOUND', { origin: 'inspector', note: '督察夜查发现 3 个摊位回潮' }, 'inspector');
    const { body } = await t.as('duty').get(`/api/v1/problems/${id}`).expect(200);
    expect(body).toMatchObject({ id, state: 'open', repeatCount: 1 });
    expect(body.rebounds).toEqual([expect.objectContaining({ origin: 'inspector', by: 'inspector' })]);
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '再次整治并固守' });
    await sendProblem(t, id, v, 'REBOUND', { origin: 'holding', note: '固守中发现回潮' }, 'nanjingdonglu.officer');
    const again = await t.as('duty').get(`/api/v1/problems/${id}`).expect(200);
    expect(again.body).toMatchObject({ state: 'open', repeatCount: 2 });
    const list = await t.as('duty').get('/api/v1/problems?q=滇池路').expect(200);
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual([id]);
    const history = await t.as('duty').get(`/api/v1/problems/${id}/history`).expect(200);
    expect(history.body.items.map((h: { event: string }) => h.event)).toEqual([
      'CREATE',
      'ACCEPT',
      'RESOLVE',
      'REBOUND',
      'RESOLVE',
      'REBOUND',
    ]);
  });

  it('likely duplicates (same place, same kind, recent) are suggested; merging gives the survivor the duplicate’s reports and sources', async () => {
    const first = await reportProblem(t, { location: '南京东路 · 山西南路口', source: 'community' });
    const second = await reportProblem(t, {
      location: '南京东路山西南路口',
      source: 'media',
      title: '媒体曝光：山西南路口占道',
    });
    expect(second.body.likelyDuplicates.map((d: { id: number; suggestion: string }) => [d.id, d.suggestion])).toEqual([
      [first.id, 'MERGE'],
    ]);
    // Another kind at the same place is not a duplicate.
    const other = await reportProblem(t, { location: '南京东路山西南路口', category: 'illegal_advertising' });
    expect(other.body.likelyDuplicates).toEqual([]);
    const suggested = await t
      .as('waitan.officer')
      .get(`/api/v1/problems/duplicates?category=street_vending&location=${encodeURIComponent('南京东路山西南路口')}`)
      .expect(200);
    expect(suggested.body.items.map((d: { id: number }) => d.id).sort()).toEqual([first.id, second.id].sort());

    const merged = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${second.id}/events`, { type: 'MERGE', expectedVersion: 1, into: first.id })
      .expect(200);
    expect(merged.body.state).toBe('merged');
    const dup = await t.as('duty').get(`/api/v1/problems/${second.id}`).expect(200);
    expect(dup.body).toMatchObject({ state: 'merged', mergedInto: first.id, allowedEvents: [] });
    const survivor = await t.as('duty').get(`/api/v1/problems/${first.id}`).expect(200);
    expect(survivor.body.sources.sort()).toEqual(['community', 'media']);
    expect(survivor.body.mergedFrom).toEqual([second.id]);
    expect(survivor.body.reports).toHaveLength(2);
  });

  it('a merged problem cannot be accepted, and nothing merges into a merged one or into itself', async () => {
    const a = await reportProblem(t, { location: '四川中路·广东路口' });
    const b = await reportProblem(t, { location: '四川中路·广东路口' });
    const c = await reportProblem(t, { location: '四川中路·广东路口' });
    await sendProblem(t, b.id, 1, 'MERGE', { into: a.id });
    const accept = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${b.id}/events`, { type: 'ACCEPT', expectedVersion: 2 })
      .expect(409);
    expect(accept.body.error.code).toBe('event_not_accepted');
    const intoMerged = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${c.id}/events`, { type: 'MERGE', expectedVersion: 1, into: b.id })
      .expect(422);
    expect(intoMerged.body.error.problems).toEqual([
      expect.objectContaining({ code: 'merge_into_merged', field: 'into' }),
    ]);
    const itself = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${c.id}/events`, { type: 'MERGE', expectedVersion: 1, into: c.id })
      .expect(422);
    expect(itself.body.error.problems[0].code).toBe('merge_into_itself');
  });

  it('a hotline problem records the call-back to the complainant after resolution; a problem from elsewhere has none', async () => {
    const { id } = await reportProblem(t, {
      source: 'hotline_12319',
      location: '江西中路·九江路口',
      hotlineRef: '12319-20261101-0042',
      complainant: '王先生 139xxxx',
    });
    let v = await sendProblem(t, id, 1, 'ACCEPT');
    const early = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${id}/events`, {
        type: 'RECORD_CALLBACK',
        expectedVersion: v,
        caller: '李队',
        outcome: 'satisfied',
      })
      .expect(409);
    expect(early.body.error.code).toBe('event_not_accepted');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '已取缔' });
    await sendProblem(t, id, v, 'RECORD_CALLBACK', {
      caller: '李队',
      outcome: 'basically_satisfied',
      note: '希望长效管理',
    });
    const { body } = await t.as('duty').get(`/api/v1/problems/${id}`).expect(200);
    expect(body.callbacks).toEqual([
      expect.objectContaining({
        caller: '李队',
        outcome: 'basically_satisfied',
        note: '希望长效管理',
        recordedBy: 'waitan.leader',
      }),
    ]);
    expect(body.hotlineRef).toBe('12319-20261101-0042');

    const plain = await reportProblem(t, { location: '虎丘路·香港路口' });
    let w = await sendProblem(t, plain.id, 1, 'ACCEPT');
    w = await sendProblem(t, plain.id, w, 'RESOLVE', { note: '已清' });
    const refused = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${plain.id}/events`, {
        type: 'RECORD_CALLBACK',
        expectedVersion: w,
        caller: '李队',
        outcome: 'satisfied',
      })
      .expect(422);
    expect(refused.body.error.problems[0]).toMatchObject({ code: 'not_hotline_problem', rule: 'R7' });
  });

  it('the 12319 hotline feed’s system token creates hotline problems, and is refused anything else', async () => {
    const feed = await hotlineFeed(t);
    const created = await feed
      .post(
        '/api/v1/problems',
        problemBody({
          source: 'hotline_12319',
          location: '中山东二路·新开河路口',
          hotlineRef: '12319-1',
          complainant: '匿名',
        }),
      )
      .expect(201);
    expect(created.body).toMatchObject({ state: 'reported', source: 'hotline_12319', reportedBy: 'hotline-12319' });
    const media = await feed.post('/api/v1/problems', problemBody({ source: 'media' })).expect(403);
    expect(media.body.error).toMatchObject({ code: 'forbidden', reason: 'hotline_feed_reports_hotline_only' });
    const accept = await feed
      .post(`/api/v1/problems/${created.body.id}/events`, { type: 'ACCEPT', expectedVersion: 1 })
      .expect(403);
    expect(accept.body.error.reason).toBe('hotline_feed_reports_only');
    await feed.post('/api/v1/operations', { kind: 'regular', leadSquad: 'waitan', title: 'x' }).expect(403);
    await feed
      .post('/api/v1/border-notices', { location: 'x', what: 'y', squads: ['waitan', 'nanjingdonglu'] })
      .expect(403);
    // Nothing else of the API either: it reads the squads' codes and its problems, and may tell of a rebound.
    await feed.get('/api/v1/operations').expect(403);
    await feed.get('/api/v1/notifications').expect(403);
    await feed.get('/api/v1/squads').expect(200);
    await feed
      .get(
        `/api/v1/problems/duplicates?category=street_vending&location=${encodeURIComponent('中山东二路·新开河路口')}`,
      )
      .expect(200);
    let v = await sendProblem(t, created.body.id, 1, 'ACCEPT');
    v = await sendProblem(t, created.body.id, v, 'RESOLVE', { note: '已清' });
    // A new complaint is all the feed can say of a rebound: not that an inspector or the holding found it.
    const posing = await feed
      .post(`/api/v1/problems/${created.body.id}/events`, {
        type: 'REBOUND',
        expectedVersion: v,
        origin: 'inspector',
        note: '督察发现',
      })
      .expect(422);
    expect(posing.body.error.problems[0]).toMatchObject({ code: 'feed_rebound_is_complaint', field: 'origin' });
    const rebound = await feed
      .post(`/api/v1/problems/${created.body.id}/events`, {
        type: 'REBOUND',
        expectedVersion: v,
        origin: 'complaint',
        note: '市民再次投诉',
      })
      .expect(200);
    expect(rebound.body.state).toBe('open');
    // Nor the web: signed in with its password, every page is refused.
    const web = await signIn(t, 'hotline-12319', 'feed-password-1');
    await web.get('/').expect(403);
    await web.get('/problems').expect(403);
  });

  it('an operation’s plan names the problems it targets (open or reported ones); its page lists them; resolving from it links the operation', async () => {
    const p1 = await reportProblem(t, { location: '中山东一路·延安东路口' });
    const p2 = await reportProblem(t, { location: '中山东一路·北京东路口' });
    await sendProblem(t, p2.id, 1, 'ACCEPT');
    const op = await createOperation(t, { problems: [p1.id, p2.id] });
    const ofOp = (await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`).expect(200)).body.problems;
    expect(ofOp).toEqual([p1.id, p2.id].sort((a, b) => a - b));
    const shown = await t.as('duty').get(`/api/v1/problems/${p1.id}`).expect(200);
    expect(shown.body.operations.map((o: { id: number }) => o.id)).toEqual([op.id]);

    const unknown = await t
      .as('waitan.leader')
      .post('/api/v1/operations', { kind: 'regular', leadSquad: 'waitan', title: '整治', problems: [999999] })
      .expect(400);
    expect(unknown.body.error.fields.problems).toBe('没有这个难点顽症');
    const merged = await reportProblem(t, { location: '中山东一路·北京东路口' });
    await sendProblem(t, merged.id, 1, 'MERGE', { into: p2.id });
    const notOpen = await t
      .as('waitan.leader')
      .post('/api/v1/operations', { kind: 'regular', leadSquad: 'waitan', title: '整治', problems: [merged.id] })
      .expect(422);
    expect(notOpen.body.error.problems[0]).toMatchObject({ code: 'problem_not_open', field: 'problems' });

    // An edit of the draft replaces the list.
    await send(t, op.id, 1, 'EDIT_PLAN', { plan: { problems: [p2.id] } }, 'waitan.leader');
    expect((await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`)).body.problems).toEqual([p2.id]);
    // Not while the plan is on paper: an operation resolves a problem once it was carried out.
    let v = (await t.as('waitan.leader').get(`/api/v1/problems/${p2.id}`)).body.version;
    const early = await t
      .as('waitan.leader')
      .post(`/api/v1/problems/${p2.id}/events`, {
        type: 'RESOLVE',
        expectedVersion: v,
        note: '还没行动',
        operation: op.id,
      })
      .expect(422);
    expect(early.body.error.problems[0]).toMatchObject({
      code: 'operation_not_carried_out',
      field: 'operation',
      rule: '§3.4',
    });
    let ov = (await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`)).body.version;
    // (It begins at once, a day before its planned start: it says why.)
    for (const type of ['FILE', 'APPROVE', 'START'])
      ov = await send(t, op.id, ov, type, type === 'START' ? { earlyReason: '摊贩提前聚集' } : {});
    // Resolving from the operation (one step) links it.
    v = (await t.as('waitan.leader').get(`/api/v1/problems/${p2.id}`)).body.version;
    await sendProblem(t, p2.id, v, 'RESOLVE', { note: '整治行动后清零', operation: op.id });
    const resolved = await t.as('duty').get(`/api/v1/problems/${p2.id}`).expect(200);
    expect(resolved.body).toMatchObject({ state: 'resolved', operations: [expect.objectContaining({ id: op.id })] });
  });

  it('an edit of the draft keeps a target resolved since; an edit naming a closed problem changes nothing at all', async () => {
    const target = await reportProblem(t, { location: '四川中路·汉口路口' });
    const op = await createOperation(t, { problems: [target.id] });
    await sendProblem(t, target.id, 1, 'ACCEPT');
    await sendProblem(t, target.id, 2, 'RESOLVE', { note: '已清' });
    // Still named, though resolved now: the edit is taken and the link kept.
    const v = await send(
      t,
      op.id,
      1,
      'EDIT_PLAN',
      { plan: { title: '四川中路整治（改）', problems: [target.id] } },
      'waitan.leader',
    );
    expect((await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`)).body.problems).toEqual([target.id]);
    // A resolved problem not named before is refused, and neither the plan nor its list moves.
    const other = await reportProblem(t, { location: '四川中路·九江路口' });
    await sendProblem(t, other.id, 1, 'ACCEPT');
    await sendProblem(t, other.id, 2, 'RESOLVE', { note: '已清' });
    const before = (await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`)).body;
    const refused = await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${op.id}/events`, {
        type: 'EDIT_PLAN',
        expectedVersion: v,
        plan: { title: '不应保存', problems: [target.id, other.id] },
      })
      .expect(422);
    expect(refused.body.error.problems[0]).toMatchObject({ code: 'problem_not_open', field: 'problems' });
    const after = (await t.as('waitan.leader').get(`/api/v1/operations/${op.id}`)).body;
    expect(after.version).toBe(before.version);
    expect(after.title).toBe('四川中路整治（改）');
    expect(after.problems).toEqual([target.id]);
  });

  it('the squads at the border are told of a report; the Duty Command Section of every one', async () => {
    const { id } = await reportProblem(t, { location: '宁波路·河南中路口' }, 'waitan.officer');
    await t.services.outbox.drain();
    const told = await t.as('nanjingdonglu.leader').get('/api/v1/notifications').expect(200);
    expect(told.body.items.find((n: { link: string }) => n.link === `/problems/${id}`)).toMatchObject({
      topic: 'problem.reported',
      text: `新登记难点顽症：#${id} 九江路口夜间流动设摊`,
    });
    const duty = await t.as('duty').get('/api/v1/notifications').expect(200);
    expect(duty.body.items.some((n: { link: string }) => n.link === `/problems/${id}`)).toBe(true);
    const other = await t.as('yuyuan.leader').get('/api/v1/notifications').expect(200);
    expect(other.body.items.some((n: { link: string }) => n.link === `/problems/${id}`)).toBe(false);
  });
});

describe('merging at once', () => {
  it('two reports merged into each other at the same moment: one is merged, the other survives', async () => {
    const a = await reportProblem(t, { location: '福州路·江西中路口' });
    const b = await reportProblem(t, { location: '福州路·江西中路口' });
    const [x, y] = await Promise.all([
      t.as('waitan.leader').post(`/api/v1/problems/${a.id}/events`, { type: 'MERGE', expectedVersion: 1, into: b.id }),
      t.as('waitan.leader').post(`/api/v1/problems/${b.id}/events`, { type: 'MERGE', expectedVersion: 1, into: a.id }),
    ]);
    expect([x.status, y.status].filter((s) => s === 200)).toHaveLength(1);
    const states = [
      (await t.as('duty').get(`/api/v1/problems/${a.id}`)).body.state,
      (await t.as('duty').get(`/api/v1/problems/${b.id}`)).body.state,
    ].sort();
    expect(states).toEqual(['merged', 'reported']);
  });
});

describe('R15: hard problems resolved (化解难点顽症)', () => {
  it('counts a problem resolved in the month and not reopened within it; a rebound takes it back until it is resolved again', async () => {
    const figure = async (scope = '') => {
      const res = (await t.as('duty').get(`/api/v1/figures?period=2026-11${scope}`).expect(200)).body;
      return res.indicators.find((i: { id: string }) => i.id === 'problems_resolved').current.value as number;
    };
    const before = await figure();
    const beforeSouth = await figure('&group=south');
    const beforeWest = await figure('&group=west');
    const { id } = await reportProblem(
      t,
      { location: '瞿溪路·制造局路口', squads: ['wuliqiao', 'dapuqiao'] },
      'wuliqiao.officer',
    );
    let v = await sendProblem(t, id, 1, 'ACCEPT', {}, 'wuliqiao.leader');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '已清' }, 'wuliqiao.leader');
    expect(await figure()).toBe(before + 1);
    expect(await figure('&group=south')).toBe(beforeSouth + 1);
    // Not a squad of the west group's at this border: its figure does not move.
    expect(await figure('&group=west')).toBe(beforeWest);
    v = await sendProblem(t, id, v, 'REBOUND', { origin: 'inspector', note: '回潮' }, 'inspector');
    expect(await figure()).toBe(before);
    await sendProblem(t, id, v, 'RESOLVE', { note: '再次整治' }, 'dapuqiao.leader');
    expect(await figure('&group=south')).toBe(beforeSouth + 1);
    const records = (
      await t.as('duty').get('/api/v1/figures/problems_resolved/records?period=2026-11&group=south').expect(200)
    ).body;
    expect(JSON.stringify(records)).toContain(`/problems/${id}`);
  });

  it('a problem resolved in one month, reopened and resolved again in the next, is one resolved in their quarter', async () => {
    const figure = async (period: string) =>
      (await t.as('duty').get(`/api/v1/figures?period=${period}&squad=laoximen`).expect(200)).body.indicators.find(
        (i: { id: string }) => i.id === 'problems_resolved',
      ).current.value as number;
    const saved = t.clock.now();
    t.clock.set('2026-05-10T02:00:00Z');
    const { id } = await reportProblem(
      t,
      { location: '老西门·中华路口', squads: ['laoximen', 'xiaodongmen'] },
      'laoximen.officer',
    );
    let v = await sendProblem(t, id, 1, 'ACCEPT', {}, 'laoximen.leader');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '已清' }, 'laoximen.leader');
    t.clock.set('2026-06-10T02:00:00Z');
    v = await sendProblem(t, id, v, 'REBOUND', { origin: 'complaint', note: '又有投诉' }, 'duty');
    await sendProblem(t, id, v, 'RESOLVE', { note: '再次整治' }, 'laoximen.leader');
    t.clock.set(saved);
    expect(await figure('2026-05')).toBe(1);
    expect(await figure('2026-06')).toBe(1);
    expect(await figure('2026-Q2')).toBe(1);
    const list = (
      await t.as('duty').get('/api/v1/figures/problems_resolved/records?period=2026-Q2&squad=laoximen').expect(200)
    ).body;
    expect(list.items.map((r: { link: string }) => r.link)).toEqual([`/problems/${id}`]);
  });
});

describe('time limits of hard problems (§3.5)', () => {
  it('a report waits so long to be accepted: its light turns red, the time-limits job flags it, acceptance closes it in time or late', async () => {
    const { id, body } = await reportProblem(t, { location: '浙江中路·天津路口' });
    expect(body.timeLimit).toMatchObject({ kind: 'accept', light: 'green' });
    t.clock.advance(73 * 3_600_000);
    expect((await t.as('duty').get(`/api/v1/problems/${id}`)).body.timeLimit).toMatchObject({
      kind: 'accept',
      light: 'red',
    });
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const flags = (await t.as('duty').get('/api/v1/flags?kind=time_limit&status=open').expect(200)).body.items;
    const flag = flags.find(
      (f: { record: { type: string; id: number } | null }) => f.record?.type === 'hard_problem' && f.record.id === id,
    );
    expect(flag).toBeDefined();
    expect(flag.summary).toContain(`#${id} 九江路口夜间流动设摊：受理超过时限`);
    await sendProblem(t, id, 1, 'ACCEPT');
    expect((await t.as('duty').get(`/api/v1/problems/${id}`)).body.timeLimit).toBeNull();
    const deadlines = await t.services.db.manager.query(
      'SELECT kind, outcome FROM workflow_deadlines WHERE instance_id = ?',
      [id],
    );
    expect(deadlines).toEqual([{ kind: 'accept', outcome: 'late' }]);
  });

  it('a resolved hotline problem waits for its call-back; recording it closes the limit', async () => {
    const { id } = await reportProblem(t, {
      location: '浙江中路·宁波路口',
      source: 'hotline_12319',
      hotlineRef: '12319-8',
    });
    let v = await sendProblem(t, id, 1, 'ACCEPT');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '已清' });
    expect((await t.as('duty').get(`/api/v1/problems/${id}`)).body.timeLimit).toMatchObject({
      kind: 'callback',
      light: 'green',
    });
    await sendProblem(t, id, v, 'RECORD_CALLBACK', { caller: '李队', outcome: 'satisfied' });
    expect((await t.as('duty').get(`/api/v1/problems/${id}`)).body.timeLimit).toBeNull();
    const deadlines = await t.services.db.manager.query(
      "SELECT kind, outcome FROM workflow_deadlines WHERE instance_id = ? AND kind = 'callback'",
      [id],
    );
    expect(deadlines).toEqual([{ kind: 'callback', outcome: 'met' }]);
  });
});
