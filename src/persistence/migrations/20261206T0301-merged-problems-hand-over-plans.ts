import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * §3.4: a merged duplicate hands the plans that target it to the survivor.
 * The code before copied them and left the duplicate's own in place, so an
 * operation's page listed both. Each merged problem's links go to the problem
 * that finally survives it (a survivor merged later itself passes them on),
 * once; the duplicate keeps none. No schema change.
 */
export class MergedProblemsHandOverPlans1796526060000 implements MigrationInterface {
  name = 'MergedProblemsHandOverPlans1796526060000';

  async up(q: QueryRunner): Promise<void> {
    const merged: Array<{ id: number; merged_into_id: number }> = await q.query("SELECT id, merged_into_id FROM hard_problems WHERE state = 'merged' AND merged_into_id IS NOT NULL");
    const into = new Map(merged.map((r) => [Number(r.id), Number(r.merged_into_id)]));
    const survivorOf = (id: number) => {
      let at = id;
      // A merge is never into a merged problem, but the survivor may have been merged since; no cycle can form, the bound is a guard.
      for (let i = 0; i < into.size && into.has(at); i++) at = into.get(at)!;
      return at;
    };
    for (const duplicate of into.keys()) {
      const survivor = survivorOf(duplicate);
      if (survivor === duplicate || into.has(survivor)) continue;
      const links: Array<{ operation_id: number }> = await q.query('SELECT operation_id FROM hard_problem_operations WHERE problem_id = ?', [duplicate]);
      for (const l of links) {
        const [there] = await q.query('SELECT 1 AS x FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ?', [survivor, l.operation_id]);
        if (!there) {
          await q.query('INSERT INTO hard_problem_operations (problem_id, operation_id, brigade_id, linked_at) SELECT ?, operation_id, brigade_id, linked_at FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ?', [
            survivor,
            duplicate,
            l.operation_id,
          ]);
        }
      }
      await q.query('DELETE FROM hard_problem_operations WHERE problem_id = ?', [duplicate]);
    }
  }

  async down(): Promise<void> {
    // Nothing to put back: the survivors had these links under the code before too (it copied them); only the
    // duplicates' own copies are gone, and they were what made an operation list both.
  }
}
