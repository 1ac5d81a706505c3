import { operationIn, send } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { signedIn } from '../support/web';

let t: TestApp;
let id: number;

beforeAll(async () => {
  t = await startTestApp();
  const op = await operationIn(t, 'in_progress');
  id = op.id;
  const v = await send(
    t,
    id,
    op.version,
    'LOG_INCIDENT',
    { incidentType: 'verbal_abuse', severity: 'minor', description: '摊主辱骂', response: '劝离' },
    'nanjingdonglu.officer',
  );
  await send(
    t,
    id,
    v,
    'LOG_INCIDENT',
    {
      incidentType: 'siege',
      severity: 'serious',
      injuries: 1,
      description: '十余名摊贩围攻队员',
      response: '报警，110 到场处置',
      informed: '总指挥、派出所',
    },
    'waitan.leader',
  );
});
afterAll(async () => {
  await t.close();
});

describe('incidents (R11)', () => {
  it('are listed across operations with their operation, newest first, and filter by type and severity', async () => {
    const all = (await t.as('duty').get('/api/v1/incidents').expect(200)).body.items;
    expect(all.map((i: { incidentType: string }) => i.incidentType)).toEqual(['siege', 'verbal_abuse']);
    expect(all[0]).toMatchObject({
      severity: 'serious',
      injuries: 1,
      informed: '总指挥、派出所',
      reportedBy: 'waitan.leader',
      operation: { id, group: 'north' },
    });
    const serious = (await t.as('duty').get('/api/v1/incidents?severity=serious').expect(200)).body.items;
    expect(serious).toHaveLength(1);
    expect((await t.as('duty').get('/api/v1/incidents?type=flood').expect(400)).body.error.fields).toHaveProperty(
      'type',
    );
  });

  it('a serious one reaches the commanders at once; a minor one only the Duty Command Section', async () => {
    await t.services.outbox.drain();
    const commander = (await t.as('commander').get('/api/v1/notifications').expect(200)).body.items;
    expect(commander.map((n: { topic: string }) => n.topic)).toContain('operation.serious_incident');
    expect(commander.map((n: { topic: string }) => n.topic)).not.toContain('operation.incident');
    const duty = (await t.as('duty').get('/api/v1/notifications').expect(200)).body.items.map(
      (n: { topic: string }) => n.topic,
    );
    expect(duty).toEqual(expect.arrayContaining(['operation.incident', 'operation.serious_incident']));
  });

  it('are shown on the operation’s page and on the managers’ incidents page', async () => {
    const duty = await signedIn(t, 'duty');
    const page = (await duty.get(`/operations/${id}`).expect(200)).text;
    expect(page).toContain('十余名摊贩围攻队员');
    const list = (await duty.get('/incidents?severity=serious').expect(200)).text;
    expect(list).toContain('围攻执法人员');
    expect(list).not.toContain('摊主辱骂');
  });
});
