import { materials, proposeTransfer, registerCase } from '../support/transfers';
import { startTestApp, type TestApp } from '../support/test-app';
import { sh } from '../support/plans-meetings';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
});
afterAll(async () => {
  await t.close();
});

const get = (as: string, path: string) => t.as(as).get(path);
const send = (as: string, id: number, body: Record<string, unknown>) =>
  t.as(as).post(`/api/v1/transfers/${id}/events`, body);
const count = async (table: string) =>
  Number((await t.services.db.dataSource.query(`SELECT COUNT(1) AS n FROM ${table}`))[0].n);

describe('cases (R10’s light register)', () => {
  it('a squad leader registers a case for their squad; the number is the brigade’s own', async () => {
    const res = await t.as('waitan.leader').post('/api/v1/cases', {
      reference: '黄浦城管〔2026〕第001号',
      partyKind: 'person',
      partyName: '张某',
      violation: '乱设摊',
      location: '中山东一路',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      handlingSquad: 'waitan',
      registeringSquad: 'waitan',
      openedOn: '2026-11-02',
      transferState: null,
      mayProposeTransfer: true,
    });
    const again = await t.as('yuyuan.leader').post('/api/v1/cases', {
      reference: '黄浦城管〔2026〕第001号',
      partyKind: 'person',
      partyName: '李某',
      violation: 'x',
      location: 'y',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('reference_taken');
    expect(Object.keys(again.body.error.fields)).toEqual(['reference']);
  });

  it('an officer does not register cases, and bad fields are each named', async () => {
    expect(
      (
        await t.as('waitan.officer').post('/api/v1/cases', {
          reference: 'x1',
          partyKind: 'person',
          partyName: '张某',
          violation: 'v',
          location: 'l',
        })
      ).status,
    ).toBe(403);
    const bad = await t.as('waitan.leader').post('/api/v1/cases', {
      reference: '',
      partyKind: 'car',
      violation: 'v',
      location: 'l',
      openedOn: '2026-13-01',
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['openedOn', 'partyKind', 'partyName', 'reference']);
  });

  it('a case from an operation needs the squad to have taken part in it', async () => {
    const { operationIn } = await import('../support/factories');
    const op = await operationIn(t, 'in_progress');
    expect(
      (
        await t.as('waitan.leader').post('/api/v1/cases', {
          reference: 'op-1',
          partyKind: 'stall',
          partyName: '摊主',
          violation: 'v',
          location: 'l',
          operation: op.id,
        })
      ).status,
    ).toBe(201);
    const other = await t.as('yuyuan.leader').post('/api/v1/cases', {
      reference: 'op-2',
      partyKind: 'stall',
      partyName: '摊主',
      violation: 'v',
      location: 'l',
      operation: op.id,
    });
    expect(other.status).toBe(422);
    expect(other.body.error.problems).toEqual([
      expect.objectContaining({ code: 'not_participant', field: 'operation' }),
    ]);
    expect(
      (await get('duty', `/api/v1/cases?operation=${op.id}`).expect(200)).body.items.map(
        (c: { reference: string }) => c.reference,
      ),
    ).toEqual(['op-1']);
  });
});

describe('case transfers (R10) through the API', () => {
  it('a package missing the inquiry record cannot be proposed: 422 naming the missing item, nothing written', async () => {
    const caseId = await registerCase(t);
    const before = await count('case_transfers');
    const res = await t.as('waitan.leader').post('/api/v1/transfers', {
      case: caseId,
      toSquad: 'nanjingdonglu',
      materials: materials(['inquiry_record']),
      note: '对方辖区',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('rule_violation');
    expect(Object.keys(res.body.error.fields)).toEqual(['materials.inquiry_record']);
    expect(res.body.error.problems).toEqual([
      expect.objectContaining({ code: 'material_missing', field: 'materials.inquiry_record', rule: 'R10' }),
    ]);
    // Named by its name in the caller's language, never by its code.
    expect(res.body.error.message).toMatch(/询问笔录/);
    expect(res.body.error.message).not.toMatch(/inquiry_record/);
    expect(await count('case_transfers')).toBe(before);
    expect((await get('waitan.leader', `/api/v1/cases/${caseId}`)).body.openTransfer).toBeNull();
  });

  it('only a leader of the squad handling the case proposes; one transfer at a time', async () => {
    const caseId = await registerCase(t);
    const body = { case: caseId, toSquad: 'nanjingdonglu', materials: materials(), note: '对方辖区' };
    expect((await t.as('nanjingdonglu.leader').post('/api/v1/transfers', body)).body.error).toMatchObject({
      code: 'forbidden',
    });
    expect((await t.as('waitan.officer').post('/api/v1/transfers', body)).status).toBe(403);
    const first = await t.as('waitan.leader').post('/api/v1/transfers', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      state: 'proposed',
      version: 1,
      fromSquad: 'waitan',
      toSquad: 'nanjingdonglu',
      allowedEvents: ['WITHDRAW'],
    });
    expect(first.body.timeLimit).toMatchObject({ kind: 'transfer_answer', light: 'green' });
    const second = await t.as('waitan.leader').post('/api/v1/transfers', { ...body, toSquad: 'yuyuan' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('transfer_open');
    expect((await get('nanjingdonglu.leader', `/api/v1/transfers/${first.body.id}`)).body.allowedEvents.sort()).toEqual(
      ['ACCEPT', 'DISPUTE'],
    );
    expect((await get('legal', `/api/v1/transfers/${first.body.id}`)).body.allowedEvents).toEqual([]);
  });

  it('the sending squad cannot accept its own transfer; the receiving squad’s leader accepts and the case moves', async () => {
    const caseId = await registerCase(t);
    const id = await proposeTransfer(t, caseId);
    const own = await send('waitan.leader', id, { type: 'ACCEPT', expectedVersion: 1 });
    expect(own.status).toBe(403);
    expect(own.body.error.reason).toBe('own_transfer');
    const ok = await send('nanjingdonglu.leader', id, { type: 'ACCEPT', expectedVersion: 1 });
    expect(ok.body).toEqual({ id, event: 'ACCEPT', state: 'transferred', version: 2 });
    const c = (await get('waitan.leader', `/api/v1/cases/${caseId}`)).body;
    expect(c).toMatchObject({
      handlingSquad: 'nanjingdonglu',
      registeringSquad: 'waitan',
      openTransfer: null,
      transferState: 'transferred',
      mayProposeTransfer: false,
    });
    expect(c.transfers).toHaveLength(1);
  });

  it('withdrawal after acceptance is refused (409: the state takes no withdrawal)', async () => {
    const id = await proposeTransfer(t, await registerCase(t));
    await send('nanjingdonglu.leader', id, { type: 'ACCEPT', expectedVersion: 1 }).expect(200);
    const res = await send('waitan.leader', id, { type: 'WITHDRAW', expectedVersion: 2, reason: '改变主意' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('event_not_accepted');
  });

  it('the sender withdraws before acceptance, with a reason; the case stays and can be proposed again', async () => {
    const caseId = await registerCase(t);
    const id = await proposeTransfer(t, caseId);
    const noReason = await send('waitan.leader', id, { type: 'WITHDRAW', expectedVersion: 1 });
    expect(noReason.status).toBe(400);
    expect(Object.keys(noReason.body.error.fields)).toEqual(['reason']);
    await send('waitan.leader', id, { type: 'WITHDRAW', expectedVersion: 1, reason: '材料需补正' }).expect(200);
    expect((await get('waitan.leader', `/api/v1/cases/${caseId}`)).body).toMatchObject({
      handlingSquad: 'waitan',
      openTransfer: null,
      mayProposeTransfer: true,
    });
    await proposeTransfer(t, caseId, 'yuyuan');
  });

  it('dispute, then only the legal section designates — a third squad, in the same transaction as the case moving', async () => {
    const caseId = await registerCase(t);
    const id = await proposeTransfer(t, caseId);
    expect((await send('nanjingdonglu.leader', id, { type: 'DISPUTE', expectedVersion: 1, reason: '' })).status).toBe(
      400,
    );
    await send('nanjingdonglu.leader', id, { type: 'DISPUTE', expectedVersion: 1, reason: '发生地在豫园辖区' }).expect(
      200,
    );
    const disputed = (await get('legal', `/api/v1/transfers/${id}`)).body;
    expect(disputed).toMatchObject({
      state: 'disputed',
      version: 2,
      allowedEvents: ['DESIGNATE'],
      disputeReason: '发生地在豫园辖区',
      timeLimit: { kind: 'transfer_designation', light: 'green' },
    });
    const byCommander = await send('commander', id, {
      type: 'DESIGNATE',
      expectedVersion: 2,
      squad: 'yuyuan',
      reason: '依据属地管辖',
    });
    expect(byCommander.status).toBe(403);
    const stale = await send('legal', id, {
      type: 'DESIGNATE',
      expectedVersion: 1,
      squad: 'yuyuan',
      reason: '依据属地管辖',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_version');
    const unknown = await send('legal', id, {
      type: 'DESIGNATE',
      expectedVersion: 2,
      squad: 'nowhere',
      reason: '依据属地管辖',
    });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fields)).toEqual(['squad']);
    await send('legal', id, { type: 'DESIGNATE', expectedVersion: 2, squad: 'yuyuan', reason: '依据属地管辖' }).expect(
      200,
    );
    const done = (await get('waitan.leader', `/api/v1/transfers/${id}`)).body;
    expect(done).toMatchObject({
      state: 'designated',
      designatedSquad: 'yuyuan',
      designationReason: '依据属地管辖',
      timeLimit: null,
      case: { handlingSquad: 'yuyuan' },
    });
    const history = (await get('legal', `/api/v1/transfers/${id}/history`)).body.items;
    expect(history.map((h: { event: string; to: string; role: string }) => `${h.event}→${h.to} (${h.role})`)).toEqual([
      'CREATE→proposed (squad_leader)',
      'DISPUTE→disputed (squad_leader)',
      'DESIGNATE→designated (legal)',
    ]);
  });

  it('lists filter by state, squad and light, with cursor pagination', async () => {
    const all = (await get('duty', '/api/v1/transfers?limit=2')).body;
    expect(all.items).toHaveLength(2);
    expect(all.nextCursor).toEqual(expect.any(String));
    const next = (await get('duty', `/api/v1/transfers?limit=2&cursor=${all.nextCursor}`)).body;
    expect(next.items[0].id).toBeLessThan(all.items[1].id);
    const designated = (await get('duty', '/api/v1/transfers?state=designated')).body.items;
    expect(designated.every((x: { state: string }) => x.state === 'designated')).toBe(true);
    expect((await get('duty', '/api/v1/transfers?squad=yuyuan')).body.items.length).toBeGreaterThanOrEqual(2);
    const green = (await get('duty', '/api/v1/transfers?light=green')).body.items;
    expect(green.length).toBeGreaterThan(0);
    expect(green.every((x: { light: string }) => x.light === 'green')).toBe(true);
    expect((await get('duty', '/api/v1/transfers?light=blue')).status).toBe(400);
    expect((await get('duty', '/api/v1/transfers?cursor=nonsense')).status).toBe(400);
  });

  it('tells the receiving squad of a proposal, the legal section of a dispute, both sides of a designation', async () => {
    await t.services.outbox.drain();
    const unread = async (who: string) =>
      (await get(who, '/api/v1/notifications?unread=1')).body.items.map((n: { topic: string }) => n.topic);
    const id = await proposeTransfer(t, await registerCase(t, 'xintiandi.leader'), 'huaihailu', 'xintiandi.leader');
    await t.services.outbox.drain();
    expect(await unread('huaihailu.leader')).toContain('case_transfer.proposed');
    await send('huaihailu.leader', id, { type: 'DISPUTE', expectedVersion: 1, reason: '不属本队' }).expect(200);
    await t.services.outbox.drain();
    expect(await unread('legal')).toContain('case_transfer.disputed');
    await send('legal', id, {
      type: 'DESIGNATE',
      expectedVersion: 2,
      squad: 'huaihailu',
      reason: '发生地在淮海路',
    }).expect(200);
    await t.services.outbox.drain();
    expect(await unread('xintiandi.leader')).toContain('case_transfer.designated');
    expect(await unread('huaihailu.leader')).toContain('case_transfer.designated');
  });
});

describe('case transfers: two at once', () => {
  it('two proposals of one case sent together: one is taken, the other refused (409 transfer_open), one transfer under way', async () => {
    const caseId = await registerCase(t);
    const body = (toSquad: string) => ({ case: caseId, toSquad, materials: materials(), note: '对方辖区' });
    const answers = await Promise.all([
      t.as('waitan.leader').post('/api/v1/transfers', body('nanjingdonglu')),
      t.as('waitan.leader').post('/api/v1/transfers', body('yuyuan')),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.code).toBe('transfer_open');
    const c = (await get('duty', `/api/v1/cases/${caseId}`)).body;
    expect(c.transfers).toHaveLength(1);
    expect(c.openTransfer).toBe(answers.find((r) => r.status === 201)!.body.id);
  });
});

describe('case transfers: time limits (§3.5) with a moved clock', () => {
  it('a proposal goes amber at 80 % of the answer limit and red past it; the time-limits job flags it for the receiving squad', async () => {
    t.clock.set(sh('2026-11-20T09:00:00'));
    const id = await proposeTransfer(t, await registerCase(t, 'laoximen.leader'), 'xiaodongmen', 'laoximen.leader');
    const light = async () => (await get('duty', `/api/v1/transfers/${id}`)).body.timeLimit.light;
    expect(await light()).toBe('green');
    t.clock.set(sh('2026-11-22T20:00:00')); // 59 h of 72
    expect(await light()).toBe('amber');
    expect((await get('duty', '/api/v1/transfers?light=amber')).body.items.map((x: { id: number }) => x.id)).toContain(
      id,
    );
    t.clock.set(sh('2026-11-23T10:00:00'));
    expect(await light()).toBe('red');
    const red = (await get('duty', '/api/v1/transfers?light=red')).body.items;
    expect(red.map((x: { id: number }) => x.id)).toContain(id);
    expect(red.every((x: { light: string }) => x.light === 'red')).toBe(true);
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const flags = (await get('duty', '/api/v1/flags?kind=time_limit')).body.items.filter(
      (f: { record: { type: string; id: number } | null }) => f.record?.type === 'case_transfer' && f.record.id === id,
    );
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ record: { id }, squad: 'xiaodongmen', status: 'open' });
    // Answered late: the limit closes as late, and the flag closes by data on the next run.
    await send('xiaodongmen.leader', id, { type: 'DISPUTE', expectedVersion: 1, reason: '不属本队' }).expect(200);
    expect(await light()).toBe('green');
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const after = (await get('duty', '/api/v1/flags?kind=time_limit')).body.items.filter(
      (f: { record: { type: string; id: number } | null }) => f.record?.type === 'case_transfer' && f.record.id === id,
    );
    expect(after.every((f: { status: string }) => f.status !== 'open')).toBe(true);
  });

  it('a dispute waits at most the designation limit for the legal section; late, it is flagged without a squad (the legal section’s)', async () => {
    t.clock.set(sh('2026-12-01T09:00:00'));
    const id = await proposeTransfer(t, await registerCase(t, 'dapuqiao.leader'), 'wuliqiao', 'dapuqiao.leader');
    await send('wuliqiao.leader', id, { type: 'DISPUTE', expectedVersion: 1, reason: '不属本队' }).expect(200);
    const limit = (await get('legal', `/api/v1/transfers/${id}`)).body.timeLimit;
    expect(limit.kind).toBe('transfer_designation');
    expect(Date.parse(limit.dueAt) - Date.parse(limit.startsAt)).toBe(5 * 86_400_000);
    t.clock.set(sh('2026-12-06T10:00:00'));
    expect((await get('legal', `/api/v1/transfers/${id}`)).body.timeLimit.light).toBe('red');
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const flag = (await get('duty', '/api/v1/flags?kind=time_limit')).body.items.find(
      (f: { record: { type: string; id: number } | null }) => f.record?.type === 'case_transfer' && f.record.id === id,
    );
    expect(flag).toMatchObject({ squad: null, status: 'open' });
  });
});
