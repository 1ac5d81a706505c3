import { type RotationMeeting, rotation } from '../../workflows/meeting';

// Squads by letter: group north is W(aitan), N(anjingdonglu), K (nanjinglu-walk), B(und-scenic); Y is yuyuan-scenic.
const [W, N, K, B, Y] = [1, 2, 3, 4, 9];

/** Holds `count` meetings, each convened by whoever the rotation names, with the members of the time. */
function hold(history: RotationMeeting[], members: number[], count: number): number[] {
  const conveners: number[] = [];
  for (let i = 0; i < count; i++) {
    const next = rotation(members, history).next!;
    history.push({ id: history.length + 1, convenerSquadId: next, memberSquadIds: [...members] });
    conveners.push(next);
  }
  return conveners;
}

describe('the convener rotation (R9: 轮值召集)', () => {
  it('the first member squad convenes the group’s first meeting', () => {
    const r = rotation([W, N, K, B], []);
    expect(r.next).toBe(W);
    expect(r.queue.map((p) => [p.squadId, p.kind, p.tied])).toEqual([
      [W, 'founding', true],
      [N, 'founding', true],
      [K, 'founding', true],
      [B, 'founding', true],
    ]);
  });

  it('then member order, wrapping round, for a year with the same members', () => {
    expect(hold([], [W, N, K, B], 12)).toEqual([W, N, K, B, W, N, K, B, W, N, K, B]);
    expect(hold([], [W, N, K], 7)).toEqual([W, N, K, W, N, K, W]);
  });

  it('over a year with a change of membership in June, every squad still takes its turn once a round', () => {
    const history: RotationMeeting[] = [];
    const firstHalf = hold(history, [W, N, K, B], 6);
    expect(firstHalf).toEqual([W, N, K, B, W, N]);
    // After June's meeting, B leaves the group and Y joins it second in member order.
    const members = [W, Y, N, K];
    const before = rotation(members, history);
    // K waited longest (March); then W (May); Y is queued as if it had convened June's meeting, but goes before N (who did) by member order after N.
    expect(before.queue.map((p) => [p.squadId, p.kind])).toEqual([
      [K, 'convened'],
      [W, 'convened'],
      [Y, 'joined'],
      [N, 'convened'],
    ]);
    expect(before.queue.find((p) => p.squadId === Y)).toMatchObject({ since: 6, tied: true });
    const secondHalf = hold(history, members, 6);
    expect(secondHalf).toEqual([K, W, Y, N, K, W]);
    // Over the year, nobody convened twice while another member waited for a first turn since joining.
    const year = [...firstHalf, ...secondHalf];
    expect(year.filter((s) => s === Y)).toHaveLength(1);
    expect(year.filter((s) => s === B)).toHaveLength(1);
  });

  it('a convener who left is skipped, and the order goes on from the squad after it', () => {
    const history: RotationMeeting[] = [];
    hold(history, [W, N, K, B], 2); // W, N
    // N leaves right after convening; K was next after it.
    expect(rotation([W, K, B], history).next).toBe(K);
  });

  it('a reordering of the members changes only who goes first among squads that waited as long', () => {
    const history: RotationMeeting[] = [];
    hold(history, [W, N, K, B], 6); // W N K B W N
    // Plain member order from the new position of N would ask W again; the queue asks K, who waited longest.
    expect(rotation([N, W, B, K], history).next).toBe(K);
  });

  it('a squad that rejoins starts afresh from its return', () => {
    const history: RotationMeeting[] = [];
    hold(history, [W, N, K, B], 1); // W
    hold(history, [W, N, K], 3); // B is out for a while: N, K, W
    const r = rotation([W, N, K, B], history);
    // B never convened; it rejoined after meeting 4 and waits since then, behind N and K.
    expect(r.queue.map((p) => p.squadId)).toEqual([N, K, B, W]);
    expect(r.queue.find((p) => p.squadId === B)).toMatchObject({ kind: 'joined', since: 4 });
  });

  it('a convener other than the rotation’s counts as having convened', () => {
    const history: RotationMeeting[] = [{ id: 1, convenerSquadId: K, memberSquadIds: [W, N, K, B] }];
    // K stood in for W at the first meeting; W, N and B have waited equally long, so member order goes on after K.
    expect(rotation([W, N, K, B], history).queue.map((p) => p.squadId)).toEqual([B, W, N, K]);
  });
});
