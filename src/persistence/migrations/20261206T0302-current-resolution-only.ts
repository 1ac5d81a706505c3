import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * §3.4: a hard problem's `resolved_at` is its current resolution. The code
 * before kept the last one after a rebound reopened the problem, so lists and
 * the API showed a reopened problem as resolved at some time; the resolutions
 * themselves stay in its snapshot and history. No schema change.
 */
export class CurrentResolutionOnly1796526120000 implements MigrationInterface {
  name = 'CurrentResolutionOnly1796526120000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("UPDATE hard_problems SET resolved_at = NULL WHERE state <> 'resolved'");
  }

  async down(q: QueryRunner): Promise<void> {
    // As the code before had it: the time of its last RESOLVE step, whatever came after.
    await q.query(
      "UPDATE hard_problems SET resolved_at = (SELECT MAX(h.at) FROM workflow_history h WHERE h.instance_id = hard_problems.id AND h.event = 'RESOLVE') WHERE state <> 'resolved'",
    );
  }
}
