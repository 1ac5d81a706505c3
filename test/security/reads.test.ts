import { startTestApp, type TestApp } from '../support/test-app';
import { operationIn } from '../support/factories';
import { sendGoods } from '../support/goods';
import { hotlineFeed, problemBody, reportProblem, sendProblem } from '../support/problems';
import { signedIn } from '../support/web';

/**
 * Issue 11, finding 10 — reads no wider than needed:
 * - the 12319 hotline feed reads the problems it reported, nothing else;
 * - a complainant's name and the hotline reference in full only to the
 *   managers, the leaders of the problem's border squads and whoever took the report;
 * - a party's ID number and phone in full only to the custodian squad's
 *   leaders, the managers and the legal section — everywhere they leave;
 * - the figures and the annual assessment to managers, squad leaders and inspectors.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const COMPLAINANT = '张女士 13911112222';
const HOTLINE_REF = '12319-20261101-0042';
const ID_NUMBER = '310101199001011234';
const PHONE = '13800000000';

describe('the hotline feed reads what it reported', () => {
  it('lists, reads and reads the history of its own problems only', async () => {
    const feed = await hotlineFeed(t);
    const own = (
      await feed
        .post(
          '/api/v1/problems',
          problemBody({
            source: 'hotline_12319',
            location: '热线只读·一',
            hotlineRef: '12319-own-1',
            complainant: '陈先生',
          }),
        )
        .expect(201)
    ).body;
    const other = await reportProblem(
      t,
      { source: 'hotline_12319', location: '热线只读·二', hotlineRef: HOTLINE_REF, complainant: COMPLAINANT },
      'duty',
    );
    const officers = await reportProblem(t, { location: '热线只读·三' });

    const listed = (await feed.get('/api/v1/problems?limit=200').expect(200)).body.items.map(
      (p: { id: number }) => p.id,
    );
    expect(listed).toContain(own.id);
    expect(listed).not.toContain(other.id);
    expect(listed).not.toContain(officers.id);
    for (const id of [other.id, officers.id]) {
      await feed.get(`/api/v1/problems/${id}`).expect(404);
      await feed.get(`/api/v1/problems/${id}/history`).expect(404);
    }
    const mine = (await feed.get(`/api/v1/problems/${own.id}`).expect(200)).body;
    expect(mine).toMatchObject({ hotlineRef: '12319-own-1', complainant: '陈先生' });
    await feed.get(`/api/v1/problems/${own.id}/history`).expect(200);
  });

  it('still tells of a rebound on a resolved problem it finds among the likely duplicates, without seeing its caller', async () => {
    const feed = await hotlineFeed(t);
    const location = '热线回潮·浙江中路口';
    const { id } = await reportProblem(
      t,
      { source: 'hotline_12319', location, hotlineRef: HOTLINE_REF, complainant: COMPLAINANT },
      'duty',
    );
    let v = await sendProblem(t, id, 1, 'ACCEPT', {}, 'waitan.leader');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '已清' }, 'waitan.leader');
    const dup = (
      await feed
        .get(`/api/v1/problems/duplicates?category=street_vending&location=${encodeURIComponent(location)}`)
        .expect(200)
    ).body.items;
    const found = dup.find((d: { id: number }) => d.id === id);
    expect(found).toMatchObject({ suggestion: 'REBOUND', version: v });
    expect(JSON.stringify(dup)).not.toContain('张女士');
    await feed
      .post(`/api/v1/problems/${id}/events`, {
        type: 'REBOUND',
        expectedVersion: found.version,
        origin: 'complaint',
        note: '市民再次来电',
      })
      .expect(200);
    // Having told of it, the feed reads it — its caller masked, for that caller is not the feed's.
    const seen = (await feed.get(`/api/v1/problems/${id}`).expect(200)).body;
    expect(seen.state).toBe('open');
    expect(seen.complainant).toBe('张**');
    expect(seen.hotlineRef).toBe('12319-*********0042');
  });
});

describe('a complainant’s details', () => {
  let id: number;
  beforeAll(async () => {
    id = (
      await reportProblem(
        t,
        { source: 'hotline_12319', location: '投诉人信息·九江路', hotlineRef: HOTLINE_REF, complainant: COMPLAINANT },
        'duty',
      )
    ).id;
  });

  it('are read in full by the managers, the leaders of the squads at the border and who took the report', async () => {
    for (const user of ['duty', 'duty2', 'commander', 'waitan.leader', 'nanjingdonglu.leader']) {
      const body = (await t.as(user).get(`/api/v1/problems/${id}`).expect(200)).body;
      expect([user, body.complainant, body.hotlineRef]).toEqual([user, COMPLAINANT, HOTLINE_REF]);
    }
  });

  it('are masked for everyone else: officers, leaders away from the border, inspectors, legal, administrators', async () => {
    for (const user of ['waitan.officer', 'yuyuan.leader', 'inspector', 'legal', 'admin']) {
      const body = (await t.as(user).get(`/api/v1/problems/${id}`).expect(200)).body;
      expect([user, body.complainant, body.hotlineRef]).toEqual([user, '张**', '12319-*********0042']);
      const history = JSON.stringify((await t.as(user).get(`/api/v1/problems/${id}/history`).expect(200)).body);
      expect([user, history.includes('13911112222'), history.includes('张女士'), history.includes('20261101')]).toEqual(
        [user, false, false, false],
      );
    }
  });

  it('leave through no notification', async () => {
    await t.services.outbox.drain();
    for (const user of ['waitan.leader', 'waitan.officer', 'duty2', 'nanjingdonglu.leader']) {
      const told = JSON.stringify((await t.as(user).get('/api/v1/notifications').expect(200)).body);
      expect([user, told.includes('13911112222'), told.includes('张女士')]).toEqual([user, false, false]);
    }
  });

  it('an inspector’s page of the problem masks them and still says its history verifies', async () => {
    const page = (await (await signedIn(t, 'inspector')).get(`/problems/${id}`).expect(200)).text;
    expect(page).not.toContain('13911112222');
    expect(page).toContain('data-verified="yes"');
  });

  it('the problem’s page shows them to a leader at the border and masks them for an officer', async () => {
    const leader = (await (await signedIn(t, 'waitan.leader')).get(`/problems/${id}`).expect(200)).text;
    expect(leader).toContain(COMPLAINANT);
    const officer = (await (await signedIn(t, 'waitan.officer')).get(`/problems/${id}`).expect(200)).text;
    expect(officer).not.toContain('13911112222');
    expect(officer).not.toContain('张女士');
    expect(officer).toContain('张**');
  });
});

describe('a party’s ID number and phone', () => {
  let op: number;
  let item: number;
  let party: number;
  beforeAll(async () => {
    op = (await operationIn(t, 'in_progress')).id;
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/goods', {
        operation: op,
        party: { name: '王某', idNumber: ID_NUMBER, phone: PHONE, stall: '中山东一路 12 号门前流动摊' },
        items: [{ description: '三轮车（蓝色）', quantity: 1, unit: '辆', storagePlace: '外滩中队暂扣物品仓库' }],
      })
      .expect(201);
    item = res.body.items[0].id;
    party = res.body.party;
  });

  const masked = { idNumber: '3101**********1234', phone: '138****0000' };
  const full = { idNumber: ID_NUMBER, phone: PHONE };

  it('are read in full by the custodian squad’s leaders, the managers and the legal section', async () => {
    for (const user of ['waitan.leader', 'duty', 'commander', 'legal']) {
      const body = (await t.as(user).get(`/api/v1/goods/${item}`).expect(200)).body;
      expect([user, body.party]).toEqual([user, expect.objectContaining(full)]);
      const ledger = (await t.as(user).get(`/api/v1/operations/${op}/goods`).expect(200)).body;
      expect([user, ledger.parties[0]]).toEqual([user, expect.objectContaining(full)]);
    }
  });

  it('are masked for every other user of the brigade: through the item, the ledger and the history', async () => {
    for (const user of ['waitan.officer', 'nanjingdonglu.leader', 'inspector', 'admin']) {
      const body = (await t.as(user).get(`/api/v1/goods/${item}`).expect(200)).body;
      expect([user, body.party]).toEqual([user, expect.objectContaining(masked)]);
      const ledger = (await t.as(user).get(`/api/v1/operations/${op}/goods`).expect(200)).body;
      expect([user, ledger.parties[0]]).toEqual([user, expect.objectContaining(masked)]);
      const history = JSON.stringify((await t.as(user).get(`/api/v1/goods/${item}/history`).expect(200)).body);
      expect([user, history.includes(ID_NUMBER), history.includes(PHONE)]).toEqual([user, false, false]);
    }
  });

  it('the item page and the printed detention list show them in full to the custodian’s leader (who hands the party its copy), masked to an officer', async () => {
    const leader = await signedIn(t, 'waitan.leader');
    expect((await leader.get(`/goods/${item}`).expect(200)).text).toContain(PHONE);
    const print = (await leader.get(`/goods/print/${op}/${party}`).expect(200)).text;
    expect(print).toContain(ID_NUMBER);
    expect(print).toContain(PHONE);
    const officer = await signedIn(t, 'waitan.officer');
    const page = (await officer.get(`/goods/${item}`).expect(200)).text;
    expect(page).not.toContain(PHONE);
    expect(page).toContain(masked.phone);
    const copy = (await officer.get(`/goods/print/${op}/${party}`).expect(200)).text;
    expect(copy).not.toContain(ID_NUMBER);
    expect(copy).not.toContain(PHONE);
    expect(copy).toContain(masked.idNumber);
  });

  it('an inspector reads the item masked and is still told its history verifies (the check reads the stored steps)', async () => {
    const page = (await (await signedIn(t, 'inspector')).get(`/goods/${item}`).expect(200)).text;
    expect(page).not.toContain(PHONE);
    expect(page).toContain('data-verified="yes"');
  });

  it('leave through no notification and no export of the figures', async () => {
    await sendGoods(t, item, 'duty', { type: 'EXTEND', reason: '当事人外地，需延期认领' });
    await t.services.outbox.drain();
    for (const user of ['waitan.leader', 'waitan.officer', 'nanjingdonglu.leader', 'duty2', 'commander']) {
      const told = JSON.stringify((await t.as(user).get('/api/v1/notifications').expect(200)).body);
      expect([user, told.includes(ID_NUMBER), told.includes(PHONE)]).toEqual([user, false, false]);
    }
    // The goods' records name the party (R13's account), never its ID number or phone.
    const csv = (await t.as('duty').get('/api/v1/figures/goods_registered/records?period=2026&format=csv').expect(200))
      .text;
    expect(csv).toContain('王某');
    expect([csv.includes(ID_NUMBER), csv.includes(PHONE)]).toEqual([false, false]);
  });

  it('follow the custody: once the goods move to another squad, its leaders read them and the old custodian’s no longer do', async () => {
    await sendGoods(t, item, 'waitan.leader', {
      type: 'MOVE',
      custodianSquad: 'nanjingdonglu',
      storagePlace: '南京东路中队仓库',
    });
    expect((await t.as('nanjingdonglu.leader').get(`/api/v1/goods/${item}`).expect(200)).body.party).toMatchObject(
      full,
    );
    expect((await t.as('waitan.leader').get(`/api/v1/goods/${item}`).expect(200)).body.party).toMatchObject(masked);
  });
});

describe('the figures and the annual assessment', () => {
  it('are refused to officers, the legal section and administrators, through the API, its exports and the pages', async () => {
    for (const user of ['waitan.officer', 'legal', 'admin']) {
      for (const path of [
        '/api/v1/figures?period=2026',
        '/api/v1/figures/assessment?year=2026',
        '/api/v1/figures/operations/records?period=2026',
        '/api/v1/figures?period=2026&format=csv',
        '/api/v1/figures/operations/records?period=2026&format=xlsx',
      ]) {
        const res = await t.as(user).get(path);
        expect([user, path, res.status, res.body?.error?.reason]).toEqual([user, path, 403, 'may_not_read_figures']);
      }
    }
    const officer = await signedIn(t, 'waitan.officer');
    for (const path of [
      '/figures',
      '/figures/assessment?year=2026',
      '/figures/annual?year=2026',
      '/figures/operations?period=2026',
    ]) {
      expect([path, (await officer.get(path)).status]).toEqual([path, 403]);
    }
    expect((await officer.get('/').expect(200)).text).not.toContain('href="/figures"');
  });

  it('are read by the managers, the squad leaders and the inspectors', async () => {
    for (const user of ['duty', 'commander', 'waitan.leader', 'inspector']) {
      expect([user, (await t.as(user).get('/api/v1/figures?period=2026')).status]).toEqual([user, 200]);
      expect([user, (await t.as(user).get('/api/v1/figures/assessment?year=2026')).status]).toEqual([user, 200]);
    }
    const leader = await signedIn(t, 'waitan.leader');
    expect((await leader.get('/').expect(200)).text).toContain('href="/figures"');
    await leader.get('/figures/assessment?year=2026').expect(200);
  });
});
