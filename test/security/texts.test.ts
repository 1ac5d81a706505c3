import request from 'supertest';
import { operationIn, planBody, planForm } from '../support/factories';
import { problemBody } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';
import { writtenRows } from './counts';

/**
 * Issue 11, finding 7: text that cannot be stored or read back is refused
 * naming the field — a surrogate without its pair anywhere in a JSON body
 * (MariaDB answered 500, SQLite stored it), NUL and other control characters,
 * and required text that is empty once its invisible characters are taken out
 * (a title of zero-width spaces).
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  // Nothing answered 500 (each test on its own: what one logged is not another's failure).
  expect(
    t.logged.splice(0).map((l) => `${l.message}: ${String((l.data?.err as Error | undefined)?.message ?? '')}`),
  ).toEqual([]);
});

const counts = () => writtenRows(t);
const bearer = (user: string) => `Bearer ${t.token(user)}`;

describe('a lone surrogate in a JSON string: 400 naming the field (SQLite stored it, MariaDB answered 500)', () => {
  /** The JSON text of a body with `\ud800`-style escapes put in where `@` marks them. */
  const raw = (value: Record<string, unknown>, mark: string, escape: string) =>
    JSON.stringify(value).split(mark).join(escape);

  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['a title', '/api/v1/operations', planBody(new Date('2026-11-02T01:00:00Z'), { title: 'a@b' }), 'title'],
    [
      'a plan section',
      '/api/v1/operations',
      planBody(new Date('2026-11-02T01:00:00Z'), { situation: '傍晚@' }),
      'situation',
    ],
    [
      'a squad code in a list',
      '/api/v1/operations',
      planBody(new Date('2026-11-02T01:00:00Z'), { squads: ['waitan', 'nanjingdonglu@'] }),
      'squads.1',
    ],
    [
      'a problem’s evidence, nested',
      '/api/v1/problems',
      problemBody({ evidence: [{ description: '@照片', ref: null }] }),
      'evidence.0.description',
    ],
  ];
  it.each(cases)('%s', async (_name, path, body, field) => {
    for (const escape of ['\\ud800', '\\udfff', '\\udc00\\ud800']) {
      const before = await counts();
      const res = await request(t.app)
        .post(path)
        .set('Authorization', bearer('waitan.leader'))
        .set('Content-Type', 'application/json')
        .send(raw(body, '@', escape));
      expect({ escape, status: res.status, code: res.body?.error?.code }).toEqual({
        escape,
        status: 400,
        code: 'invalid_input',
      });
      expect(res.body.error.fields[field]).toBe('含有无法保存的字符（控制字符或残缺的 Unicode 字符）');
      expect(await counts()).toEqual(before);
    }
  });

  it('a surrogate pair (an emoji) is text like any other', async () => {
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { title: '夜市整治 🚧' }));
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('夜市整治 🚧');
  });

  it('a lone surrogate in a key is named too', async () => {
    const res = await request(t.app)
      .post('/api/v1/operations')
      .set('Authorization', bearer('waitan.leader'))
      .set('Content-Type', 'application/json')
      .send('{"kind":"regular","leadSquad":"waitan","title":"t","x\\ud800":1}');
    expect(res.status).toBe(400);
  });
});

describe('text that is empty once its invisible characters are taken out, or holds NUL, is refused naming the field', () => {
  const EMPTY = ['\u200b', '\u200b\u200c\u200d', ' \u3000\ufeff\u2060 ', '\u00ad\u180e', '\u3164'];
  const NUL = ['a\u0000b', '\u0000', '中山\u0001路'];

  it('a plan’s title (the API)', async () => {
    for (const title of EMPTY) {
      const before = await counts();
      const res = await t.as('waitan.leader').post('/api/v1/operations', planBody(t.clock.now(), { title }));
      expect({ title, status: res.status, field: res.body.error?.fields?.title }).toEqual({
        title,
        status: 400,
        field: '必填',
      });
      expect(await counts()).toEqual(before);
    }
    for (const title of NUL) {
      const before = await counts();
      const res = await t.as('waitan.leader').post('/api/v1/operations', planBody(t.clock.now(), { title }));
      expect({ title, status: res.status, field: res.body.error?.fields?.title }).toEqual({
        title,
        status: 400,
        field: '含有无法保存的字符（控制字符或残缺的 Unicode 字符）',
      });
      expect(await counts()).toEqual(before);
    }
  });

  it('optional texts hold no NUL either, though they may be empty', async () => {
    const res = await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { situation: '傍晚\u0000' }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['situation']);
    await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { situation: '' }))
      .expect(201);
  });

  it('line breaks and tabs are text', async () => {
    await t
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(t.clock.now(), { execution: '岗点一\n岗点二\r\n\t17:00' }))
      .expect(201);
  });

  it('the required texts of other records: a problem’s title, a meeting’s agenda, a return’s reason, a case’s party, goods', async () => {
    const { id, version } = await operationIn(t, 'filed');
    const running = (await operationIn(t, 'in_progress')).id;
    const sends: Array<[string, (v: string) => Promise<{ status: number; body: any }>, string]> = [
      ['problem title', (v) => t.as('waitan.officer').post('/api/v1/problems', problemBody({ title: v })), 'title'],
      [
        'meeting agenda',
        (v) =>
          t.as('waitan.leader').post('/api/v1/meetings', {
            kind: 'group',
            group: 'north',
            plannedStart: '2026-11-20T14:00:00+08:00',
            agenda: v,
          }),
        'agenda',
      ],
      [
        'return reason',
        (v) =>
          t.as('duty').post(`/api/v1/operations/${id}/events`, { type: 'RETURN', expectedVersion: version, reason: v }),
        'reason',
      ],
      [
        'case party',
        (v) =>
          t.as('waitan.leader').post('/api/v1/cases', {
            reference: `R-${v.length}`,
            partyKind: 'person',
            partyName: v,
            violation: '跨门营业',
            location: '福州路',
          }),
        'partyName',
      ],
      [
        'goods description',
        (v) =>
          t.as('waitan.leader').post('/api/v1/goods', {
            operation: running,
            party: { name: '王某', stall: '摊位' },
            items: [{ description: v, quantity: 1, unit: '件', storagePlace: '仓库' }],
          }),
        'items.0.description',
      ],
      [
        'user name',
        (v) =>
          t.as('admin').post('/api/v1/users', {
            username: 'zw.user',
            displayName: v,
            roles: ['officer'],
            squad: 'waitan',
            password: 'long-enough-1',
          }),
        'displayName',
      ],
    ];
    for (const [name, send, field] of sends) {
      for (const v of [EMPTY[0], EMPTY[2], NUL[0]]) {
        const before = await counts();
        const res = await send(v);
        expect({ name, v, status: res.status }).toEqual({ name, v, status: 400 });
        expect(Object.keys(res.body.error.fields)).toContain(field);
        expect(await counts()).toEqual(before);
      }
    }
  });

  it('the plan form: a title of zero-width spaces is refused beside the field, as typed', async () => {
    const web = await signIn(t, 'waitan.leader');
    const before = await counts();
    const res = await web.post('/operations', planForm(t.clock.now(), { title: '\u200b\u200b' }), '/operations/new');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/data-error-for="title">必填</);
    expect(await counts()).toEqual(before);
    const nul = await web.post('/operations', planForm(t.clock.now(), { title: '标题\u0000' }), '/operations/new');
    expect(nul.status).toBe(400);
    expect(nul.text).toMatch(/data-error-for="title">含有无法保存的字符/);
    expect(await counts()).toEqual(before);
  });

  it('the problem form', async () => {
    const web = await signIn(t, 'waitan.officer');
    const before = await counts();
    const res = await web.post(
      '/problems',
      { ...problemBody({ title: '\u200b\u3000' }), evidence: undefined, squads: ['waitan', 'nanjingdonglu'] },
      '/problems/new',
    );
    expect(res.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
