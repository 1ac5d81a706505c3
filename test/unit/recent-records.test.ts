import { RecentRecords, type RecentRecord } from '../../src/engine/recent-records';

const record = (version: number, over: Partial<RecentRecord> = {}): RecentRecord => ({
  workflow: 'operation',
  brigadeId: 1,
  machineVersion: 2,
  version,
  snapshot: '{}',
  headHash: `h${version}`,
  openDeadlines: 0,
  ...over,
});

describe('RecentRecords', () => {
  it('gives a copy back only for its own workflow and brigade', () => {
    const recent = new RecentRecords();
    recent.set(7, record(3));
    expect(recent.get(7, 'operation', 1)?.version).toBe(3);
    expect(recent.get(7, 'meeting', 1)).toBeUndefined();
    expect(recent.get(7, 'operation', 2)).toBeUndefined();
    expect(recent.get(8, 'operation', 1)).toBeUndefined();
  });

  it('keeps the last copy of a record, forgets on request, and drops the least recently written beyond its size', () => {
    const recent = new RecentRecords(2);
    recent.set(1, record(1));
    recent.set(2, record(1));
    recent.set(1, record(2)); // record 1 is now the most recent
    recent.set(3, record(1));
    expect([1, 2, 3].map((id) => recent.get(id, 'operation', 1)?.version ?? null)).toEqual([2, null, 1]);
    recent.forget(1);
    expect([1, 2, 3].map((id) => recent.get(id, 'operation', 1)?.version ?? null)).toEqual([null, null, 1]);
  });
});
