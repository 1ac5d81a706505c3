/**
 * Migrations of stored hard-problem snapshots, keyed by the machine version
 * they were stored by: each takes a persisted snapshot of version N to N + 1
 * (the engine runs them in order on load, src/engine/engine.ts restore()).
 */
import type { StoredSnapshot } from '../shared/rules';

interface PersistedV1 {
  context: { resolutions: Array<{ note: string; at: string; by: number | null }> } & Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * 1 → 2: a resolution names the operation that resolved it. Version 1 kept
 * that only in the step's payload and a link row, not in the snapshot, so an
 * old resolution says "not known here" (null); the problem's resolved-by links
 * (classified from the history by migration 20261206T0300) still name it.
 */
function v1ToV2(persisted: PersistedV1): unknown {
  const ctx = persisted.context;
  return { ...persisted, context: { ...ctx, resolutions: ctx.resolutions.map((r) => ({ ...r, operationId: null })) } };
}

export const HARD_PROBLEM_SNAPSHOT_MIGRATIONS: Record<number, (persisted: StoredSnapshot) => StoredSnapshot> = {
  1: v1ToV2,
};
