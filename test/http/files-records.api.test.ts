import { operationIn, send } from '../support/factories';
import { getBytes, jpegPhoto, pdfDocument, uploaded } from '../support/files';
import { goodsBody, sendGoods } from '../support/goods';
import { problemBody, reportProblem, sendProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { materials, registerCase } from '../support/transfers';
import { secondBrigade, type SecondBrigade } from '../support/brigades';

/** Issue 13: evidence on every kind of record that takes it, attached in the step and listed in the record's answer. */

let t: TestApp;
let other: SecondBrigade;
let serial = 0;

beforeAll(async () => {
  t = await startTestApp();
  other = await secondBrigade(t);
});
afterAll(async () => {
  await t.close();
});

const photo = async (as: string) => {
  serial += 1;
  return uploaded(t, as, await jpegPhoto({ colour: `#${(0x100000 + serial * 7919).toString(16).slice(-6)}` }));
};
const ids = (files: Array<{ id: string }>) => files.map((f) => f.id);

describe('evidence on the records that take it (issue 13)', () => {
  it('an operation’s results, an incident, spot check and audits carry files, listed on the operation in order', async () => {
    const op = await operationIn(t, 'in_progress');
    const incident = [await photo('waitan.leader')];
    let v = await send(t, op.id, op.version, 'LOG_INCIDENT', { files: incident }, 'waitan.leader');
    const results = [await photo('waitan.leader'), await uploaded(t, 'waitan.leader', pdfDocument('results'))];
    t.clock.advance(5 * 3_600_000);
    v = await send(t, op.id, v, 'COMPLETE', { files: results }, 'waitan.leader');
    const spot = [await photo('inspector')];
    v = await send(t, op.id, v, 'SPOT_CHECK', { files: spot }, 'inspector');
    const { body } = await t.as('duty').get(`/api/v1/operations/${op.id}`).expect(200);
    expect(ids(body.files)).toEqual([...incident, ...results, ...spot]);
    expect(body.files.map((f: { eventType: string }) => f.eventType)).toEqual([
      'LOG_INCIDENT',
      'COMPLETE',
      'COMPLETE',
      'SPOT_CHECK',
    ]);
    expect(body.files[1]).toMatchObject({ contentType: 'image/jpeg', takenLongBefore: false, step: v - 1 });
    // The incident is a record of its own too: its photo is readable through it, and listed on it.
    const [row] = await t.services.db.dataSource.query(
      'SELECT id FROM operation_incidents WHERE operation_id = ? ORDER BY id',
      [op.id],
    );
    const duty = await t.services.org.authenticateToken(t.token('duty'));
    expect(ids(await t.services.files.forRecord(duty, 'incident', Number(row.id)))).toEqual(incident);
    await getBytes(t, t.token('xiaodongmen.officer'), `/api/v1/files/${incident[0]}`).expect(200);
    await getBytes(t, other.token('duty'), `/api/v1/files/${incident[0]}`).expect(404);
  });

  it('a hard problem’s report and its rebound carry files; the problem lists them', async () => {
    const reported = [await photo('waitan.officer')];
    const { id } = await reportProblem(t, { location: '福州路·江西中路口', files: reported });
    let v = await sendProblem(t, id, 1, 'ACCEPT');
    v = await sendProblem(t, id, v, 'RESOLVE', { note: '联合整治后摊位清零' });
    const rebound = [await photo('inspector')];
    await sendProblem(t, id, v, 'REBOUND', { origin: 'inspector', note: '夜查回潮', files: rebound }, 'inspector');
    const { body } = await t.as('xiaodongmen.officer').get(`/api/v1/problems/${id}`).expect(200);
    expect(ids(body.files)).toEqual([...reported, ...rebound]);
    expect(body.files.map((f: { eventType: string }) => f.eventType)).toEqual(['CREATE', 'REBOUND']);
    const history = (await t.as('duty').get(`/api/v1/problems/${id}/history`).expect(200)).body.items;
    expect(history[0].payload.files).toEqual(reported);
  });

  it('a border notice carries photos of what was seen', async () => {
    const seen = [await photo('waitan.officer'), await photo('waitan.officer')];
    const res = await t
      .as('waitan.officer')
      .post('/api/v1/border-notices', {
        location: '河南中路·北京东路口',
        what: '流动摊贩在交界处来回流窜',
        squads: ['waitan', 'nanjingdonglu'],
        files: seen,
      })
      .expect(201);
    const { body } = await t.as('nanjingdonglu.leader').get(`/api/v1/border-notices/${res.body.id}`).expect(200);
    expect(ids(body.files)).toEqual(seen);
    await getBytes(t, t.token('nanjingdonglu.leader'), `/api/v1/files/${seen[1]}/thumbnail`).expect(200);
  });

  it('detained goods carry photos at registration (every item), return and disposal', async () => {
    const op = await operationIn(t, 'in_progress');
    const condition = [await photo('waitan.leader')];
    const reg = await t
      .as('waitan.leader')
      .post('/api/v1/goods', goodsBody(op.id, { files: condition }))
      .expect(201);
    const [cart, fruit] = reg.body.items.map((i: { id: number }) => i.id);
    const receipt = [await uploaded(t, 'waitan.leader', pdfDocument('receipt'))];
    await sendGoods(t, cart, 'waitan.leader', { type: 'RETURN_TO_OWNER', receivedBy: '王某', files: receipt });
    await sendGoods(t, fruit, 'duty', { type: 'APPROVE_DISPOSAL', method: 'destroyed', reason: '水果已腐烂' });
    const disposal = [await photo('waitan.leader')];
    await sendGoods(t, fruit, 'waitan.leader', { type: 'DISPOSE', method: 'destroyed', files: disposal });
    const a = (await t.as('duty').get(`/api/v1/goods/${cart}`).expect(200)).body;
    const b = (await t.as('duty').get(`/api/v1/goods/${fruit}`).expect(200)).body;
    expect(ids(a.files)).toEqual([...condition, ...receipt]);
    expect(ids(b.files)).toEqual([...condition, ...disposal]);
  });

  it('a case transfer’s package carries its materials as files', async () => {
    const caseId = await registerCase(t, 'waitan.leader');
    const scans = [await uploaded(t, 'waitan.leader', pdfDocument('inquiry')), await photo('waitan.leader')];
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/transfers', {
        case: caseId,
        toSquad: 'nanjingdonglu',
        materials: materials(),
        note: '违法行为发生地在对方辖区',
        files: scans,
      })
      .expect(201);
    const { body } = await t.as('nanjingdonglu.leader').get(`/api/v1/transfers/${res.body.id}`).expect(200);
    expect(ids(body.files)).toEqual(scans);
    expect(body.files[0].contentType).toBe('application/pdf');
  });

  it('a report naming a file that is not the reporter’s is refused whole (422 files): no problem is created', async () => {
    const theirs = await photo('nanjingdonglu.officer');
    const before = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM hard_problems');
    const res = await t
      .as('waitan.officer')
      .post('/api/v1/problems', problemBody({ location: '汉口路·四川中路口', files: [theirs] }))
      .expect(422);
    expect(res.body.error.fields).toHaveProperty('files');
    const after = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM hard_problems');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
  });
});
