import { createOperation, operationIn, planBody, planForm } from '../support/factories';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn, type WebClient } from '../support/web';
import { writtenRows } from './counts';

/**
 * Issue 11, finding 6: every date and time the API and the forms take is a
 * real calendar date (time) within the configured years (`validation.minYear`
 * … `validation.maxYear`, 2000–2100 by default); anything else is a 400 naming
 * the field, in the user's language, and nothing is written.
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
  expect(t.logged.splice(0).map((l) => l.message)).toEqual([]);
});

const counts = () => writtenRows(t);

/** Date-times that are not real, or lie outside 2000–2100 (the first two were stored before, and broke pages). */
const BAD_DATETIMES = [
  '9999-12-31T23:59:59-14:00',
  '0000-01-01T00:00:00Z',
  '2026-02-30T10:00:00+08:00',
  '2101-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
];
const BAD_DATES = ['2026-02-30', '0000-01-01', '9999-12-31', '2026-13-01'];
const BAD_MONTHS = ['0000-01', '9999-12', '2101-01'];

/** A 400 naming `field` with a sentence, not a problem code: 2000–2100 for a year out of range, words for a date that does not exist. */
function expectNamed(res: { status: number; body: any }, field: string) {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 400, code: 'invalid_input' });
  expect(Object.keys(res.body.error.fields)).toContain(field);
  expect(res.body.error.fields[field]).toMatch(DATE_PROBLEM);
}

/** What a refused date says, in words: it does not exist, its year is out of range, or how it is written. */
const DATE_PROBLEM = /^(不是实际存在的日期|年份须在 2000–2100 之间$|(月份|年份|期间)?格式应为)/;

describe('the API refuses date-times that are not real or out of range, naming the field, writing nothing', () => {
  const cases: Array<[string, (bad: string) => Promise<{ status: number; body: any }>, string]> = [
    [
      'a meeting’s plannedStart',
      (bad) =>
        t
          .as('waitan.leader')
          .post('/api/v1/meetings', { kind: 'group', group: 'north', plannedStart: bad, agenda: '议题' }),
      'plannedStart',
    ],
    [
      'a plan’s plannedStart',
      (bad) => t.as('waitan.leader').post('/api/v1/operations', planBody(t.clock.now(), { plannedStart: bad })),
      'plannedStart',
    ],
    [
      'a border notice’s seenAt',
      (bad) =>
        t.as('waitan.officer').post('/api/v1/border-notices', {
          location: '九江路口',
          what: '摊贩流窜',
          squads: ['waitan', 'nanjingdonglu'],
          seenAt: bad,
        }),
      'seenAt',
    ],
  ];
  it.each(cases)('%s', async (_name, send, field) => {
    for (const bad of BAD_DATETIMES) {
      const before = await counts();
      const res = await send(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expectNamed(res, field);
      expect(await counts()).toEqual(before);
    }
  });

  it('a step’s time: START actualStart, LOG_INCIDENT occurredAt, COMPLETE actualEnd, a meeting’s heldAt, a call-back’s calledAt', async () => {
    const { id } = await createOperation(t);
    const meeting = (
      await t
        .as('waitan.leader')
        .post('/api/v1/meetings', {
          kind: 'group',
          group: 'north',
          plannedStart: '2026-11-20T14:00:00+08:00',
          agenda: '议题',
        })
        .expect(201)
    ).body.id;
    const problem = (await reportProblem(t)).id;
    const steps: Array<[string, Record<string, unknown>, string]> = [
      [`/api/v1/operations/${id}/events`, { type: 'START', expectedVersion: 1 }, 'actualStart'],
      [
        `/api/v1/operations/${id}/events`,
        {
          type: 'LOG_INCIDENT',
          expectedVersion: 1,
          incidentType: 'verbal_abuse',
          severity: 'minor',
          description: 'x',
          response: 'y',
        },
        'occurredAt',
      ],
      [
        `/api/v1/operations/${id}/events`,
        {
          type: 'COMPLETE',
          expectedVersion: 1,
          results: [{ squad: 'waitan', officers: 1, vehicles: 0, educated: 0, handled: 0 }],
        },
        'actualEnd',
      ],
      [
        `/api/v1/meetings/${meeting}/events`,
        { type: 'RECORD', expectedVersion: 1, attendeeSquads: ['waitan'], minutes: '纪要' },
        'heldAt',
      ],
      [
        `/api/v1/problems/${problem}/events`,
        { type: 'RECORD_CALLBACK', expectedVersion: 1, caller: '王某', outcome: 'satisfied' },
        'calledAt',
      ],
    ];
    for (const [path, body, field] of steps) {
      for (const bad of BAD_DATETIMES) {
        const before = await counts();
        const res = await t.as('waitan.leader').post(path, { ...body, [field]: bad });
        expect({ path, field, bad, status: res.status }).toEqual({ path, field, bad, status: 400 });
        expectNamed(res, field);
        expect(await counts()).toEqual(before);
      }
    }
  });

  it('editing a draft: PATCH plannedStart', async () => {
    const { id } = await createOperation(t);
    for (const bad of BAD_DATETIMES) {
      const res = await t
        .as('waitan.leader')
        .patch(`/api/v1/operations/${id}`, { expectedVersion: 1, plannedStart: bad });
      expectNamed(res, 'plannedStart');
    }
    const api = (await t.as('waitan.leader').get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(api.version).toBe(1);
  });

  it('after a refused far-future meeting, the meetings list and the rotation still answer', async () => {
    await t
      .as('waitan.leader')
      .post('/api/v1/meetings', {
        kind: 'group',
        group: 'north',
        plannedStart: '9999-12-31T23:59:59-14:00',
        agenda: '议题',
      })
      .expect(400);
    await t.as('waitan.leader').get('/api/v1/meetings').expect(200);
    await t.as('waitan.leader').get('/api/v1/meetings/rotation?group=north').expect(200);
  });

  it('a date-time at the edges of the range is taken', async () => {
    const res = await t.as('waitan.leader').post('/api/v1/meetings', {
      kind: 'group',
      group: 'north',
      plannedStart: '2100-12-31T20:00:00+08:00',
      agenda: '远期议题',
    });
    expect(res.status).toBe(201);
  });
});

describe('the API refuses dates that are not real or out of range', () => {
  it('a case’s openedOn (2026-02-30 was taken before)', async () => {
    for (const bad of BAD_DATES) {
      const before = await counts();
      const res = await t.as('waitan.leader').post('/api/v1/cases', {
        reference: `R-${bad}`,
        partyKind: 'person',
        partyName: '张某',
        violation: '跨门营业',
        location: '福州路',
        openedOn: bad,
      });
      expectNamed(res, 'openedOn');
      expect(await counts()).toEqual(before);
    }
  });

  it('a holding check’s date', async () => {
    const { id, version } = await operationIn(t, 'holding');
    for (const bad of BAD_DATES) {
      const before = await counts();
      const res = await t.as('waitan.officer').post(`/api/v1/operations/${id}/events`, {
        type: 'LOG_HOLDING_CHECK',
        expectedVersion: version,
        date: bad,
        officersOnPost: 2,
        reboundObserved: false,
      });
      expectNamed(res, 'date');
      expect(await counts()).toEqual(before);
    }
  });

  it('a monthly plan’s month and its rows’ dates', async () => {
    for (const bad of BAD_MONTHS)
      expectNamed(await t.as('waitan.leader').post('/api/v1/group-plans', { group: 'north', month: bad }), 'month');
    for (const bad of BAD_DATES) {
      const before = await counts();
      const res = await t
        .as('waitan.leader')
        .post('/api/v1/group-plans', { group: 'north', month: '2026-12', operations: [{ date: bad, title: '整治' }] });
      expectNamed(res, 'operations.0.date');
      expect(await counts()).toEqual(before);
    }
  });

  it('the brigade’s since month', async () => {
    for (const bad of BAD_MONTHS) {
      const before = await counts();
      expectNamed(await t.as('admin').patch('/api/v1/brigade', { since: bad }), 'since');
      expect(await counts()).toEqual(before);
    }
  });
});

describe('query parameters: dates, months and years out of range are refused, naming the parameter', () => {
  const queries: Array<[string, string]> = [
    ['/api/v1/operations?from=0000-01-01', 'from'],
    ['/api/v1/operations?to=9999-12-31T23:59:59-14:00', 'to'],
    ['/api/v1/operations?from=2026-02-30T00:00:00Z', 'from'],
    ['/api/v1/incidents?from=0000-01-01', 'from'],
    ['/api/v1/incidents?to=2026-02-30', 'to'],
    ['/api/v1/figures?period=0000', 'period'],
    ['/api/v1/figures?period=9999-Q4', 'period'],
    ['/api/v1/figures?from=0000-01&to=0000-02', 'from'],
    ['/api/v1/figures/operations/records?period=0000-01', 'period'],
    ['/api/v1/figures/assessment?year=9999', 'year'],
    ['/api/v1/group-plans?year=0000', 'year'],
    ['/api/v1/group-plans?month=0000-01', 'month'],
    ['/api/v1/meetings?year=9999', 'year'],
    ['/api/v1/meetings?period=0000-H1', 'period'],
    ['/api/v1/flags?period=0000', 'period'],
    ['/api/v1/flags?period=2026-13', 'period'],
  ];
  it.each(queries)('%s', async (path, field) => {
    expectNamed(await t.as('duty').get(path), field);
  });
});

describe('the web forms do not roll impossible dates over: they are refused beside their field', () => {
  let leader: WebClient;
  beforeAll(async () => {
    leader = await signIn(t, 'waitan.leader');
  });

  const refusedBeside = (res: { status: number; text: string }, field: string) => {
    expect(res.status).toBe(400);
    const m = new RegExp(`data-error-for="${field.replace(/[.[\]]/g, '\\$&')}">([^<]+)<`).exec(res.text);
    expect(m).not.toBeNull();
    expect(m![1]).toMatch(DATE_PROBLEM);
  };

  it('the plan form: 2026-13-45T99:99 (once read as 2027-02-18 04:39), year 0 and year 9999', async () => {
    for (const bad of ['2026-13-45T99:99', '2026-02-30T10:00', '0000-01-01T00:00', '9999-12-31T23:59']) {
      const before = await counts();
      const res = await leader.post('/operations', planForm(t.clock.now(), { plannedStart: bad }), '/operations/new');
      refusedBeside(res, 'plannedStart');
      expect(await counts()).toEqual(before);
    }
  });

  it('an event form: START with an actual start of 2026-02-30T10:00', async () => {
    const { id, version } = await operationIn(t, 'approved');
    for (const bad of ['2026-02-30T10:00', '2026-11-02T25:61', '0000-01-01T00:00']) {
      const before = await counts();
      const res = await leader.post(
        `/operations/${id}/events/START`,
        { expectedVersion: String(version), actualStart: bad },
        `/operations/${id}`,
      );
      refusedBeside(res, 'actualStart');
      expect(await counts()).toEqual(before);
    }
  });

  it('the meeting form', async () => {
    for (const bad of ['2026-02-30T10:00', '9999-12-31T23:59']) {
      const before = await counts();
      const res = await leader.post(
        '/meetings',
        { kind: 'group', group: 'north', plannedStart: bad, agenda: '议题' },
        '/meetings/new?kind=group&group=north',
      );
      refusedBeside(res, 'plannedStart');
      expect(await counts()).toEqual(before);
    }
  });

  it('the case form: openedOn 2026-02-30', async () => {
    const before = await counts();
    const res = await leader.post(
      '/cases',
      {
        reference: '网页-0230',
        partyKind: 'person',
        partyName: '张某',
        violation: '跨门营业',
        location: '福州路',
        openedOn: '2026-02-30',
      },
      '/cases/new',
    );
    refusedBeside(res, 'openedOn');
    expect(await counts()).toEqual(before);
  });

  it('the border notice form: seenAt in year 0', async () => {
    const officer = await signIn(t, 'waitan.officer');
    const before = await counts();
    const res = await officer.post(
      '/border-notices',
      { location: '九江路口', what: '摊贩流窜', squads: ['waitan', 'nanjingdonglu'], seenAt: '0000-01-01T00:00' },
      '/border-notices/new',
    );
    refusedBeside(res, 'seenAt');
    expect(await counts()).toEqual(before);
  });

  it('the monthly plan form: a row dated 2026-02-30', async () => {
    const before = await counts();
    const res = await leader.post(
      '/group-plans',
      {
        group: 'north',
        month: '2026-12',
        targets: '目标',
        operations: { 0: { date: '2026-12-32', title: '整治', location: '' } },
        notes: '',
      },
      '/group-plans/new?month=2026-12',
    );
    refusedBeside(res, 'operations.0.date');
    expect(await counts()).toEqual(before);
  });
});

describe('pages that read a date, month or year from their address answer for any (a bad one is ignored or refused, never a 500)', () => {
  const pages = [
    '/operations?month=2026-99',
    '/operations?month=0000-01',
    '/incidents?month=2026-00',
    '/incidents?month=9999-12',
    '/group-plans?year=0000',
    '/group-plans/new?month=2026-99',
    '/group-plans/new?month=0000-01',
    '/compliance?year=0000',
    '/compliance/north/0000-01',
    '/compliance/north/2026-13',
    '/figures?period=0000',
    '/figures?from=0000-01&to=0000-02',
    '/figures/assessment?year=0000',
    '/figures/annual?year=9999',
    '/flags?period=2026-99',
    '/meetings?year=0000',
  ];
  it.each(pages)('%s', async (path) => {
    const web = await signIn(t, 'waitan.leader');
    const res = await web.get(path);
    expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
  });
});
