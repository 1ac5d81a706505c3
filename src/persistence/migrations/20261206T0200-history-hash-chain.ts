import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { GENESIS_HASH, payloadValue, stepHash } from '../../engine/history-hash';

/** Records whose rows are read at once, and rows (or records) written back per statement. */
const INSTANCES_PER_BATCH = 200;
const ROWS_PER_UPDATE = 200;

/**
 * A history that cannot be rewritten quietly: every history row carries
 * `hash` = SHA-256 over the previous row's hash (`prev_hash`, 64 zeros for
 * row 1) and its own canonical content; a record keeps its chain head
 * (`head_hash`) beside its version; `history_anchors` keeps a daily digest of
 * the heads. Rows written before are hashed here, record by record in seq
 * order, a batch of records at a time (a long history never sits in memory
 * whole), from their values as stored — so they verify like new ones.
 *
 * The hashing is the engine's own (its canonical form is versioned: a later
 * form would keep hashing old rows by version 1).
 */
export class HistoryHashChain1796522400000 implements MigrationInterface {
  name = 'HistoryHashChain1796522400000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('workflow_history', [
      new TableColumn({ name: 'prev_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'hash', type: 'varchar', length: '64', isNullable: true }),
    ]);
    await q.addColumn('workflow_instances', new TableColumn({ name: 'head_hash', type: 'varchar', length: '64', isNullable: true }));
    await q.createTable(
      new Table({
        name: 'history_anchors',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'day', type: 'varchar', length: '10' },
          { name: 'digest', type: 'varchar', length: '64' },
          { name: 'record_count', type: 'integer' },
          { name: 'step_count', type: 'integer' },
          { name: 'upto_history_id', type: 'integer' },
          { name: 'covered_at', type: 'datetime' },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_history_anchors_brigade_day', columnNames: ['brigade_id', 'day'], isUnique: true }],
        foreignKeys: [{ name: 'FK_history_anchors_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
      }),
    );

    await hashExistingRows(q);

    const table = (await q.getTable('workflow_history'))!;
    const changes = ['prev_hash', 'hash'].map((name) => {
      const oldColumn = table.findColumnByName(name)!;
      const newColumn = oldColumn.clone();
      newColumn.isNullable = false;
      return { oldColumn, newColumn };
    });
    await q.changeColumns(table, changes);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('history_anchors');
    // Not q.dropColumn: on SQLite it rebuilds workflow_instances, and TypeORM reverts a migration inside a
    // transaction, where turning foreign keys off does nothing — dropping the old table would cascade to
    // every record's history, outbox, limits and projections. Both databases drop a plain column in place.
    await q.query('ALTER TABLE workflow_instances DROP COLUMN head_hash');
    // Nothing refers to workflow_history: rebuilding it is safe.
    await q.dropColumns('workflow_history', ['hash', 'prev_hash']);
  }
}

interface StoredRow {
  id: number;
  instance_id: number;
  brigade_id: number;
  seq: number;
  actor_user_id: number | null;
  actor_name: string;
  actor_role: string;
  event: string;
  payload: unknown;
  from_state: string | null;
  to_state: string;
  at: Date | string;
  effective_at: Date | string;
}

async function hashExistingRows(q: QueryRunner): Promise<void> {
  let after = 0;
  for (;;) {
    const instances: Array<{ id: number; workflow: string }> = await q.query('SELECT id, workflow FROM workflow_instances WHERE id > ? ORDER BY id LIMIT ?', [
      after,
      INSTANCES_PER_BATCH,
    ]);
    if (!instances.length) return;
    after = Number(instances[instances.length - 1].id);
    const workflowOf = new Map(instances.map((i) => [Number(i.id), String(i.workflow)]));
    const ids = [...workflowOf.keys()];
    const rows: StoredRow[] = await q.query(
      `SELECT id, instance_id, brigade_id, seq, actor_user_id, actor_name, actor_role, event, payload, from_state, to_state, at, effective_at FROM workflow_history WHERE instance_id IN (${ids.map(() => '?').join(', ')}) ORDER BY instance_id, seq`,
      ids,
    );
    const hashed: Array<[number, string, string]> = [];
    const heads = new Map<number, string>();
    let instance = -1;
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const instanceId = Number(r.instance_id);
      if (instanceId !== instance) {
        instance = instanceId;
        prev = GENESIS_HASH;
      }
      const hash = stepHash(prev, {
        instanceId,
        workflow: workflowOf.get(instanceId)!,
        brigadeId: Number(r.brigade_id),
        seq: Number(r.seq),
        event: r.event,
        payload: payloadValue(r.payload),
        actorUserId: r.actor_user_id === null ? null : Number(r.actor_user_id),
        actorName: r.actor_name,
        role: r.actor_role,
        from: r.from_state,
        to: r.to_state,
        at: r.at,
        effectiveAt: r.effective_at,
      });
      hashed.push([Number(r.id), prev, hash]);
      heads.set(instanceId, hash);
      prev = hash;
    }
    for (let i = 0; i < hashed.length; i += ROWS_PER_UPDATE) {
      const part = hashed.slice(i, i + ROWS_PER_UPDATE);
      const cases = part.map(() => 'WHEN ? THEN ?').join(' ');
      await q.query(
        `UPDATE workflow_history SET prev_hash = CASE id ${cases} END, hash = CASE id ${cases} END WHERE id IN (${part.map(() => '?').join(', ')})`,
        [...part.flatMap(([id, p]) => [id, p]), ...part.flatMap(([id, , h]) => [id, h]), ...part.map(([id]) => id)],
      );
    }
    const headList = [...heads];
    for (let i = 0; i < headList.length; i += ROWS_PER_UPDATE) {
      const part = headList.slice(i, i + ROWS_PER_UPDATE);
      await q.query(
        `UPDATE workflow_instances SET head_hash = CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${part.map(() => '?').join(', ')})`,
        [...part.flat(), ...part.map(([id]) => id)],
      );
    }
  }
}
