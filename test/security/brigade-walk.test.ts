import request from 'supertest';
import { INDICATORS } from '../../src/domain/figures/indicators';
import { openApiDocument } from '../../src/http/openapi';
import { Flag, LinkageGroup, Notification, Squad, User } from '../../src/persistence/entities';
import { type SecondBrigade, secondBrigade } from '../support/brigades';
import { createOperation, eventBody, operationIn, planBody, send } from '../support/factories';
import { goodsBody, registerGoods } from '../support/goods';
import { draftGroupPlan, groupPlanBody, sh } from '../support/plans-meetings';
import { problemBody, reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { materials, proposeTransfer, registerCase } from '../support/transfers';
import { jpegPhoto, uploaded } from '../support/files';

/**
 * Issue 11, finding 4: every route of the OpenAPI document, walked by every
 * kind of user of a second brigade, against the first brigade's ids, codes
 * and lists. Each answer is a refusal (404, 403, 400, 422) or the second
 * brigade's own rows — never a row of the first: none of its titles, names or
 * codes in the body (those the request itself named aside), none of its ids
 * among listed records. A write changes nothing of the first brigade (every
 * row of every table it owns, compared before and after).
 *
 * The walk is generated from the document: a route added to it whose path
 * parameters (or, for a write, whose body) the walk cannot fill fails here
 * until it is taught to (FILL, BODY below) — so it covers every route, always.
 */

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface DocParameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Route {
  method: Method;
  path: string;
  query: DocParameter[];
}

const DOC = openApiDocument() as {
  paths: Record<string, Record<string, { parameters?: DocParameter[] }> & { parameters?: DocParameter[] }>;
};
const ROUTES: Route[] = Object.entries(DOC.paths).flatMap(([path, ops]) =>
  Object.entries(ops)
    .filter(([m]) => m !== 'parameters')
    .map(([m, op]) => ({
      method: m.toUpperCase() as Method,
      path,
      query: ((op as { parameters?: DocParameter[] }).parameters ?? []).filter((p) => p.in === 'query'),
    })),
);

/** The first brigade's records, each with what a step on it would say. */
interface Rec {
  id: number;
  version: number;
  /** A plausible next event for the record in its state (the first brigade's own people would send it). */
  event: Record<string, unknown>;
}
interface FirstBrigade {
  id: number;
  operations: Rec[];
  plans: Rec[];
  meetings: Rec[];
  problems: Rec[];
  notices: Rec[];
  goods: Rec[];
  cases: number[];
  transfers: Rec[];
  flags: number[];
  notifications: number[];
  /** API tokens of the first brigade's users (the test app issues one per demo user). */
  tokens: number[];
  /** Evidence files (issue 13): one attached to a holding check, one attached to nothing. */
  files: string[];
  /** Words of the first brigade's own: its records' titles, its names and codes. */
  markers: string[];
}

/** A path's parameters filled one way: `ofFirst` when they name a record (or code) of the first brigade: the answer must refuse. */
interface Binding {
  params: Record<string, string | number>;
  ofFirst: boolean;
  rec?: Rec;
}

const one = (ids: number[]) => ids.slice(0, 3);
const recs = (list: Rec[]) => list.map((rec): Binding => ({ params: { id: rec.id }, ofFirst: true, rec }));
const ids = (list: number[]) => one(list).map((id): Binding => ({ params: { id }, ofFirst: true }));

/** How to fill each parameterised path with the first brigade's ids and codes. A path not here fails the walk. */
const FILL: Record<string, (a: FirstBrigade) => Binding[]> = {
  '/api/v1/operations/{id}': (a) => recs(a.operations),
  '/api/v1/operations/{id}/events': (a) => recs(a.operations),
  '/api/v1/operations/{id}/history': (a) => recs(a.operations),
  '/api/v1/operations/{id}/goods': (a) => recs(a.operations),
  '/api/v1/flags/{id}': (a) => ids(a.flags),
  '/api/v1/flags/{id}/resolve': (a) => ids(a.flags),
  '/api/v1/compliance/{group}/{month}': () => [{ params: { group: 'north', month: '2026-11' }, ofFirst: true }],
  // Job names are no brigade's: a run by hand must work on the caller's brigade only (the first's rows unchanged).
  '/api/v1/jobs/{name}/run': () =>
    [
      ...new Set([
        'monthly-minimum',
        'holding',
        'time-limits',
        'plans-and-meetings',
        'goods-limits',
        'history-anchor',
        'outbox',
        'sessions',
        'files-orphans',
        'figures',
      ]),
    ].map((name) => ({ params: { name }, ofFirst: false })),
  '/api/v1/users/{username}': () =>
    ['waitan.leader', 'admin'].map((username) => ({ params: { username }, ofFirst: true })),
  '/api/v1/users/{username}/password': () =>
    ['waitan.leader', 'admin'].map((username) => ({ params: { username }, ofFirst: true })),
  '/api/v1/squads/{code}': () => [{ params: { code: 'waitan' }, ofFirst: true }],
  '/api/v1/groups/{code}': () => [{ params: { code: 'north' }, ofFirst: true }],
  '/api/v1/notifications/{id}/read': (a) => ids(a.notifications),
  '/api/v1/group-plans/{id}': (a) => recs(a.plans),
  '/api/v1/group-plans/{id}/events': (a) => recs(a.plans),
  '/api/v1/group-plans/{id}/history': (a) => recs(a.plans),
  '/api/v1/meetings/{id}': (a) => recs(a.meetings),
  '/api/v1/meetings/{id}/events': (a) => recs(a.meetings),
  '/api/v1/meetings/{id}/history': (a) => recs(a.meetings),
  // Indicators are definitions, no brigade's: their records must be the caller's brigade's only.
  '/api/v1/figures/{indicator}/records': () => INDICATORS.map((i) => ({ params: { indicator: i.id }, ofFirst: false })),
  '/api/v1/problems/{id}': (a) => recs(a.problems),
  '/api/v1/problems/{id}/events': (a) => recs(a.problems),
  '/api/v1/problems/{id}/history': (a) => recs(a.problems),
  '/api/v1/border-notices/{id}': (a) => recs(a.notices),
  '/api/v1/border-notices/{id}/plan-draft': (a) => recs(a.notices),
  '/api/v1/border-notices/{id}/events': (a) => recs(a.notices),
  '/api/v1/border-notices/{id}/history': (a) => recs(a.notices),
  '/api/v1/goods/{id}': (a) => recs(a.goods),
  '/api/v1/goods/{id}/events': (a) => recs(a.goods),
  '/api/v1/goods/{id}/history': (a) => recs(a.goods),
  '/api/v1/goods/{id}/custody': (a) => recs(a.goods),
  '/api/v1/cases/{id}': (a) => ids(a.cases),
  '/api/v1/transfers/{id}': (a) => recs(a.transfers),
  '/api/v1/transfers/{id}/events': (a) => recs(a.transfers),
  '/api/v1/transfers/{id}/history': (a) => recs(a.transfers),
  // Revoking another brigade's token: refused, and the token keeps working.
  '/api/v1/tokens/{id}': (a) => ids(a.tokens),
  '/api/v1/files/{id}': (a) => a.files.map((id): Binding => ({ params: { id }, ofFirst: true })),
  '/api/v1/files/{id}/thumbnail': (a) => a.files.map((id): Binding => ({ params: { id }, ofFirst: true })),
};

/** A write's body; `refers`: it names the first brigade's records or codes, so it must be refused. */
interface Body {
  body: Record<string, unknown>;
  refers: boolean;
}

/** How to fill each write's body (with the first brigade's codes and ids where it takes any). A write not here fails the walk. */
const BODY: Record<
  string,
  (a: FirstBrigade, bind: Binding, ctx: { now: Date; b: SecondBrigade; role: string }) => Body
> = {
  'POST /api/v1/squads': (_a, _bind, { b, role }) => ({
    body: {
      code: `${b.code}-walk-${role}`,
      name: `乙队巡查中队${role}`,
      nameEn: 'Walk',
      kind: 'street',
      dutyStrength: 6,
    },
    refers: false,
  }),
  'POST /api/v1/groups': () => ({
    body: {
      code: 'walk-group',
      name: '乙队新片',
      nameEn: 'Walk',
      squads: ['waitan', 'nanjingdonglu', 'nanjinglu-walk'],
    },
    refers: true,
  }),
  'POST /api/v1/operations': (_a, _bind, { now }) => ({ body: planBody(now), refers: true }),
  'PATCH /api/v1/operations/{id}': (_a, { rec }) => ({
    body: { expectedVersion: rec!.version, title: '乙队篡改的标题' },
    refers: true,
  }),
  'POST /api/v1/operations/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/flags/{id}/resolve': () => ({ body: { note: '乙队销号' }, refers: true }),
  'POST /api/v1/jobs/{name}/run': () => ({ body: {}, refers: false }),
  'PATCH /api/v1/brigade': () => ({ body: { since: '2026-10' }, refers: false }),
  'POST /api/v1/users': (_a, _bind, { b, role }) => ({
    body: {
      username: `${b.code}.walk-${role}`,
      displayName: '乙队新人',
      roles: ['officer'],
      squad: 'waitan',
      password: 'walk-password-1',
    },
    refers: true,
  }),
  'PATCH /api/v1/users/{username}': () => ({ body: { displayName: '乙队改的名' }, refers: true }),
  'POST /api/v1/users/{username}/password': () => ({ body: { password: 'taken-over-1' }, refers: true }),
  'PATCH /api/v1/squads/{code}': () => ({ body: { name: '乙队改的名' }, refers: true }),
  'PATCH /api/v1/groups/{code}': () => ({ body: { name: '乙队改的名' }, refers: true }),
  'POST /api/v1/notifications/read-all': () => ({ body: {}, refers: false }),
  'DELETE /api/v1/tokens/{id}': () => ({ body: {}, refers: true }),
  // An upload names nothing of anyone's (a JSON body is refused: it takes multipart); the first brigade's rows stay as they were.
  'POST /api/v1/files': () => ({ body: {}, refers: false }),
  'POST /api/v1/notifications/{id}/read': () => ({ body: {}, refers: true }),
  'POST /api/v1/group-plans': () => ({ body: groupPlanBody('2026-12'), refers: true }),
  'PATCH /api/v1/group-plans/{id}': (_a, { rec }) => ({
    body: { expectedVersion: rec!.version, notes: '乙队改' },
    refers: true,
  }),
  'POST /api/v1/group-plans/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/meetings': () => ({
    body: { kind: 'group', group: 'north', plannedStart: sh('2026-12-20T14:00:00'), agenda: '乙队议程' },
    refers: true,
  }),
  'PATCH /api/v1/meetings/{id}': (_a, { rec }) => ({
    body: { expectedVersion: rec!.version, place: '乙队会议室' },
    refers: true,
  }),
  'POST /api/v1/meetings/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/problems': () => ({ body: problemBody(), refers: true }),
  'POST /api/v1/problems/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/border-notices': () => ({
    body: { location: '九江路·河南中路口', what: '乙队看到的', squads: ['waitan', 'nanjingdonglu'] },
    refers: true,
  }),
  'POST /api/v1/border-notices/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/goods': (a) => ({ body: goodsBody(a.operations[2].id), refers: true }),
  'POST /api/v1/goods/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
  'POST /api/v1/cases': (a, _bind, { role }) => ({
    body: {
      reference: `乙队案-${role}`,
      partyKind: 'stall',
      partyName: '乙队当事人',
      violation: '占道经营',
      location: '乙队某路',
      operation: a.operations[2].id,
    },
    refers: true,
  }),
  'POST /api/v1/transfers': (a, _bind, { b }) => ({
    body: { case: a.cases[0], toSquad: b.squads[1], materials: materials(), note: '乙队移送' },
    refers: true,
  }),
  'POST /api/v1/transfers/{id}/events': (_a, { rec }) => ({
    body: { ...rec!.event, expectedVersion: rec!.version },
    refers: true,
  }),
};

/** Query parameters a list takes, filled with the first brigade's codes and ids (others are left out). */
const QUERY: Record<string, (a: FirstBrigade) => string> = {
  group: () => 'north',
  squad: () => 'waitan',
  case: (a) => String(a.cases[0]),
  operation: (a) => String(a.operations[2].id),
  year: () => '2026',
  period: () => '2026',
  month: () => '2026-12',
  category: () => 'street_vending',
  location: () => '甲队机密·九江路口',
  q: () => '甲队机密',
};

/** Routes whose answer is no brigade's (the document itself, liveness): walked, but not searched for the first brigade's words. */
const PUBLIC = new Set(['GET /healthz', 'GET /api/openapi.json']);

/** The first brigade's own tables, and how its rows in each are found (a table not here fails the walk). */
const CHILD_ROWS: Record<string, (a: number) => string> = {
  brigades: (a) => `id = ${a}`,
  user_roles: (a) => `user_id IN (SELECT id FROM users WHERE brigade_id = ${a})`,
  api_tokens: (a) => `user_id IN (SELECT id FROM users WHERE brigade_id = ${a})`,
  operation_squads: (a) => `operation_id IN (SELECT id FROM operations WHERE brigade_id = ${a})`,
  operation_incidents: (a) => `operation_id IN (SELECT id FROM operations WHERE brigade_id = ${a})`,
  holding_records: (a) => `operation_id IN (SELECT id FROM operations WHERE brigade_id = ${a})`,
  notification_deliveries: (a) => `outbox_id IN (SELECT id FROM outbox WHERE brigade_id = ${a})`,
  hard_problem_reports: (a) => `problem_id IN (SELECT id FROM hard_problems WHERE brigade_id = ${a})`,
  hard_problem_operations: (a) => `problem_id IN (SELECT id FROM hard_problems WHERE brigade_id = ${a})`,
  hard_problem_resolutions: (a) => `problem_id IN (SELECT id FROM hard_problems WHERE brigade_id = ${a})`,
  case_transfers: (a) => `case_id IN (SELECT id FROM cases WHERE brigade_id = ${a})`,
  goods_parties: (a) => `operation_id IN (SELECT id FROM operations WHERE brigade_id = ${a})`,
  // Issue 13: a user's Idempotency-Keys are theirs, so their brigade's.
  idempotency_keys: (a) => `user_id IN (SELECT id FROM users WHERE brigade_id = ${a})`,
};
/** Tables of the instance, not of a brigade (sessions, throttles, settings, the job log and slots). */
const INSTANCE_TABLES = new Set(['web_sessions', 'sign_in_throttle', 'app_settings', 'job_slots', 'job_runs']);

let t: TestApp;
let b: SecondBrigade;
let a: FirstBrigade;
let ownRows: Array<{ table: string; sql: string }>;
const WALKERS = ['admin', 'duty', 'commander', 'leader', 'officer', 'inspector', 'legal'];
const MARK = '甲队机密';

beforeAll(async () => {
  t = await startTestApp({ now: sh('2026-11-02T09:00:00') });
  b = await secondBrigade(t);
  // The second brigade's own record, so its lists are not empty.
  await b
    .as('leader')
    .post(
      '/api/v1/operations',
      planBody(t.clock.now(), {
        group: b.group,
        leadSquad: b.squads[0],
        hostSquad: b.squads[0],
        squads: b.squads.slice(0, 2),
        forces: b.squads.slice(0, 2).map((squad) => ({ squad, officers: 4, vehicles: 1 })),
        title: '乙队自己的行动',
      }),
    )
    .expect(201);
  a = await firstBrigade(t);
  ownRows = await firstBrigadeTables(t, a.id);
}, 120_000);
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** The first brigade (the reference one) with a record of every kind, in several states; flags and notifications; every word marked. */
async function firstBrigade(t: TestApp): Promise<FirstBrigade> {
  const now = () => t.clock.now();
  const version = async (id: number) =>
    Number(
      (await t.services.db.dataSource.query('SELECT version FROM workflow_instances WHERE id = ?', [id]))[0].version,
    );
  const draft = await createOperation(t, { title: `${MARK}·草稿行动` });
  const filed = await createOperation(t, { title: `${MARK}·报备行动` });
  await send(t, filed.id, 1, 'FILE');
  const running = await operationIn(t, 'in_progress', { title: `${MARK}·进行中行动` });
  await send(t, running.id, running.version, 'LOG_INCIDENT', { description: `${MARK}·摊主辱骂` }, 'waitan.leader');
  const [cart] = await registerGoods(t, running.id, {
    party: { name: `${MARK}·当事人`, stall: `${MARK}·摊位` },
    items: [{ description: `${MARK}·三轮车`, quantity: 1, unit: '辆', storagePlace: `${MARK}·仓库` }],
  });
  const caseId = await registerCase(t, 'waitan.leader', {
    reference: `${MARK}〔2026〕0001号`,
    partyName: `${MARK}·摊贩`,
    operation: running.id,
  });
  const transfer = await proposeTransfer(t, caseId, 'nanjingdonglu', 'waitan.leader', { note: `${MARK}·移送说明` });
  const held = await operationIn(t, 'holding', { title: `${MARK}·固守行动` });
  // Issue 13: a photo attached to a holding check, and one attached to nothing yet.
  const photo = await uploaded(t, 'waitan.leader', await jpegPhoto({ colour: '#a31' }), `${MARK}.jpg`);
  const loose = await uploaded(t, 'waitan.officer', await jpegPhoto({ colour: '#1a3' }), `${MARK}-2.jpg`);
  const holding = {
    id: held.id,
    version: await send(t, held.id, held.version, 'LOG_HOLDING_CHECK', { files: [photo] }, 'waitan.leader'),
  };
  const problem = await reportProblem(t, {
    title: `${MARK}·九江路口难点`,
    location: `${MARK}·九江路口`,
    description: `${MARK}·描述`,
  });
  const notice = await t
    .as('waitan.officer')
    .post('/api/v1/border-notices', {
      location: `${MARK}·交界处`,
      what: `${MARK}·流动摊贩`,
      squads: ['waitan', 'nanjingdonglu'],
    })
    .expect(201);
  const plan = await draftGroupPlan(t, '2026-12', { targets: [`${MARK}·目标`], notes: `${MARK}·备注` });
  const meeting = await t
    .as('waitan.leader')
    .post('/api/v1/meetings', {
      kind: 'group',
      group: 'north',
      plannedStart: sh('2026-11-20T14:00:00'),
      place: `${MARK}·会议室`,
      agenda: `${MARK}·议程`,
    })
    .expect(201);
  const hq = await t
    .as('duty')
    .post('/api/v1/meetings', {
      kind: 'hq_summary',
      plannedStart: sh('2026-12-28T09:00:00'),
      place: `${MARK}·大队会议室`,
      agenda: `${MARK}·总结`,
    })
    .expect(201);
  // A month later: November has ended (and is not judged yet: a run by hand of the second brigade must not judge it);
  // holding is over; filings and goods are past their limits. The first brigade's scheduler-like runs raise its flags.
  t.clock.set(sh('2026-12-02T10:00:00'));
  for (const job of ['time-limits', 'goods-limits', 'plans-and-meetings'])
    expect((await t.services.jobs.run(job, { via: 'cli', brigade: 'huangpu' })).status).toBe('ok');
  await t.services.outbox.drain();
  const m = t.services.db.manager;
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const rec = async (id: number, event: Record<string, unknown>): Promise<Rec> => ({
    id,
    version: await version(id),
    event,
  });
  const [squads, groups, users] = await Promise.all([
    m.find(Squad, { where: { brigadeId: brigade.id } }),
    m.find(LinkageGroup, { where: { brigadeId: brigade.id } }),
    m.find(User, { where: { brigadeId: brigade.id } }),
  ]);
  const squadUsers = users.filter((u) => u.username.includes('.'));
  const markers = [
    MARK,
    brigade.code,
    brigade.name,
    ...squads.flatMap((s) => [s.code, s.name]),
    ...groups.flatMap((g) => [g.code, g.name]),
    ...squadUsers.flatMap((u) => [u.username, u.displayName]),
  ];
  return {
    id: brigade.id,
    operations: [
      await rec(draft.id, { type: 'FILE' }),
      await rec(filed.id, { type: 'APPROVE' }),
      await rec(running.id, { type: 'COMPLETE', ...eventBody('COMPLETE', now()) }),
      await rec(holding.id, { type: 'LOG_HOLDING_CHECK', ...eventBody('LOG_HOLDING_CHECK', now()) }),
    ],
    plans: [await rec(plan, { type: 'FILE' })],
    meetings: [
      await rec(meeting.body.id, { type: 'CANCEL', reason: '乙队取消' }),
      await rec(hq.body.id, { type: 'CANCEL', reason: '乙队取消' }),
    ],
    problems: [await rec(problem.id, { type: 'ACCEPT' })],
    notices: [await rec(notice.body.id, { type: 'CLOSE', reason: '乙队关闭' })],
    goods: [await rec(cart, { type: 'RETURN_TO_OWNER', receivedBy: '乙队' })],
    cases: [caseId],
    transfers: [await rec(transfer, { type: 'ACCEPT' })],
    flags: (await m.find(Flag, { where: { brigadeId: brigade.id }, order: { id: 'ASC' } })).map((f) => f.id),
    notifications: (await m.find(Notification, { where: { brigadeId: brigade.id }, order: { id: 'ASC' } })).map(
      (n) => n.id,
    ),
    tokens: (
      await m.query(
        'SELECT t.id AS id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.brigade_id = ? ORDER BY t.id',
        [brigade.id],
      )
    ).map((r: { id: unknown }) => Number(r.id)),
    markers: [...new Set(markers)].filter((w) => w.length >= 2),
    files: [photo, loose],
  };
}

/** Every table's rows of the first brigade, as statements (a table whose owner the walk does not know fails it). */
async function firstBrigadeTables(t: TestApp, brigadeId: number): Promise<Array<{ table: string; sql: string }>> {
  const out: Array<{ table: string; sql: string }> = [];
  for (const meta of t.services.db.dataSource.entityMetadatas) {
    const table = meta.tableName;
    if (INSTANCE_TABLES.has(table)) continue;
    const order = meta.primaryColumns.map((c) => c.databaseName).join(', ');
    const where =
      meta.columns.some((c) => c.databaseName === 'brigade_id') && table !== 'brigades'
        ? `brigade_id = ${brigadeId}`
        : CHILD_ROWS[table]?.(brigadeId);
    if (!where)
      throw new Error(`The walk does not know whose rows ${table} holds: add it to CHILD_ROWS or INSTANCE_TABLES`);
    out.push({ table, sql: `SELECT * FROM ${table} WHERE ${where} ORDER BY ${order}` });
  }
  return out;
}

async function snapshotOfFirst(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { table, sql } of ownRows) out[table] = JSON.stringify(await t.services.db.dataSource.query(sql));
  return out;
}

/** The kind of record a path lists, for the ids check. */
function firstIdsFor(path: string): number[] {
  const kind = path.split('/')[3];
  const of = (list: Rec[]) => list.map((r) => r.id);
  const byKind: Record<string, number[]> = {
    operations: path.endsWith('/goods') ? of(a.goods) : of(a.operations),
    'group-plans': of(a.plans),
    meetings: of(a.meetings),
    problems: of(a.problems),
    'border-notices': of(a.notices),
    goods: of(a.goods),
    cases: a.cases,
    transfers: of(a.transfers),
    flags: a.flags,
    notifications: a.notifications,
    tokens: a.tokens,
  };
  return byKind[kind] ?? [];
}

function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`The walk does not fill {${name}} of ${path}`);
    return encodeURIComponent(String(params[name]));
  });
}

/** A word of the first brigade in a text: a code as a whole token (`west` is not in `newestId`), other words anywhere. */
function appears(word: string, text: string): boolean {
  if (!/^[\x20-\x7e]+$/.test(word)) return text.includes(word);
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(text);
}

/** Every number under a key named `key`, anywhere in a body. */
function numbersUnder(body: unknown, key: string): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === key && typeof x === 'number') out.push(x);
        walk(x);
      }
    }
  };
  walk(body);
  return out;
}

interface Attempt {
  role: string;
  url: string;
  sent?: Record<string, unknown>;
  status: number;
  text: string;
  body: unknown;
}

async function call(route: Route, role: string, url: string, sent?: Record<string, unknown>): Promise<Attempt> {
  const auth = `Bearer ${b.token(role)}`;
  const agent = request(t.app);
  const req =
    route.method === 'GET'
      ? agent.get(url)
      : route.method === 'POST'
        ? agent.post(url)
        : route.method === 'PATCH'
          ? agent.patch(url)
          : route.method === 'PUT'
            ? agent.put(url)
            : agent.delete(url);
  const res = await (sent === undefined ? req.set('Authorization', auth) : req.set('Authorization', auth).send(sent));
  return { role, url, sent, status: res.status, text: res.text ?? '', body: res.body };
}

/** What any answer to a second brigade's user must be. */
function judge(route: Route, attempt: Attempt, opts: { ofFirst: boolean; refers: boolean }) {
  const key = `${route.method} ${route.path}`;
  const where = { route: key, role: attempt.role, url: attempt.url };
  expect({ ...where, status: attempt.status }).toEqual({ ...where, status: expect.any(Number) });
  // Never a server error, never a conflict about the first brigade's records (a version or a state would be told).
  expect({ ...where, status: attempt.status < 500 && attempt.status !== 409 }).toEqual({ ...where, status: true });
  if (opts.ofFirst || opts.refers)
    expect({
      ...where,
      refused: [400, 403, 404, 422].includes(attempt.status),
      body: attempt.status < 300 ? attempt.body : undefined,
    }).toEqual({ ...where, refused: true, body: undefined });
  if (PUBLIC.has(key)) return;
  // None of the first brigade's words, those the request named aside (a refusal may name the bad field's value).
  const asked = `${decodeURIComponent(attempt.url)} ${JSON.stringify(attempt.sent ?? {})}`;
  const leaked = a.markers.filter((w) => !asked.includes(w) && appears(w, attempt.text));
  expect({ ...where, leaked }).toEqual({ ...where, leaked: [] });
  // None of the first brigade's records among those listed.
  const body = attempt.body as { items?: Array<{ id?: number }>; id?: number } | undefined;
  const listed = [
    ...(Array.isArray(body?.items) ? body!.items.map((i) => i?.id) : []),
    ...(route.method === 'GET' && typeof body?.id === 'number' ? [body.id] : []),
  ];
  const first = firstIdsFor(route.path);
  expect({ ...where, firstIds: listed.filter((id) => typeof id === 'number' && first.includes(id)) }).toEqual({
    ...where,
    firstIds: [],
  });
  // R6 and the figures: the second brigade carried out nothing, so none of its figures may count anything carried out.
  if (
    attempt.status === 200 &&
    (route.path === '/api/v1/compliance' || route.path === '/api/v1/compliance/{group}/{month}')
  ) {
    expect({ ...where, qualifying: numbersUnder(attempt.body, 'qualifying').filter((n) => n !== 0) }).toEqual({
      ...where,
      qualifying: [],
    });
  }
  if (attempt.status === 200 && route.path === '/api/v1/figures') {
    const carriedOut = [
      'operations_qualifying',
      'person_times',
      'vehicle_times',
      'educated',
      'handled',
      'incidents',
      'goods_registered',
      'flags_raised',
    ];
    const rows = (
      attempt.body as { indicators: Array<{ id: string; current: { value: number | null } }> }
    ).indicators.filter((i) => carriedOut.includes(i.id) && (i.current.value ?? 0) !== 0);
    expect({ ...where, counted: rows.map((r) => [r.id, r.current.value]) }).toEqual({ ...where, counted: [] });
  }
}

describe('the walk knows every route of the OpenAPI document', () => {
  it('the document served is the one walked, and every parameterised route and every write can be filled', async () => {
    const served = (await request(t.app).get('/api/openapi.json').expect(200)).body as typeof DOC;
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(DOC.paths).sort());
    const unknownPaths = ROUTES.filter((r) => r.path.includes('{') && !FILL[r.path]).map(
      (r) => `${r.method} ${r.path}`,
    );
    const unknownWrites = ROUTES.filter((r) => r.method !== 'GET' && !BODY[`${r.method} ${r.path}`]).map(
      (r) => `${r.method} ${r.path}`,
    );
    expect({ unknownPaths, unknownWrites }).toEqual({ unknownPaths: [], unknownWrites: [] });
    expect(ROUTES.length).toBeGreaterThanOrEqual(77);
  });

  it('the first brigade has something of every kind to find, and its own people see its words where the walk looks for them', async () => {
    for (const list of [a.operations, a.plans, a.meetings, a.problems, a.notices, a.goods, a.transfers])
      expect(list.length).toBeGreaterThan(0);
    expect(a.cases.length).toBeGreaterThan(0);
    expect(a.flags.length).toBeGreaterThan(0);
    expect(a.notifications.length).toBeGreaterThan(0);
    // The check is not empty: the same lists, read by the first brigade's own people, do show its words and ids.
    const own: Array<[string, string]> = [
      ['duty', '/api/v1/operations'],
      ['duty', '/api/v1/incidents'],
      ['duty', '/api/v1/flags'],
      ['duty', '/api/v1/group-plans'],
      ['duty', '/api/v1/meetings'],
      ['duty', '/api/v1/problems'],
      ['duty', '/api/v1/border-notices'],
      ['duty', '/api/v1/goods'],
      ['duty', '/api/v1/cases'],
      ['duty', '/api/v1/transfers'],
      ['duty', '/api/v1/jobs'],
      ['waitan.leader', '/api/v1/notifications'],
      ['admin', '/api/v1/users'],
    ];
    for (const [user, path] of own) {
      const res = await t.as(user).get(path).expect(200);
      expect({ path, seen: a.markers.some((w) => appears(w, res.text)) }).toEqual({ path, seen: true });
    }
    const ops = (await t.as('duty').get('/api/v1/operations').expect(200)).body.items.map((o: { id: number }) => o.id);
    expect(ops).toEqual(expect.arrayContaining(a.operations.map((o) => o.id)));
  });
});

describe.each(WALKERS)('walked by the second brigade’s %s', (role) => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s',
    async (_name, route) => {
      const fill = route.path.includes('{') ? FILL[route.path] : () => [{ params: {}, ofFirst: false } as Binding];
      if (!fill) throw new Error(`The walk does not know how to fill ${route.path}: add it to FILL`);
      const key = `${route.method} ${route.path}`;
      for (const bind of fill(a)) {
        const url = fillPath(route.path, bind.params);
        if (route.method === 'GET') {
          const required = route.query.filter((q) => q.required);
          const missing = required.filter((q) => !QUERY[q.name]);
          if (missing.length)
            throw new Error(
              `The walk does not fill the required query ${missing.map((q) => q.name).join(', ')} of ${key}: add it to QUERY`,
            );
          const bare = new URLSearchParams(required.map((q): [string, string] => [q.name, QUERY[q.name](a)]));
          const filtered = new URLSearchParams(
            route.query.filter((q) => QUERY[q.name]).map((q): [string, string] => [q.name, QUERY[q.name](a)]),
          );
          const variants = [...new Set([bare.toString(), filtered.toString()])];
          for (const qs of variants) {
            const attempt = await call(route, role, qs ? `${url}?${qs}` : url);
            // A list filtered by the first brigade's codes or ids names them: refused, or nothing of theirs.
            judge(route, attempt, { ofFirst: bind.ofFirst, refers: false });
          }
          continue;
        }
        const make = BODY[key];
        if (!make) throw new Error(`The walk does not know a body for ${key}: add it to BODY`);
        const { body, refers } = make(a, bind, { now: t.clock.now(), b, role });
        const before = await snapshotOfFirst();
        const attempt = await call(route, role, url, body);
        judge(route, attempt, { ofFirst: bind.ofFirst, refers });
        const after = await snapshotOfFirst();
        const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
        expect({ route: key, role, url, changed }).toEqual({ route: key, role, url, changed: [] });
      }
    },
    60_000,
  );
});
