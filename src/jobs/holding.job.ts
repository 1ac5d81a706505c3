import { In, IsNull, LessThanOrEqual } from 'typeorm';
import { Flag, Operation, WorkflowDeadline } from '../persistence/entities';
import type { WantedFlag } from '../domain/oversight/flag.service';
import { localDateOf } from '../time';
import { AppError } from '../errors';
import type { BrigadeJob } from './job';

/**
 * R12, R14: sends HOLDING_ELAPSED (through the engine, as the system) to every
 * operation whose holding period is over, and flags holdings whose audit is
 * overdue. A second run finds nothing more to send: the event moved the
 * operation on and closed its deadline.
 */
export const holdingJob: BrigadeJob = {
  name: 'holding',
  description: 'R12 R14',
  scope: 'brigade',
  async runFor({ services, now, runId }, brigade) {
    const { db, engine, org, flags, workflows } = services;
    const system = org.systemActor(brigade);
    const due = await db.manager.find(WorkflowDeadline, {
      where: {
        brigadeId: brigade.id,
        workflow: 'operation',
        event: 'HOLDING_ELAPSED',
        closedAt: IsNull(),
        dueAt: LessThanOrEqual(now),
      },
      order: { dueAt: 'ASC' },
    });
    let sent = 0;
    const refused: Array<{ operation: number; code: string }> = [];
    for (const d of due) {
      try {
        // The step keeps when holding ended (the due time) beside when this run recorded it.
        await engine.send(
          workflows.operation,
          d.instanceId,
          system,
          { type: 'HOLDING_ELAPSED' },
          { effectiveAt: d.dueAt },
        );
        sent++;
      } catch (e) {
        // Another instance or a person moved it first: nothing to do. Anything else is the run's failure.
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        refused.push({ operation: d.instanceId, code: e.code });
      }
    }
    // R14: an audit not done within its limit after holding ended.
    const overdue = await db.manager.find(WorkflowDeadline, {
      where: {
        brigadeId: brigade.id,
        workflow: 'operation',
        kind: 'audit',
        closedAt: IsNull(),
        dueAt: LessThanOrEqual(now),
      },
    });
    const ops = overdue.length
      ? await db.manager.find(Operation, {
          select: { id: true, groupId: true, hostSquadId: true, title: true },
          where: { id: In(overdue.map((d) => d.instanceId)) },
        })
      : [];
    const wanted: WantedFlag[] = overdue.map((d) => {
      const op = ops.find((o) => o.id === d.instanceId);
      return {
        rule: 'R14',
        kind: 'audit_overdue',
        period: localDateOf(d.dueAt, brigade.timeZone).slice(0, 7),
        groupId: op?.groupId ?? null,
        squadId: op?.hostSquadId ?? null,
        recordType: 'operation',
        recordId: d.instanceId,
        subject: `d${d.id}`,
        figures: {
          operation: d.instanceId,
          title: op?.title ?? '',
          dueAt: d.dueAt.toISOString(),
          hoursLate: Math.round((now.getTime() - d.dueAt.getTime()) / 360_000) / 10,
        },
      };
    });
    const open = await db.manager.find(Flag, {
      select: { period: true },
      where: { brigadeId: brigade.id, kind: 'audit_overdue', status: 'open' },
    });
    const periods = [...new Set([...wanted.map((w) => w.period), ...open.map((f) => f.period)])];
    const sync = await db.transaction((m) =>
      flags.sync(m, brigade.id, { kind: 'audit_overdue', periods }, wanted, runId),
    );
    return {
      found: due.length + overdue.length,
      did: sent + sync.raised + sync.resolvedByData,
      summary: { holdingOver: due.length, sent, refused, auditsOverdue: overdue.length, ...sync },
    };
  },
};
