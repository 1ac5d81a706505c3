import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** The old index each wider one replaces (same leading columns, brigade_id added), and the new ones. */
const WIDENED = [
  { old: 'IDX_operations_lead_state', oldColumns: ['lead_squad_id', 'state'], name: 'IDX_operations_lead_state_brigade', columns: ['lead_squad_id', 'state', 'brigade_id'] },
  { old: 'IDX_operations_host_state', oldColumns: ['host_squad_id', 'state'], name: 'IDX_operations_host_state_brigade', columns: ['host_squad_id', 'state', 'brigade_id'] },
  {
    old: 'IDX_operations_commander_state',
    oldColumns: ['designated_commander_id', 'state'],
    name: 'IDX_operations_commander_state_brigade',
    columns: ['designated_commander_id', 'state', 'brigade_id'],
  },
];

/**
 * What the inboxes (and the count in every page's navigation) ask of
 * operations, found with EXPLAIN on 100,000 operations (npm run bench -- pages):
 *
 * - A squad leader's sections filter on their squad, a state *and* the
 *   brigade. With (squad, state) and (brigade, state) indexes MariaDB chose an
 *   index-merge intersection of both, three times slower than one lookup;
 *   with brigade_id as the third column of the squad's index it makes one
 *   exact lookup.
 * - An inspector's audits and spot checks are the brigade's operations in a
 *   state, by holding deadline: (brigade, state, holding_deadline) reads the
 *   first 20 in order instead of sorting every operation in holding.
 */
export class InboxIndexes1795820400000 implements MigrationInterface {
  name = 'InboxIndexes1795820400000';

  async up(q: QueryRunner): Promise<void> {
    // The wider index first: MySQL's foreign keys on lead/host squad use whichever index starts with their column.
    for (const w of WIDENED) {
      await q.createIndex('operations', new TableIndex({ name: w.name, columnNames: w.columns }));
      await q.dropIndex('operations', w.old);
    }
    await q.createIndex('operations', new TableIndex({ name: 'IDX_operations_brigade_state_holding', columnNames: ['brigade_id', 'state', 'holding_deadline'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('operations', 'IDX_operations_brigade_state_holding');
    for (const w of [...WIDENED].reverse()) {
      await q.createIndex('operations', new TableIndex({ name: w.old, columnNames: w.oldColumns }));
      await q.dropIndex('operations', w.name);
    }
  }
}
