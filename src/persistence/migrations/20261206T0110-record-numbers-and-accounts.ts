import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/** The calendar year of an instant in a time zone (kept here: a migration does not change with the code it came with). */
function yearIn(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(at));
}

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`));

/**
 * Records that cannot be gamed (issue 10):
 * - a brigade's own numbers: each filed plan and each detention list gets the
 *   next number of its brigade and year (〔2026〕第 12 号); `record_numbers`
 *   keeps the last one given. Plans already filed and lists already printed
 *   are numbered here in the order they were first filed / registered;
 * - a late entry (a start recorded long after it happened) is kept on the operation;
 * - one holding check per holding day: a second amends it (`amendments`); days
 *   checked twice before are kept as their last entry;
 * - the squad that detained a party's goods (its results must say what the ledger registered).
 */
export class RecordNumbersAndAccounts1796519400000 implements MigrationInterface {
  name = 'RecordNumbersAndAccounts1796519400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'record_numbers',
        columns: [
          { name: 'brigade_id', type: 'integer', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '40', isPrimary: true },
          { name: 'year', type: 'integer', isPrimary: true },
          { name: 'last_number', type: 'integer' },
        ],
        foreignKeys: [
          { name: 'FK_record_numbers_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.addColumns('operations', [
      new TableColumn({ name: 'number_year', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'number_seq', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'late_entry_hours', type: 'double', isNullable: true }),
    ]);
    await q.createIndex('operations', new TableIndex({ name: 'UQ_operations_brigade_number', columnNames: ['brigade_id', 'number_year', 'number_seq'], isUnique: true }));
    await q.addColumns('goods_parties', [
      new TableColumn({ name: 'squad_id', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'number_year', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'number_seq', type: 'integer', isNullable: true }),
    ]);
    await q.createForeignKey('goods_parties', new TableForeignKey({ name: 'FK_goods_parties_squad_id', columnNames: ['squad_id'], referencedTableName: 'squads', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }));
    await q.createIndex('goods_parties', new TableIndex({ name: 'UQ_goods_parties_brigade_number', columnNames: ['brigade_id', 'number_year', 'number_seq'], isUnique: true }));
    await q.addColumn('holding_records', new TableColumn({ name: 'amendments', type: 'integer', default: 0 }));

    const zones = new Map<number, string>(
      ((await q.query('SELECT id, time_zone FROM brigades')) as Array<{ id: number; time_zone: string }>).map((b) => [Number(b.id), b.time_zone]),
    );
    const last = new Map<string, number>();
    const next = (brigade: number, kind: string, year: number) => {
      const k = `${brigade}|${kind}|${year}`;
      const n = (last.get(k) ?? 0) + 1;
      last.set(k, n);
      return n;
    };
    // Plans filed before: numbered in the order they were first filed.
    const filed = (await q.query(
      "SELECT h.instance_id AS id, o.brigade_id AS brigade_id, MIN(h.at) AS first_filed FROM workflow_history h JOIN operations o ON o.id = h.instance_id WHERE h.event = 'FILE' GROUP BY h.instance_id, o.brigade_id",
    )) as Array<{ id: number; brigade_id: number; first_filed: unknown }>;
    filed.sort((a, b) => toDate(a.first_filed).getTime() - toDate(b.first_filed).getTime() || Number(a.id) - Number(b.id));
    for (const r of filed) {
      const brigade = Number(r.brigade_id);
      const year = yearIn(toDate(r.first_filed), zones.get(brigade) ?? 'Asia/Shanghai');
      await q.query('UPDATE operations SET number_year = ?, number_seq = ? WHERE id = ?', [year, next(brigade, 'operation', year), Number(r.id)]);
    }
    // Detention lists printed before: numbered in the order they were registered; the squad that detained is the registering leader's.
    const parties = (await q.query(
      'SELECT p.id AS id, p.brigade_id AS brigade_id, p.created_at AS created_at, u.squad_id AS user_squad, o.host_squad_id AS host_squad, o.lead_squad_id AS lead_squad FROM goods_parties p JOIN operations o ON o.id = p.operation_id LEFT JOIN users u ON u.id = p.created_by ORDER BY p.created_at, p.id',
    )) as Array<{ id: number; brigade_id: number; created_at: unknown; user_squad: number | null; host_squad: number | null; lead_squad: number }>;
    for (const p of parties) {
      const brigade = Number(p.brigade_id);
      const year = yearIn(toDate(p.created_at), zones.get(brigade) ?? 'Asia/Shanghai');
      const squad = p.user_squad ?? p.host_squad ?? p.lead_squad;
      await q.query('UPDATE goods_parties SET squad_id = ?, number_year = ?, number_seq = ? WHERE id = ?', [Number(squad), year, next(brigade, 'detention_list', year), Number(p.id)]);
    }
    for (const [k, n] of last) {
      const [brigade, kind, year] = k.split('|');
      await q.query('INSERT INTO record_numbers (brigade_id, kind, year, last_number) VALUES (?, ?, ?, ?)', [Number(brigade), kind, Number(year), n]);
    }
    // One entry per holding day: where a day was checked twice, its last entry stands (both stay in the history).
    const twice = (await q.query(
      "SELECT operation_id, round, date, COUNT(*) AS n, MAX(id) AS keep FROM holding_records WHERE kind = 'holding_check' GROUP BY operation_id, round, date HAVING COUNT(*) > 1",
    )) as Array<{ operation_id: number; round: number; date: string; n: unknown; keep: number }>;
    for (const d of twice) {
      await q.query("DELETE FROM holding_records WHERE kind = 'holding_check' AND operation_id = ? AND round = ? AND date = ? AND id <> ?", [Number(d.operation_id), Number(d.round), d.date, Number(d.keep)]);
      await q.query('UPDATE holding_records SET amendments = ? WHERE id = ?', [Number(d.n) - 1, Number(d.keep)]);
    }
    await q.createIndex('holding_records', new TableIndex({ name: 'UQ_holding_records_day', columnNames: ['operation_id', 'kind', 'round', 'date'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('holding_records', 'UQ_holding_records_day');
    await q.dropColumn('holding_records', 'amendments');
    await q.dropIndex('goods_parties', 'UQ_goods_parties_brigade_number');
    await q.dropForeignKey('goods_parties', 'FK_goods_parties_squad_id');
    await this.dropColumns(q, 'goods_parties', ['squad_id', 'number_year', 'number_seq']);
    await q.dropIndex('operations', 'UQ_operations_brigade_number');
    await this.dropColumns(q, 'operations', ['number_year', 'number_seq', 'late_entry_hours']);
    await q.dropTable('record_numbers');
  }

  /**
   * On SQLite TypeORM drops a column by rebuilding the table, and `down` runs
   * with foreign keys enforced: rebuilding a parent table (operations, goods
   * parties) would delete its children by cascade. SQLite drops a plain column in place.
   */
  private async dropColumns(q: QueryRunner, table: string, columns: string[]): Promise<void> {
    if (q.connection.options.type !== 'better-sqlite3') return q.dropColumns(table, columns);
    for (const c of columns) await q.query(`ALTER TABLE "${table}" DROP COLUMN "${c}"`);
  }
}
