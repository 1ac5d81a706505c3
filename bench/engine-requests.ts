/**
 * What the engine benches send (engine.bench.ts, engine-cluster.bench.ts): the four
 * linkage groups' plans and the five events each operation goes through, and how a
 * run's latencies are summed up.
 */
import { percentile, pool } from './support';

/** Per group: its first squad leads and hosts, its second takes part. */
export const GROUPS = [
  { group: 'north', host: 'waitan', other: 'nanjingdonglu' },
  { group: 'oldcity', host: 'yuyuan', other: 'xiaodongmen' },
  { group: 'south', host: 'bansongyuanlu', other: 'wuliqiao' },
  { group: 'west', host: 'huaihaizhonglu', other: 'ruijinerlu' },
];
export const EVENTS = ['FILE', 'APPROVE', 'START', 'LOG_INCIDENT', 'COMPLETE'] as const;

type Group = (typeof GROUPS)[number];

/** A complete plan of a joint operation of group `g`, as its lead squad's leader drafts it. */
export function planBody(g: Group, plannedStart: string): Record<string, unknown> {
  return {
    kind: 'regular',
    group: g.group,
    leadSquad: g.host,
    hostSquad: g.host,
    squads: [g.host, g.other],
    title: '基准测试联动',
    problemSource: 'hotspot',
    location: '基准路',
    plannedStart,
    plannedHours: 4,
    holdingDays: 7,
    situation: '情况',
    mission: '任务',
    execution: '实施',
    command: '指挥',
    contingency: '预案',
    goodsArrangements: '暂扣物品安排',
    holdingPlan: '固守方案',
    forces: [
      { squad: g.host, officers: 5, vehicles: 1 },
      { squad: g.other, officers: 4, vehicles: 1 },
    ],
  };
}

/** Who sends event `type` of an operation of group `g`, and its body (with the version the sender read). */
export function eventRequest(
  type: (typeof EVENTS)[number],
  g: Group,
  version: number,
): { user: string; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { type, expectedVersion: version };
  let user = `${g.host}.leader`;
  if (type === 'APPROVE') user = 'duty';
  // Begun now, well before its planned start (an early start says why); completed at once (a short one says why).
  if (type === 'START') body.earlyReason = '基准测试';
  if (type === 'LOG_INCIDENT') {
    user = `${g.other}.officer`;
    Object.assign(body, {
      incidentType: 'verbal_abuse',
      severity: 'minor',
      injuries: 0,
      description: '辱骂',
      response: '劝离',
    });
  }
  if (type === 'COMPLETE') {
    body.results = [g.host, g.other].map((squad) => ({
      squad,
      officers: 4,
      vehicles: 1,
      educated: 5,
      handled: 1,
    }));
    body.shortReason = '基准测试';
  }
  return { user, body };
}

export interface Timing {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export function summarise(latencies: number[], seconds: number, errors: number): Timing {
  return {
    count: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round(latencies.length / seconds),
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    errors,
  };
}

/** A POST as a bench's client sends it: as `user`, to `urlPath` of the server(s) under test. */
export type Post = (
  user: string,
  urlPath: string,
  body: unknown,
) => Promise<{ status: number; json: Record<string, unknown> }>;

export type Created = Array<{ id: number; g: Group }>;

/** `operations` plans created through the API by `clients` at once (the groups in turn), timed. */
export async function createPlans(
  post: Post,
  operations: number,
  clients: number,
): Promise<{ created: Created; creates: Timing }> {
  const plannedStart = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString();
  const created: Created = [];
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await pool(
    Array.from({ length: operations }, (_, i) => GROUPS[i % GROUPS.length]),
    clients,
    async (g) => {
      const started = performance.now();
      const res = await post(`${g.host}.leader`, '/api/v1/operations', planBody(g, plannedStart));
      latencies.push(performance.now() - started);
      if (res.status === 201) created.push({ id: res.json.id as number, g });
      else errors++;
    },
  );
  return { created, creates: summarise(latencies, (performance.now() - t0) / 1000, errors) };
}

/**
 * Each client carries one operation at a time through its five events (EVENTS), timed; an
 * operation whose event is refused stops there (`refused` hears of it).
 */
export async function sendEvents(
  post: Post,
  created: Created,
  clients: number,
  refused: (type: (typeof EVENTS)[number], status: number, body: Record<string, unknown>) => void = () => undefined,
): Promise<Timing> {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await pool(created, clients, async ({ id, g }) => {
    let version = 1;
    for (const type of EVENTS) {
      const { user, body } = eventRequest(type, g, version);
      const started = performance.now();
      const res = await post(user, `/api/v1/operations/${id}/events`, body);
      latencies.push(performance.now() - started);
      if (res.status !== 200) {
        errors++;
        refused(type, res.status, res.json);
        break;
      }
      version = res.json.version as number;
    }
  });
  return summarise(latencies, (performance.now() - t0) / 1000, errors);
}
