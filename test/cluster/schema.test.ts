import { clusterIsUp, NODES } from '../../scripts/cluster';
import { clusterDatabase, queryNode } from './support';

/** Issue 15: migrations run on one node of the cluster; their DDL replicates, and every table has its primary key everywhere. */
jest.setTimeout(300_000);

let db: Awaited<ReturnType<typeof clusterDatabase>>;

beforeAll(async () => {
  if (!(await clusterIsUp())) throw new Error('the cluster is not up (all 3 Synced): npm run cluster -- up');
  db = await clusterDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('the schema on a Galera cluster', () => {
  it('the migrations run on node 1 leave the same tables, columns and keys on all three nodes, none without a primary key', async () => {
    const shapes = await Promise.all(
      NODES.map((i) =>
        queryNode<{ t: string; c: string; k: string | null }>(
          i,
          'information_schema',
          `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_KEY AS k FROM COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
          [db.name],
        ),
      ),
    );
    expect(shapes[0].length).toBeGreaterThan(100);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    const tables = new Set(shapes[0].map((r) => r.t));
    const keyed = new Set(shapes[0].filter((r) => r.k === 'PRI').map((r) => r.t));
    expect([...tables].filter((t) => !keyed.has(t))).toEqual([]);
    expect(tables.has('migrations')).toBe(true);
  });

  it('auto-increment ids step by the cluster size, each node on its own offset', async () => {
    const settings = await Promise.all(
      NODES.map(async (i) => {
        const [row] = await queryNode<{ inc: number; off: number }>(
          i,
          db.name,
          'SELECT @@auto_increment_increment AS inc, @@auto_increment_offset AS off',
        );
        return { inc: Number(row.inc), off: Number(row.off) };
      }),
    );
    expect(settings.map((s) => s.inc)).toEqual([3, 3, 3]);
    expect(new Set(settings.map((s) => s.off)).size).toBe(3);
  });
});
