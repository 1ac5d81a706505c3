import { type EntityManager, In } from 'typeorm';
import { Flag, GoodsItem, Operation } from '../persistence/entities';
import type { WantedFlag } from '../domain/oversight/flag.service';
import type { Light } from '../domain/oversight/lights';
import { localDateOf } from '../time';
import type { BrigadeJob } from './job';
import { heldGoodsAtAmber } from './jobs.queries';

const KINDS = ['goods_near_limit', 'goods_past_limit'] as const;
type Kind = (typeof KINDS)[number];

/**
 * The brigade's held items at or past amber, read in the transaction that
 * syncs their flags, so the flags raised and resolved are those of the items
 * as this transaction sees them. On MySQL/MariaDB the read is a locking one:
 * an item's step still in flight (a return, a disposal) is waited for and
 * then seen as it committed, not as it was before (READ COMMITTED would show
 * the old row, and the job would flag goods already dealt with). SQLite runs
 * one write transaction at a time, so no step is in flight meanwhile.
 */
function heldNearLimit(m: EntityManager, brigadeId: number, now: Date): Promise<GoodsItem[]> {
  return heldGoodsAtAmber(m, brigadeId, now);
}

/** The flags these held items call for (one per item and kind, in the month its limit falls in). */
function wantedFlags(
  held: GoodsItem[],
  opById: Map<number, Pick<Operation, 'groupId'>>,
  timeZone: string,
  now: Date,
  lightOf: (i: GoodsItem) => Light | null,
): Record<Kind, WantedFlag[]> {
  const wanted: Record<Kind, WantedFlag[]> = { goods_near_limit: [], goods_past_limit: [] };
  for (const i of held) {
    const light = lightOf(i);
    if (light === 'green' || light === null) continue;
    const kind: Kind = light === 'red' ? 'goods_past_limit' : 'goods_near_limit';
    wanted[kind].push({
      rule: 'R13',
      kind,
      period: localDateOf(i.dueAt, timeZone).slice(0, 7),
      groupId: opById.get(i.operationId)?.groupId ?? null,
      // The custodian squad acts on it.
      squadId: i.custodianSquadId,
      recordType: 'goods',
      recordId: i.id,
      subject: `i${i.id}`,
      figures: {
        item: i.id,
        description: i.description,
        quantity: i.quantity,
        unit: i.unit,
        perishable: i.perishable,
        operation: i.operationId,
        dueAt: i.dueAt.toISOString(),
        extended: i.extended,
        hours: Math.round((Math.abs(i.dueAt.getTime() - now.getTime()) / 3_600_000) * 10) / 10,
      },
    });
  }
  return wanted;
}

/**
 * R13: detained goods near their legal limit (amber: 80 % of the time from
 * registration to the limit gone, §3.5) and past it. One
 * flag per item and kind, for the month its limit falls in; an item returned,
 * confiscated, disposed of or extended resolves its flag by data. Idempotent:
 * a second run with nothing changed raises nothing.
 */
export const goodsLimitsJob: BrigadeJob = {
  name: 'goods-limits',
  description: 'R13',
  scope: 'brigade',
  async runFor({ services, now, runId }, brigade) {
    const { db, flags, goods } = services;
    // One transaction per brigade: what is read is what the flags are synced to.
    const outcome = await db.transaction(async (m) => {
      const held = await heldNearLimit(m, brigade.id, now);
      const near = held.filter((i) => goods.lightOf(i, now) !== 'green');
      const opIds = [...new Set(near.map((i) => i.operationId))];
      const ops = opIds.length
        ? await m.find(Operation, { select: { id: true, groupId: true }, where: { id: In(opIds) } })
        : [];
      const wanted = wantedFlags(near, new Map(ops.map((o) => [o.id, o])), brigade.timeZone, now, (i) =>
        goods.lightOf(i, now),
      );
      const result: Record<string, unknown> = {
        near: wanted.goods_near_limit.length,
        past: wanted.goods_past_limit.length,
      };
      let changed = 0;
      for (const kind of KINDS) {
        // Periods with open flags are looked at again: an item dealt with resolves its flag by data.
        const open = await m.find(Flag, {
          select: { period: true },
          where: { brigadeId: brigade.id, kind, status: 'open' },
        });
        const periods = [...new Set([...wanted[kind].map((w) => w.period), ...open.map((f) => f.period)])];
        const sync = await flags.sync(m, brigade.id, { kind, periods }, wanted[kind], runId);
        result[kind] = sync;
        changed += sync.raised + sync.resolvedByData;
      }
      return { result, found: near.length, did: changed };
    });
    return { found: outcome.found, did: outcome.did, summary: outcome.result };
  },
};
