import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * API tokens get a lifecycle (issue 11): an optional expiry, after which the
 * token is refused. Tokens already issued never expire (as they were issued).
 */
export class ApiTokenExpiry1796533200000 implements MigrationInterface {
  name = 'ApiTokenExpiry1796533200000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('api_tokens', new TableColumn({ name: 'expires_at', type: 'datetime', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    // On SQLite TypeORM drops a column by rebuilding the table (with foreign keys enforced in `down`); SQLite drops a plain column in place.
    if (q.connection.options.type === 'better-sqlite3') await q.query('ALTER TABLE "api_tokens" DROP COLUMN "expires_at"');
    else await q.dropColumn('api_tokens', 'expires_at');
  }
}
