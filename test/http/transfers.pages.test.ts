import { operationIn } from '../support/factories';
import { sh } from '../support/plans-meetings';
import { startTestApp, type TestApp } from '../support/test-app';
import { materials, proposeTransfer, registerCase } from '../support/transfers';
import { fieldValue, signIn } from '../support/web';

let t: TestApp;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
  // Cases come from an operation that was carried out (§3.1).
  ids.operation = (await operationIn(t, 'in_progress')).id;
  ids.case = await registerCase(t, 'waitan.leader', { operation: ids.operation });
  ids.proposed = await proposeTransfer(t, ids.case);
  ids.other = await registerCase(t);
  ids.disputedCase = await registerCase(t);
  ids.disputed = await proposeTransfer(t, ids.disputedCase);
  await t
    .as('nanjingdonglu.leader')
    .post(`/api/v1/transfers/${ids.disputed}/events`, { type: 'DISPUTE', expectedVersion: 1, reason: '不属本队辖区' })
    .expect(200);
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
  expect(html).not.toMatch(/\b(transfer|case|material|field|reason|problem|limit|light|inbox)\.[a-z_A-Z]+\b(?![^<]*>)/);
}

describe('the case and transfer pages render for every role, in both languages', () => {
  it.each([
    [
      'waitan.leader',
      [
        '/cases',
        '/cases/new',
        'case',
        '/transfers',
        '/transfers?state=proposed&light=green',
        'proposed',
        'disputed',
        'propose',
        'operation',
        '/',
      ],
    ],
    ['nanjingdonglu.leader', ['/transfers', 'proposed', 'disputed', 'case', '/']],
    ['legal', ['/transfers', '/transfers?state=disputed', 'disputed', 'case', '/']],
    ['duty', ['/cases', '/transfers', 'proposed', 'operation']],
    ['waitan.officer', ['/cases', '/transfers', 'proposed']],
  ])('%s', async (user, pages) => {
    const web = await signIn(t, user);
    const path = (p: string) =>
      p.startsWith('/')
        ? p
        : p === 'case'
          ? `/cases/${ids.case}`
          : p === 'propose'
            ? `/transfers/new?case=${ids.other}`
            : p === 'operation'
              ? `/operations/${ids.operation}`
              : `/transfers/${ids[p]}`;
    for (const lang of ['zh-CN', 'en']) {
      await web.get(`/lang/${lang}?next=/`).expect(303);
      for (const p of pages) {
        const res = await web.get(path(p));
        expect({ path: path(p), status: res.status }).toEqual({ path: path(p), status: 200 });
        expectWhole(res.text);
      }
    }
  });

  it('the operation’s page lists its cases with each one’s transfer state', async () => {
    const web = await signIn(t, 'duty');
    const html = (await web.get(`/operations/${ids.operation}`).expect(200)).text;
    expect(html).toContain('data-testid="operation-cases"');
    expect(html).toMatch(new RegExp(`data-case="${ids.case}"[\\s\\S]*?待接收`));
  });

  it('the inbox shows the receiving squad its transfer to answer, and the legal section its dispute', async () => {
    const leader = (await (await signIn(t, 'nanjingdonglu.leader')).get('/').expect(200)).text;
    expect(leader).toContain(`data-transfer="${ids.proposed}"`);
    expect(leader).not.toContain(`data-transfer="${ids.disputed}"`);
    const legal = (await (await signIn(t, 'legal')).get('/').expect(200)).text;
    expect(legal).toContain(`data-transfer="${ids.disputed}"`);
    expect(legal).toMatch(/data-testid="inbox-count">\s*1\s*</);
  });

  it('the propose form is offered only to a leader of the handling squad, and not while a transfer is under way', async () => {
    expect((await (await signIn(t, 'nanjingdonglu.leader')).get(`/transfers/new?case=${ids.other}`)).status).toBe(403);
    expect((await (await signIn(t, 'waitan.officer')).get(`/transfers/new?case=${ids.other}`)).status).toBe(403);
    const open = await (await signIn(t, 'waitan.leader')).get(`/transfers/new?case=${ids.case}`);
    expect(open.status).toBe(409);
    expect(open.text).toContain('该案件已有进行中的移送');
  });

  it('buttons follow allowedEvents: the receiver answers, the sender withdraws, the legal section designates', async () => {
    const forms = (html: string) => [...html.matchAll(/<form[^>]*data-event="([A-Z_]+)"/g)].map((m) => m[1]).sort();
    expect(forms((await (await signIn(t, 'nanjingdonglu.leader')).get(`/transfers/${ids.proposed}`)).text)).toEqual([
      'ACCEPT',
      'DISPUTE',
    ]);
    expect(forms((await (await signIn(t, 'waitan.leader')).get(`/transfers/${ids.proposed}`)).text)).toEqual([
      'WITHDRAW',
    ]);
    expect(forms((await (await signIn(t, 'legal')).get(`/transfers/${ids.disputed}`)).text)).toEqual(['DESIGNATE']);
    expect(forms((await (await signIn(t, 'commander')).get(`/transfers/${ids.disputed}`)).text)).toEqual([]);
  });
});

describe('forms keep the user’s input on error and name the bad fields', () => {
  it('a package missing the inquiry record is refused, the rows as typed, the missing row named', async () => {
    const web = await signIn(t, 'waitan.leader');
    const from = `/transfers/new?case=${ids.other}`;
    const rows = Object.fromEntries(
      materials(['inquiry_record']).map((m) => [m.code, { count: String(m.count), description: m.description }]),
    );
    const res = await web.post(
      '/transfers',
      { case: String(ids.other), toSquad: 'nanjingdonglu', note: '发生地在对方辖区', materials: rows },
      from,
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-error-for="materials.inquiry_record"');
    expect(res.text).toMatch(/询问笔录/);
    expect(fieldValue(res.text, 'materials[photos_video][count]')).toBe('2');
    expect(fieldValue(res.text, 'materials[inspection_record][description]')).toBe('inspection_record 两份');
    expect(fieldValue(res.text, 'note')).toBe('发生地在对方辖区');
    expect(res.text).toMatch(/<option value="nanjingdonglu" selected>/);
    expect((await t.as('waitan.leader').get(`/api/v1/cases/${ids.other}`)).body.openTransfer).toBeNull();
  });

  it('a count that is not a number is named on its row', async () => {
    const web = await signIn(t, 'waitan.leader');
    const rows = Object.fromEntries(
      materials().map((m) => [m.code, { count: m.code === 'photos_video' ? '三' : '1', description: '' }]),
    );
    const res = await web.post(
      '/transfers',
      { case: String(ids.other), toSquad: 'yuyuan', note: 'x', materials: rows },
      `/transfers/new?case=${ids.other}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-error-for="materials.photos_video"');
    expect(fieldValue(res.text, 'materials[photos_video][count]')).toBe('三');
  });

  it('a complete package is proposed and the page shows it', async () => {
    const web = await signIn(t, 'waitan.leader');
    const rows = Object.fromEntries(materials().map((m) => [m.code, { count: '1', description: '' }]));
    const res = await web.post(
      '/transfers',
      {
        case: String(ids.other),
        toSquad: 'yuyuan',
        note: '发生地在豫园辖区',
        materials: { ...rows, other: { count: '', description: '' } },
      },
      `/transfers/new?case=${ids.other}`,
    );
    expect(res.status).toBe(303);
    const page = await web.get(res.headers.location).expect(200);
    expect(page.text).toContain('待接收');
    expect(page.text).toContain('data-material="inquiry_record"');
    expect(page.text).not.toContain('data-material="other"');
  });

  it('a dispute without a reason re-renders the open form with the field named', async () => {
    const web = await signIn(t, 'nanjingdonglu.leader');
    const res = await web.post(
      `/transfers/${ids.proposed}/events/DISPUTE`,
      { expectedVersion: '1', reason: '  ' },
      `/transfers/${ids.proposed}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<details class="event-form tone-danger" id="event-DISPUTE" open>/);
    expect(res.text).toContain('data-error-for="reason"');
  });

  it('a designation naming no squad keeps the reason typed', async () => {
    const web = await signIn(t, 'legal');
    const res = await web.post(
      `/transfers/${ids.disputed}/events/DESIGNATE`,
      { expectedVersion: '2', squad: '', reason: '依据属地管辖原则' },
      `/transfers/${ids.disputed}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-error-for="squad"');
    expect(fieldValue(res.text, 'reason')).toBe('依据属地管辖原则');
  });

  it('the sending squad’s leader trying to accept (a forged post) is told why, 403', async () => {
    const web = await signIn(t, 'waitan.leader');
    const res = await web.post(
      `/transfers/${ids.proposed}/events/ACCEPT`,
      { expectedVersion: '1' },
      `/transfers/${ids.proposed}`,
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('移送方不能接收自己移送的案件');
  });

  it('a case form with bad fields keeps what was typed', async () => {
    const web = await signIn(t, 'waitan.leader');
    const res = await web.post(
      '/cases',
      {
        reference: '',
        partyKind: 'stall',
        partyName: '摊主李某',
        violation: '跨门营业',
        location: '福州路',
        openedOn: '2026-02-30x',
      },
      '/cases/new',
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-error-for="reference"');
    expect(res.text).toContain('data-error-for="openedOn"');
    expect(fieldValue(res.text, 'partyName')).toBe('摊主李某');
    expect(fieldValue(res.text, 'violation')).toBe('跨门营业');
    const ok = await web.post(
      '/cases',
      {
        reference: '黄浦〔2026〕网页001',
        partyKind: 'person',
        partyName: '张某',
        violation: '跨门营业',
        location: '福州路',
        operation: String(ids.operation),
      },
      '/cases/new',
    );
    expect(ok.status).toBe(303);
  });
});

describe('a late transfer on the flags pages', () => {
  it('is flagged by the time-limits job, named by its case number, and leads to the transfer', async () => {
    // Proposed on 11-03 (after the operation's day), answered within 3 days: late on 11-07.
    t.clock.set(sh('2026-11-07T09:00:00'));
    await t.services.jobs.run('time-limits', { via: 'cli' });
    const flags = (await t.as('duty').get('/api/v1/flags?kind=time_limit')).body.items.filter(
      (f: { record: { type: string; id: number } | null }) =>
        f.record?.type === 'case_transfer' && f.record.id === ids.proposed,
    );
    expect(flags).toHaveLength(1);
    const web = await signIn(t, 'duty');
    const page = await web.get(`/flags/${flags[0].id}`).expect(200);
    expect(page.text).toContain(`href="/transfers/${ids.proposed}"`);
    expect(page.text).toContain('接收方答复超过时限');
    expectWhole(page.text);
  });
});
