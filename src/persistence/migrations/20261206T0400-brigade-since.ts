import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * R6: the month a brigade began using Liandong (`since`, `YYYY-MM`); months
 * before it are never judged. A brigade already here began in the month it was
 * created, in its own time zone. (Self-contained: no application code, so this
 * migration keeps meaning what it meant when it landed.)
 */
export class BrigadeSince1796529600000 implements MigrationInterface {
  name = 'BrigadeSince1796529600000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('brigades', new TableColumn({ name: 'since', type: 'varchar', length: '7', isNullable: true }));
    const rows: Array<{ id: unknown; created_at: unknown; time_zone: string }> = await q.query('SELECT id, created_at, time_zone FROM brigades');
    for (const r of rows) {
      await q.query('UPDATE brigades SET since = ? WHERE id = ?', [monthIn(readInstant(r.created_at), r.time_zone), Number(r.id)]);
    }
    // Every brigade has one from now on: filled above, then required.
    const table = (await q.getTable('brigades'))!;
    const old = table.findColumnByName('since')!;
    const required = old.clone();
    required.isNullable = false;
    await q.changeColumn(table, old, required);
  }

  async down(q: QueryRunner): Promise<void> {
    // On SQLite TypeORM drops a column by rebuilding the table, with foreign keys enforced in `down`:
    // rebuilding brigades (every row's parent) would fail or cascade. SQLite drops a plain column in place.
    if (q.connection.options.type === 'better-sqlite3') await q.query('ALTER TABLE "brigades" DROP COLUMN "since"');
    else await q.dropColumn('brigades', 'since');
  }
}

/** A datetime as either driver hands it over (SQLite: UTC text; MySQL/MariaDB: a Date). */
function readInstant(value: unknown): Date {
  return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** `YYYY-MM` of an instant in `timeZone`. */
function monthIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant).slice(0, 7);
}
