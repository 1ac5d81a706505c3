import type { Database } from '../../persistence/data-source';
import { BorderNotice, HardProblem, Squad } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import type { SelectQueryBuilder } from 'typeorm';

/** What waits for a user among hard problems and border notices (SPEC §6: each role lands on its own inbox). */
export interface ProblemWork {
  /** §3.4: reports to accept (a leader of a squad at the border; the Duty Command Section). */
  toAccept: HardProblem[];
  /** R8: notices of their group still to act on (squad leaders). */
  notices: BorderNotice[];
  /** §3.4: hotline problems resolved and not yet called back. */
  callbacks: HardProblem[];
}

const SHOWN = 20;

/** squad_ids is JSON text written without spaces ([3,7]): the id as a whole element. */
function atBorder<T extends object>(q: SelectQueryBuilder<T>, alias: string, squadId: number): SelectQueryBuilder<T> {
  const s = String(squadId);
  return q.andWhere(`(${alias}.squad_ids LIKE :sa OR ${alias}.squad_ids LIKE :sb OR ${alias}.squad_ids LIKE :sc OR ${alias}.squad_ids LIKE :sd)`, {
    sa: `[${s}]`,
    sb: `[${s},%`,
    sc: `%,${s}]`,
    sd: `%,${s},%`,
  });
}

export class ProblemInboxService {
  constructor(private readonly db: Database) {}

  async work(p: Principal): Promise<ProblemWork> {
    const m = this.db.manager;
    const leader = p.roles.includes('squad_leader') && p.squadId !== null;
    const duty = p.roles.includes('duty_officer');
    const problems = (state: string, extra?: (q: SelectQueryBuilder<HardProblem>) => SelectQueryBuilder<HardProblem>) => {
      if (!leader && !duty) return Promise.resolve([] as HardProblem[]);
      let q = m.createQueryBuilder(HardProblem, 'p').where('p.brigade_id = :b AND p.state = :state', { b: p.brigadeId, state });
      if (extra) q = extra(q);
      if (!duty) q = atBorder(q, 'p', p.squadId!);
      return q.orderBy('p.id', 'ASC').take(SHOWN).getMany();
    };
    const notices = async () => {
      if (!leader) return [];
      const own = await m.findOneBy(Squad, { id: p.squadId! });
      const q = m.createQueryBuilder(BorderNotice, 'n').where('n.brigade_id = :b AND n.state = :s', { b: p.brigadeId, s: 'sent' });
      // R8: the notices told to the leader's group, and those of senders without a group (a mobile squad) at the border of the leader's own squad.
      const sq = String(p.squadId);
      const borderless = "(n.group_id IS NULL AND (n.squad_ids LIKE :na OR n.squad_ids LIKE :nb OR n.squad_ids LIKE :nc OR n.squad_ids LIKE :nd))";
      const border = { na: `[${sq}]`, nb: `[${sq},%`, nc: `%,${sq}]`, nd: `%,${sq},%` };
      if (own?.groupId !== null && own?.groupId !== undefined) q.andWhere(`(n.group_id = :g OR ${borderless})`, { g: own.groupId, ...border });
      else q.andWhere(borderless, border);
      return q.orderBy('n.id', 'ASC').take(SHOWN).getMany();
    };
    const [toAccept, waiting, callbacks] = await Promise.all([
      problems('reported'),
      notices(),
      problems('resolved', (q) => q.andWhere("p.source = 'hotline_12319' AND p.callback_count = 0")),
    ]);
    return { toAccept, notices: waiting, callbacks };
  }

  async count(p: Principal): Promise<number> {
    const w = await this.work(p);
    return w.toAccept.length + w.notices.length + w.callbacks.length;
  }
}
