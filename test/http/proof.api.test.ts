import { createOperation, operationIn, send, systemActorOf } from '../support/factories';
import { goodsBody } from '../support/goods';
import { reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signedIn } from '../support/web';

/**
 * Records that cannot be gamed (issue 10): times that really happened, a plan
 * fit to file, holding that can be audited, accounts that agree, the
 * brigade's own numbers — through the API, as a caller would meet them.
 */
let t: TestApp;
const HOUR = 3_600_000;
/** Shanghai wall-clock time as an instant. */
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-12-06T09:00:00') });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const get = async (id: number) => (await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body;
const post = (who: string, id: number, body: Record<string, unknown>) =>
  t.as(who).post(`/api/v1/operations/${id}/events`, body);

describe('times that really happened (R6)', () => {
  it('an operation cannot begin before it was approved', async () => {
    t.clock.set(sh('2026-12-06T09:00:00'));
    const { id, version } = await operationIn(t, 'approved');
    const res = await post('waitan.leader', id, {
      type: 'START',
      expectedVersion: version,
      actualStart: sh('2026-12-01T08:00:00'),
    }).expect(422);
    expect(res.body.error.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'before_approval', field: 'actualStart' })]),
    );
    expect(res.body.error.fields.actualStart).toBe('行动不能早于计划批准时间开始');
    expect((await get(id)).state).toBe('approved');
  });

  it('a start in the future is refused', async () => {
    const { id, version } = await operationIn(t, 'approved');
    const res = await post('waitan.leader', id, {
      type: 'START',
      expectedVersion: version,
      actualStart: new Date(t.clock.now().getTime() + HOUR).toISOString(),
    }).expect(422);
    expect(res.body.error.fields).toHaveProperty('actualStart');
  });

  it('a start backdated more than 12 hours is a late entry: refused without a reason, and with one marked on the operation, its history and the figures', async () => {
    t.clock.set(sh('2026-12-06T09:00:00'));
    const { id } = await createOperation(t, { plannedStart: sh('2026-12-07T09:00:00') });
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    // Recorded the next evening, 13 hours after it began at its planned time.
    t.clock.set(sh('2026-12-07T22:00:00'));
    const refused = await post('waitan.leader', id, {
      type: 'START',
      expectedVersion: v,
      actualStart: sh('2026-12-07T09:00:00'),
    }).expect(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({ code: 'late_reason_required', field: 'lateReason', rule: 'R6' }),
    ]);
    expect(refused.body.error.fields.lateReason).toContain('12 小时');
    const ok = await post('waitan.leader', id, {
      type: 'START',
      expectedVersion: v,
      actualStart: sh('2026-12-07T09:00:00'),
      lateReason: '现场无信号，回队后补录',
    }).expect(200);
    const op = await get(id);
    expect(op).toMatchObject({
      state: 'in_progress',
      actualStart: '2026-12-07T09:00:00+08:00',
      lateEntryHours: 13,
      lateReason: '现场无信号，回队后补录',
      version: ok.body.version,
    });
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({ event: 'START', payload: { lateReason: '现场无信号，回队后补录' } });
    const figures = (await t.as('duty').get('/api/v1/figures?period=2026-12').expect(200)).body;
    const late = figures.indicators.find((i: { id: string }) => i.id === 'late_entries');
    expect(late.current.value).toBeGreaterThanOrEqual(1);
    const records = (await t.as('duty').get('/api/v1/figures/late_entries/records?period=2026-12').expect(200)).body;
    expect(records.items.map((r: { id: number }) => r.id)).toContain(id);
    expect(records.items.length).toBe(late.current.value);
  });

  it('a start more than 3 hours before the planned one says why', async () => {
    t.clock.set(sh('2026-12-08T09:00:00'));
    const { id } = await createOperation(t, { plannedStart: sh('2026-12-09T09:00:00') });
    let v = await send(t, id, 1, 'FILE');
    v = await send(t, id, v, 'APPROVE');
    const refused = await post('waitan.leader', id, { type: 'START', expectedVersion: v }).expect(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({ code: 'early_reason_required', field: 'earlyReason' }),
    ]);
    await post('waitan.leader', id, {
      type: 'START',
      expectedVersion: v,
      earlyReason: '摊贩提前聚集，提前出动',
    }).expect(200);
    expect(await get(id)).toMatchObject({
      state: 'in_progress',
      earlyReason: '摊贩提前聚集，提前出动',
      lateEntryHours: null,
    });
  });
});

describe('a plan fit to file (R4, R5)', () => {
  it('a plan with empty sections cannot be filed: every missing one is named at once, in the user’s words', async () => {
    const { id } = await createOperation(t, { situation: '', mission: ' ', command: '', holdingPlan: '' });
    const res = await post('waitan.leader', id, { type: 'FILE', expectedVersion: 1 }).expect(422);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['command', 'holdingPlan', 'mission', 'situation']);
    expect(res.body.error.fields.holdingPlan).toBe('必填');
    const en = await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${id}/events`, { type: 'FILE', expectedVersion: 1 })
      .set('Accept-Language', 'en')
      .expect(422);
    expect(en.body.error.fields.holdingPlan).toBe('Required');
    expect((await get(id)).state).toBe('draft');
  });

  it('a plan without a holding plan cannot be filed', async () => {
    const { id } = await createOperation(t, { holdingPlan: '' });
    const res = await post('waitan.leader', id, { type: 'FILE', expectedVersion: 1 }).expect(422);
    expect(res.body.error.problems).toEqual([
      expect.objectContaining({ code: 'required', field: 'holdingPlan', rule: 'R12' }),
    ]);
  });

  it('a filed plan gets the brigade’s next number of the year; a plan returned and filed again keeps it; a draft has none', async () => {
    t.clock.set(sh('2026-12-10T09:00:00'));
    const a = await createOperation(t);
    const b = await createOperation(t);
    expect((await get(a.id)).number).toBeNull();
    await send(t, a.id, 1, 'FILE');
    await send(t, b.id, 1, 'FILE');
    const na = (await get(a.id)).number;
    const nb = (await get(b.id)).number;
    expect(na.year).toBe(2026);
    expect(nb).toEqual({ year: 2026, seq: na.seq + 1 });
    let v = await send(t, a.id, 2, 'RETURN');
    v = await send(t, a.id, v, 'FILE');
    expect((await get(a.id)).number).toEqual(na);
    // The list finds a plan by its number as people write it.
    for (const q of [`〔2026〕第${nb.seq}号`, `2026-${nb.seq}`, `${nb.seq}/2026`]) {
      const found = (
        await t
          .as('duty')
          .get(`/api/v1/operations?q=${encodeURIComponent(q)}`)
          .expect(200)
      ).body.items;
      expect(found.map((o: { id: number }) => o.id)).toEqual([b.id]);
    }
    void v;
  });

  it('numbers start again at 1 in a new year, and run on without gaps whatever else is created', async () => {
    t.clock.set(sh('2027-01-02T09:00:00'));
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await createOperation(t);
      await send(t, id, 1, 'FILE');
      ids.push(id);
    }
    const numbers = await Promise.all(ids.map(async (id) => (await get(id)).number));
    expect(numbers).toEqual([1, 2, 3].map((seq) => ({ year: 2027, seq })));
  });

  it('plans filed at once get consecutive numbers, none twice, and the first filings of a new year start its counter once', async () => {
    t.clock.set(sh('2028-01-03T09:00:00'));
    const ids = await Promise.all(Array.from({ length: 8 }, async () => (await createOperation(t)).id));
    const answers = await Promise.all(ids.map((id) => post('waitan.leader', id, { type: 'FILE', expectedVersion: 1 })));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    const numbers = await Promise.all(ids.map(async (id) => (await get(id)).number));
    expect(numbers.map((n: { seq: number }) => n.seq).sort((x: number, y: number) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(new Set(numbers.map((n: { year: number }) => n.year))).toEqual(new Set([2028]));
  });
});

describe('holding that can be audited (R12)', () => {
  async function holding() {
    t.clock.set(sh('2026-12-14T09:00:00'));
    // Begins the next day at 09:00, ends 14:00: holding 7 days, to 12-22 14:00.
    const { id, version } = await operationIn(t, 'holding');
    return { id, version };
  }

  it('two checks on one holding day are one day checked: the second amends it, both stay in the history', async () => {
    const { id, version } = await holding();
    const day = (await get(id)).coverage.days[0];
    let v = await send(t, id, version, 'LOG_HOLDING_CHECK', {
      date: day,
      officersOnPost: 2,
      reboundObserved: false,
      notes: '上午',
    });
    v = await send(t, id, v, 'LOG_HOLDING_CHECK', {
      date: day,
      officersOnPost: 3,
      reboundObserved: false,
      notes: '下午补充',
    });
    const op = await get(id);
    const checks = op.holdingRecords.filter((h: { kind: string }) => h.kind === 'holding_check');
    expect(checks).toEqual([
      expect.objectContaining({ date: day, officersOnPost: 3, notes: '下午补充', amendments: 1 }),
    ]);
    expect(op.coverage).toMatchObject({ daysChecked: 1, holdingDays: 8 });
    const history = (await t.as('duty').get(`/api/v1/operations/${id}/history`)).body.items;
    expect(
      history
        .filter((h: { event: string }) => h.event === 'LOG_HOLDING_CHECK')
        .map((h: { payload: { notes: string } }) => h.payload.notes),
    ).toEqual(['上午', '下午补充']);
    void v;
  });

  it('a check is of a day within the holding period: not before it, not after it', async () => {
    const { id, version } = await holding();
    const { days } = (await get(id)).coverage;
    t.clock.set(sh('2026-12-22T13:00:00'));
    const before = await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: '2026-12-14',
      officersOnPost: 1,
      reboundObserved: false,
    }).expect(422);
    expect(before.body.error.problems[0]).toMatchObject({ code: 'before_holding', field: 'date' });
    t.clock.set(sh('2026-12-23T09:00:00'));
    const after = await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: '2026-12-23',
      officersOnPost: 1,
      reboundObserved: false,
    }).expect(422);
    expect(after.body.error.problems[0]).toMatchObject({ code: 'after_holding', field: 'date' });
    expect(days[0]).toBe('2026-12-15');
    expect(days.at(-1)).toBe('2026-12-22');
  });

  it('the audit sees coverage; a pass with 3 checks in 8 holding days is refused without a reason and accepted with one', async () => {
    const { id, version } = await holding();
    const { days } = (await get(id)).coverage;
    let v = version;
    for (const date of days.slice(0, 3)) {
      t.clock.set(sh(`${date}T18:00:00`));
      v = await send(t, id, v, 'LOG_HOLDING_CHECK', { date, officersOnPost: 2, reboundObserved: date === days[2] });
    }
    t.clock.set(sh('2026-12-22T14:05:00'));
    v = (
      await t.services.engine.send(t.services.workflows.operation, id, await systemActorOf(t), {
        type: 'HOLDING_ELAPSED',
      })
    ).version;
    const op = await get(id);
    expect(op.coverage).toMatchObject({
      holdingDays: 8,
      daysChecked: 3,
      missedDays: days.slice(3),
      spotChecks: 0,
      rebounds: 1,
    });
    const refused = await post('inspector', id, {
      type: 'AUDIT_PASS',
      expectedVersion: v,
      findings: '现场整洁',
    }).expect(422);
    expect(refused.body.error.problems).toEqual([
      expect.objectContaining({
        code: 'coverage_reason_required',
        field: 'coverageReason',
        rule: 'R12',
        params: { checked: 3, days: 8, min: 80 },
      }),
    ]);
    await post('inspector', id, {
      type: 'AUDIT_PASS',
      expectedVersion: v,
      findings: '现场整洁',
      coverageReason: '督察暗访三次，周边商户证实无回潮',
    }).expect(200);
    expect(await get(id)).toMatchObject({ state: 'closed', coverageReason: '督察暗访三次，周边商户证实无回潮' });
  });

  it('a holding checked every day passes without a reason', async () => {
    const { id, version } = await holding();
    const { days } = (await get(id)).coverage;
    let v = version;
    for (const date of days.slice(1)) {
      t.clock.set(sh(`${date}T10:00:00`));
      v = await send(t, id, v, 'LOG_HOLDING_CHECK', { date, officersOnPost: 2, reboundObserved: false });
    }
    t.clock.set(sh('2026-12-22T14:05:00'));
    v = (
      await t.services.engine.send(t.services.workflows.operation, id, await systemActorOf(t), {
        type: 'HOLDING_ELAPSED',
      })
    ).version;
    await post('inspector', id, { type: 'AUDIT_PASS', expectedVersion: v, findings: '固守到位' }).expect(200);
    expect((await get(id)).coverage).toMatchObject({ daysChecked: 7, holdingDays: 8 });
  });
});

describe('accounts that agree (R13)', () => {
  it('the results say the goods the ledger holds for each squad: a different number is refused, none is taken from the ledger; 账物相符 only when all agree', async () => {
    t.clock.set(sh('2026-12-16T09:00:00'));
    const { id, version } = await operationIn(t, 'in_progress');
    await t.as('waitan.leader').post('/api/v1/goods', goodsBody(id)).expect(201);
    const results = (goods: Array<number | undefined>) =>
      ['waitan', 'nanjingdonglu', 'bund-scenic'].map((squad, i) => ({
        squad,
        officers: 3,
        vehicles: 1,
        educated: 4,
        handled: 1,
        ...(goods[i] === undefined ? {} : { goodsDetained: goods[i] }),
      }));
    t.clock.advance(5 * HOUR);
    const refused = await post('waitan.leader', id, {
      type: 'COMPLETE',
      expectedVersion: version,
      results: results([0, 2, undefined]),
    }).expect(422);
    expect(Object.keys(refused.body.error.fields).sort()).toEqual([
      'results.0.goodsDetained',
      'results.1.goodsDetained',
    ]);
    expect(refused.body.error.fields['results.0.goodsDetained']).toBe('暂扣物品数与台账不符：台账登记 2 件，填报 0 件');
    await post('waitan.leader', id, {
      type: 'COMPLETE',
      expectedVersion: version,
      results: results([2, undefined, 0]),
    }).expect(200);
    const op = await get(id);
    expect(op.results.map((r: { goodsDetained: number }) => r.goodsDetained)).toEqual([2, 0, 0]);
    const ledger = (await t.as('waitan.leader').get(`/api/v1/operations/${id}/goods`).expect(200)).body;
    expect(ledger).toMatchObject({
      balanced: true,
      unitsBalance: true,
      resultsAgree: true,
      squads: [
        { squad: 'waitan', registered: 2, reported: 2 },
        { squad: 'nanjingdonglu', registered: 0, reported: 0 },
        { squad: 'bund-scenic', registered: 0, reported: 0 },
      ],
    });
    // Registered after the results (in holding): the squad's results follow the ledger.
    await t
      .as('waitan.leader')
      .post(
        '/api/v1/goods',
        goodsBody(id, { items: [{ description: '遮阳伞', quantity: 1, unit: '把', storagePlace: '仓库' }] }),
      )
      .expect(201);
    expect((await get(id)).results[0].goodsDetained).toBe(3);
    const after = (await t.as('waitan.leader').get(`/api/v1/operations/${id}/goods`)).body;
    expect(after).toMatchObject({ balanced: true });
    expect(after.squads[0]).toEqual({ squad: 'waitan', registered: 3, reported: 3 });
  });

  it('results that disagree with the ledger (recorded before the rule) are not shown as balanced', async () => {
    t.clock.set(sh('2026-12-17T09:00:00'));
    const { id } = await operationIn(t, 'holding');
    // A result line written before results followed the ledger.
    await t.services.db.transaction((m) =>
      m.query(
        'UPDATE operation_squads SET goods_detained = 2 WHERE operation_id = ? AND squad_id = (SELECT id FROM squads WHERE code = ?)',
        [id, 'waitan'],
      ),
    );
    const ledger = (await t.as('waitan.leader').get(`/api/v1/operations/${id}/goods`).expect(200)).body;
    expect(ledger).toMatchObject({ balanced: false, unitsBalance: true, resultsAgree: false });
    const page = (await (await signedIn(t, 'waitan.leader')).get(`/goods/ledger/${id}`)).text;
    expect(page).toContain('data-testid="ledger-results-disagree"');
    expect(page).not.toContain('data-testid="ledger-balanced"');
  });

  it('a detention list gets the brigade’s number of the year', async () => {
    const { id } = await operationIn(t, 'in_progress');
    const one = (await t.as('waitan.leader').post('/api/v1/goods', goodsBody(id)).expect(201)).body;
    const two = (
      await t
        .as('waitan.leader')
        .post('/api/v1/goods', goodsBody(id, { party: { name: '李某', stall: '流动摊' } }))
        .expect(201)
    ).body;
    const n1 = one.items[0].party.number;
    const n2 = two.items[0].party.number;
    expect(n2).toEqual({ year: n1.year, seq: n1.seq + 1 });
  });
});

describe('a rebound seen while holding reopens the hard problem in the same step (R12, §3.4)', () => {
  it('a holding check that saw the problem back reports its rebound: the check and the reopening both happen, or neither', async () => {
    t.clock.set(sh('2026-12-18T09:00:00'));
    const problem = await reportProblem(t, { location: '九江路·江西中路口' });
    let pv = await sendProblem(t, problem.id, problem.version, 'ACCEPT');
    const { id, version } = await operationIn(t, 'holding', { problems: [problem.id] });
    pv = await sendProblem(t, problem.id, pv, 'RESOLVE', { note: '整治后清零', operation: id });
    const today = (await get(id)).coverage.days[0];
    // Without notes, or without a rebound seen: refused, nothing written.
    const bare = await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: today,
      officersOnPost: 2,
      reboundObserved: true,
      reboundProblem: problem.id,
    }).expect(422);
    expect(bare.body.error.fields).toHaveProperty('notes');
    const unseen = await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: today,
      officersOnPost: 2,
      reboundObserved: false,
      notes: '无',
      reboundProblem: problem.id,
    }).expect(422);
    expect(unseen.body.error.fields).toHaveProperty('reboundProblem');
    const other = await reportProblem(t, { location: '福州路·山东中路口' });
    const foreign = await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: today,
      officersOnPost: 2,
      reboundObserved: true,
      notes: '回潮',
      reboundProblem: other.id,
    }).expect(400);
    expect(foreign.body.error.fields.reboundProblem).toBe('不是本行动针对或化解的难点顽症');
    expect((await get(id)).version).toBe(version);
    expect((await t.as('duty').get(`/api/v1/problems/${problem.id}`)).body.state).toBe('resolved');

    await post('waitan.officer', id, {
      type: 'LOG_HOLDING_CHECK',
      expectedVersion: version,
      date: today,
      officersOnPost: 2,
      reboundObserved: true,
      notes: '傍晚三个摊位回潮',
      reboundProblem: problem.id,
    }).expect(200);
    const reopened = (await t.as('duty').get(`/api/v1/problems/${problem.id}`)).body;
    expect(reopened).toMatchObject({ state: 'open', repeatCount: 1, resolvedAt: null });
    const history = (await t.as('duty').get(`/api/v1/problems/${problem.id}/history`)).body.items;
    expect(history.at(-1)).toMatchObject({
      event: 'REBOUND',
      payload: { origin: 'holding', note: '傍晚三个摊位回潮' },
    });
    expect((await get(id)).holdingRecords.at(-1)).toMatchObject({ kind: 'holding_check', reboundObserved: true });
    void pv;
  });
});
