import { Brigade, Flag, GoodsItem, Operation } from '../persistence/entities';
import type { WantedFlag } from '../domain/oversight/flag.service';
import { In } from 'typeorm';
import { localDateOf } from '../time';
import type { JobDefinition } from './job';

const KINDS = ['goods_near_limit', 'goods_past_limit'] as const;

/**
 * R13: detained goods near their legal limit (amber: 80 % of the time from
 * registration to the limit gone, §3.5) and past it. One
 * flag per item and kind, for the month its limit falls in; an item returned,
 * confiscated, disposed of or extended resolves its flag by data. Idempotent:
 * a second run with nothing changed raises nothing.
 */
export const goodsLimitsJob: JobDefinition = {
  name: 'goods-limits',
  description: 'R13',
  async run({ services, now, runId }) {
    const { db, flags, goods } = services;
    const summary: Record<string, unknown> = {};
    let found = 0;
    let did = 0;
    for (const brigade of await db.manager.find(Brigade)) {
      const held = await db.manager
        .createQueryBuilder(GoodsItem, 'g')
        .where("g.brigade_id = :b AND g.state = 'held' AND g.amber_at <= :now", { b: brigade.id, now })
        .getMany();
      const near = held.filter((i) => goods.lightOf(i, now) !== 'green');
      const opIds = [...new Set(near.map((i) => i.operationId))];
      const ops = opIds.length ? await db.manager.find(Operation, { select: { id: true, groupId: true, title: true }, where: { id: In(opIds) } }) : [];
      const opById = new Map(ops.map((o) => [o.id, o]));
      const wanted: Record<(typeof KINDS)[number], WantedFlag[]> = { goods_near_limit: [], goods_past_limit: [] };
      for (const i of near) {
        const kind = goods.lightOf(i, now) === 'red' ? 'goods_past_limit' : 'goods_near_limit';
        wanted[kind].push({
          rule: 'R13',
          kind,
          period: localDateOf(i.dueAt, brigade.timeZone).slice(0, 7),
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
      const result: Record<string, unknown> = { near: wanted.goods_near_limit.length, past: wanted.goods_past_limit.length };
      await db.transaction(async (m) => {
        for (const kind of KINDS) {
          // Periods with open flags are looked at again: an item dealt with resolves its flag by data.
          const open = await m.find(Flag, { select: { period: true }, where: { brigadeId: brigade.id, kind, status: 'open' } });
          const periods = [...new Set([...wanted[kind].map((w) => w.period), ...open.map((f) => f.period)])];
          const sync = await flags.sync(m, brigade.id, { kind, periods }, wanted[kind], runId);
          result[kind] = sync;
          did += sync.raised + sync.resolvedByData;
        }
      });
      summary[brigade.code] = result;
      found += near.length;
    }
    return { found, did, summary };
  },
};
