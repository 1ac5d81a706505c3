import { In, IsNull, LessThan, Not } from 'typeorm';
import { Flag, HardProblem, Operation, WorkflowDeadline } from '../persistence/entities';
import { transferFlagContext } from '../domain/cases/case-transfer.workflow';
import type { WantedFlag } from '../domain/oversight/flag.service';
import { localDateOf } from '../time';
import type { BrigadeJob } from './job';

/** Deadlines another job settles: the end of holding (an event) and the audit (flagged by the holding job, R14). */
const OTHERS = ['holding_end', 'audit'];

/**
 * §3.5: flags every record that has waited past its state's time limit (a
 * filing awaiting a decision, results not recorded …); a flag closes by data
 * once the record moves on.
 */
export const timeLimitsJob: BrigadeJob = {
  name: 'time-limits',
  description: '§3.5',
  scope: 'brigade',
  async runFor({ services, now, runId }, brigade) {
    const { db, flags } = services;
    const late = await db.manager.find(WorkflowDeadline, {
      where: { brigadeId: brigade.id, closedAt: IsNull(), dueAt: LessThan(now), kind: Not(In(OTHERS)) },
    });
    const opIds = late.filter((d) => d.workflow === 'operation').map((d) => d.instanceId);
    const ops = opIds.length
      ? await db.manager.find(Operation, {
          select: { id: true, groupId: true, leadSquadId: true, hostSquadId: true, title: true },
          where: { id: In(opIds) },
        })
      : [];
    const byId = new Map(ops.map((o) => [o.id, o]));
    // §3.5: hard problems wait too (to be accepted, a hotline one for its call-back).
    const problemIds = late.filter((d) => d.workflow === 'hard_problem').map((d) => d.instanceId);
    const problemTitles = new Map(
      (problemIds.length
        ? await db.manager.find(HardProblem, { select: { id: true, title: true }, where: { id: In(problemIds) } })
        : []
      ).map((p) => [p.id, p.title]),
    );
    // R10: a late transfer names the squad that must answer, and its case (the designation waits on the legal section).
    const transfers = await transferFlagContext(db.manager, late);
    const wanted: WantedFlag[] = late.map((d) => {
      const op = byId.get(d.instanceId);
      const tr = transfers.get(d.instanceId);
      if (tr)
        return {
          ...tr,
          period: localDateOf(d.dueAt, brigade.timeZone).slice(0, 7),
          subject: `d${d.id}`,
          figures: {
            limit: d.kind,
            state: d.state,
            record: d.instanceId,
            title: tr.title,
            startsAt: d.startsAt.toISOString(),
            dueAt: d.dueAt.toISOString(),
            hoursLate: Math.round((now.getTime() - d.dueAt.getTime()) / 360_000) / 10,
          },
        };
      return {
        rule: '§3.5',
        kind: 'time_limit',
        period: localDateOf(d.dueAt, brigade.timeZone).slice(0, 7),
        groupId: op?.groupId ?? null,
        // Who must act: the lead squad on results, the Duty Command Section on a decision.
        squadId: d.kind === 'results' ? (op?.hostSquadId ?? null) : null,
        recordType: d.workflow,
        recordId: d.instanceId,
        subject: `d${d.id}`,
        figures: {
          limit: d.kind,
          state: d.state,
          record: d.instanceId,
          title: op?.title ?? problemTitles.get(d.instanceId) ?? '',
          startsAt: d.startsAt.toISOString(),
          dueAt: d.dueAt.toISOString(),
          hoursLate: Math.round((now.getTime() - d.dueAt.getTime()) / 360_000) / 10,
        },
      };
    });
    const open = await db.manager.find(Flag, {
      select: { period: true },
      where: { brigadeId: brigade.id, kind: 'time_limit', status: 'open' },
    });
    const periods = [...new Set([...wanted.map((w) => w.period), ...open.map((f) => f.period)])];
    const sync = await db.transaction((m) => flags.sync(m, brigade.id, { kind: 'time_limit', periods }, wanted, runId));
    const byKind: Record<string, number> = {};
    for (const d of late) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    return {
      found: late.length,
      did: sync.raised + sync.resolvedByData,
      summary: { pastLimit: late.length, byKind, ...sync },
    };
  },
};
