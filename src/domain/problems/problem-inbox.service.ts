import type { Database } from '../../persistence/data-source';
import { type BorderNotice, type HardProblem, Squad } from '../../persistence/entities';
import type { Principal } from '../org/org.service';
import { noticesWaiting, problemsInState } from './problems.queries';

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

export class ProblemInboxService {
  constructor(private readonly db: Database) {}

  async work(p: Principal): Promise<ProblemWork> {
    const m = this.db.manager;
    // A squad leader's own squad (null for anyone else).
    const leaderOf = p.roles.includes('squad_leader') ? p.squadId : null;
    const duty = p.roles.includes('duty_officer');
    const problems = (state: string, awaitingCallback = false) => {
      // A duty officer sees them all, a squad leader those at their squad's border.
      const atBorderOf = duty ? undefined : leaderOf;
      if (atBorderOf === null) return Promise.resolve([] as HardProblem[]);
      return problemsInState(m, {
        brigadeId: p.brigadeId,
        state,
        awaitingCallback,
        atBorderOf,
        take: SHOWN,
      });
    };
    const notices = async () => {
      if (leaderOf === null) return [];
      const own = await m.findOneBy(Squad, { id: leaderOf });
      // R8: the notices told to the leader's group, and those of senders without a group (a mobile squad) at the border of the leader's own squad.
      return noticesWaiting(m, {
        brigadeId: p.brigadeId,
        groupId: own?.groupId ?? null,
        squadId: leaderOf,
        take: SHOWN,
      });
    };
    const [toAccept, waiting, callbacks] = await Promise.all([
      problems('reported'),
      notices(),
      problems('resolved', true),
    ]);
    return { toAccept, notices: waiting, callbacks };
  }

  async count(p: Principal): Promise<number> {
    const w = await this.work(p);
    return w.toAccept.length + w.notices.length + w.callbacks.length;
  }
}
