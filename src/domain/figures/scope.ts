import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../errors';
import { LinkageGroup, Squad } from '../../persistence/entities';
import type { Principal } from '../org/org.service';

/**
 * Whose figures: the brigade, one linkage group, or one squad. An operation
 * belongs to a scope when a squad of the scope took part in it; sums of
 * results take only the scope's squads' lines (so a brigade-led operation
 * across groups gives each group its own share).
 */
export interface FigureScope {
  brigadeId: number;
  timeZone: string;
  kind: 'brigade' | 'group' | 'squad';
  group?: LinkageGroup;
  squad?: Squad;
}

export async function figureScope(m: EntityManager, p: Principal, opts: { group?: string; squad?: string }): Promise<FigureScope> {
  const base = { brigadeId: p.brigadeId, timeZone: p.timeZone };
  if (opts.squad) {
    const squad = await m.findOneBy(Squad, { brigadeId: p.brigadeId, code: opts.squad });
    if (!squad) throw new NotFoundError(`No squad ${opts.squad}`);
    return { ...base, kind: 'squad', squad };
  }
  if (opts.group) {
    const group = await m.findOneBy(LinkageGroup, { brigadeId: p.brigadeId, code: opts.group });
    if (!group) throw new NotFoundError(`No group ${opts.group}`);
    return { ...base, kind: 'group', group };
  }
  return { ...base, kind: 'brigade' };
}

/**
 * SQL that keeps an operation (alias `o`) to the scope: a squad of the scope
 * took part. Returns the condition and its parameters.
 */
export function operationInScope(s: FigureScope, alias = 'o', opts: { perRow?: boolean } = {}): { sql: string; params: unknown[] } {
  // perRow: checked row by row (a drill-down's page stops after a few rows); MariaDB would otherwise first gather every
  // operation line of the scope (a semi-join materialized) — right for a month's sums, slow for a page of 100.
  if (opts.perRow && s.kind !== 'brigade') {
    const [join, cond, param] = s.kind === 'squad' ? ['', 'xs.squad_id = ?', s.squad!.id] : [' JOIN squads xq ON xq.id = xs.squad_id', 'xq.group_id = ?', s.group!.id];
    return { sql: `(SELECT COUNT(*) FROM operation_squads xs${join} WHERE xs.operation_id = ${alias}.id AND ${cond}) > 0`, params: [param] };
  }
  if (s.kind === 'squad') return { sql: `EXISTS (SELECT 1 FROM operation_squads xs WHERE xs.operation_id = ${alias}.id AND xs.squad_id = ?)`, params: [s.squad!.id] };
  if (s.kind === 'group') {
    return {
      sql: `EXISTS (SELECT 1 FROM operation_squads xs JOIN squads xq ON xq.id = xs.squad_id WHERE xs.operation_id = ${alias}.id AND xq.group_id = ?)`,
      params: [s.group!.id],
    };
  }
  return { sql: '1 = 1', params: [] };
}

/** SQL that keeps a squad's result line (aliases `os` for operation_squads, `sq` for squads) to the scope. */
export function lineInScope(s: FigureScope): { sql: string; params: unknown[] } {
  if (s.kind === 'squad') return { sql: 'os.squad_id = ?', params: [s.squad!.id] };
  if (s.kind === 'group') return { sql: 'sq.group_id = ?', params: [s.group!.id] };
  return { sql: '1 = 1', params: [] };
}
