import type { TestApp } from './test-app';

/** A party's goods as the API takes them: a tricycle and a box of fruit by default (both kept by the host squad). */
export function goodsBody(operation: number, over: Record<string, unknown> = {}) {
  return {
    operation,
    party: { name: '王某', phone: '13800000000', stall: '中山东一路 12 号门前流动摊' },
    items: [
      { description: '三轮车（蓝色）', quantity: 1, unit: '辆', storagePlace: '外滩中队暂扣物品仓库' },
      { description: '橘子', quantity: 12.5, unit: '千克', perishable: true, storagePlace: '外滩中队冷藏柜' },
    ],
    ...over,
  };
}

/** Registers goods as the host squad's leader; returns the new items' ids. */
export async function registerGoods(
  t: TestApp,
  operation: number,
  over: Record<string, unknown> = {},
  as = 'waitan.leader',
): Promise<number[]> {
  const res = await t.as(as).post('/api/v1/goods', goodsBody(operation, over));
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.map((i: { id: number }) => i.id);
}

/** Sends an event to an item, expecting success; returns the new version. */
export async function sendGoods(t: TestApp, id: number, as: string, body: Record<string, unknown>) {
  const { body: item } = await t.as(as).get(`/api/v1/goods/${id}`);
  const res = await t.as(as).post(`/api/v1/goods/${id}/events`, { expectedVersion: item.version, ...body });
  if (res.status !== 200) throw new Error(`${String(body.type)} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}
