import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * §3.4: what resolved a hard problem is kept apart from what a plan targets.
 * Until now one link table held both, so RESOLVE with an operation made it a
 * target of that plan, and an edit of the plan that dropped the problem took
 * the resolution with it.
 *
 * Existing rows are classified from the history, which has every RESOLVE step
 * with the operation it named (its payload): each becomes a resolution row.
 * A target link that the resolution itself made (RESOLVE wrote it with the
 * step's own time, and only when there was none) goes; a link the plan made
 * before (an earlier time) stays a target, and so does one the plan made
 * through a duplicate merged into the problem.
 */
export class HardProblemResolutions1796526000000 implements MigrationInterface {
  name = 'HardProblemResolutions1796526000000';

  async up(q: QueryRunner): Promise<void> {
    const fk = (column: string, referenced: string) => ({
      name: `FK_hard_problem_resolutions_${column}`,
      columnNames: [column],
      referencedTableName: referenced,
      referencedColumnNames: ['id'],
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
    });
    await q.createTable(
      new Table({
        name: 'hard_problem_resolutions',
        columns: [
          { name: 'problem_id', type: 'integer', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'operation_id', type: 'integer' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'resolved_at', type: 'datetime' },
        ],
        // The operation's page asks which problems it resolved.
        indices: [{ name: 'IDX_hard_problem_resolutions_operation', columnNames: ['operation_id'] }],
        foreignKeys: [fk('problem_id', 'hard_problems'), fk('operation_id', 'operations')],
      }),
    );

    const steps: Array<{ id: number; instance_id: number; payload: unknown }> = await q.query(
      "SELECT h.id, h.instance_id, h.payload FROM workflow_history h JOIN workflow_instances i ON i.id = h.instance_id WHERE i.workflow = 'hard_problem' AND h.event = 'RESOLVE' ORDER BY h.id",
    );
    for (const step of steps) {
      const payload = (typeof step.payload === 'string' ? JSON.parse(step.payload) : step.payload) as { operationId?: unknown } | null;
      const operationId = payload?.operationId;
      if (typeof operationId !== 'number') continue;
      const problemId = Number(step.instance_id);
      const [operation] = await q.query('SELECT id FROM operations WHERE id = ?', [operationId]);
      const [problem] = await q.query('SELECT id FROM hard_problems WHERE id = ?', [problemId]);
      if (!operation || !problem) continue;
      // The step's own time and place, copied in SQL (no round trip of a datetime through the driver).
      await q.query(
        'INSERT INTO hard_problem_resolutions (problem_id, seq, operation_id, brigade_id, resolved_at) SELECT instance_id, seq, ?, brigade_id, at FROM workflow_history WHERE id = ?',
        [operationId, step.id],
      );
      // A plan that named a duplicate merged into this problem targets it: that link stays, whenever it was written.
      const [viaDuplicate] = await q.query(
        'SELECT 1 AS x FROM hard_problem_operations d JOIN hard_problems p ON p.id = d.problem_id WHERE p.merged_into_id = ? AND d.operation_id = ?',
        [problemId, operationId],
      );
      if (viaDuplicate) continue;
      await q.query('DELETE FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ? AND linked_at = (SELECT at FROM workflow_history WHERE id = ?)', [
        problemId,
        operationId,
        step.id,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to one table: every resolution is a link again (as the code before this kept it).
    const rows: Array<{ problem_id: number; operation_id: number; seq: number }> = await q.query(
      'SELECT r.problem_id, r.operation_id, MIN(r.seq) AS seq FROM hard_problem_resolutions r GROUP BY r.problem_id, r.operation_id',
    );
    for (const r of rows) {
      const [linked] = await q.query('SELECT 1 AS x FROM hard_problem_operations WHERE problem_id = ? AND operation_id = ?', [r.problem_id, r.operation_id]);
      if (linked) continue;
      await q.query(
        'INSERT INTO hard_problem_operations (problem_id, operation_id, brigade_id, linked_at) SELECT problem_id, operation_id, brigade_id, resolved_at FROM hard_problem_resolutions WHERE problem_id = ? AND operation_id = ? AND seq = ?',
        [r.problem_id, r.operation_id, r.seq],
      );
    }
    await q.dropTable('hard_problem_resolutions');
  }
}
