import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Issue 13: every write may carry an `Idempotency-Key`; each user's keys keep
 * the answer given (48 h by default) so that a repeat is answered the same and
 * writes nothing. (Self-contained: no application code.)
 */
export class IdempotencyKeys1796695200000 implements MigrationInterface {
  name = 'IdempotencyKeys1796695200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'idempotency_key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'method', type: 'varchar', length: '10' },
          { name: 'path', type: 'varchar', length: '500' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '10' },
          { name: 'claim', type: 'varchar', length: '36' },
          { name: 'status', type: 'integer', isNullable: true },
          { name: 'answer', type: 'json', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'reserved_at', type: 'datetime' },
          { name: 'expires_at', type: 'datetime' },
        ],
        indices: [{ name: 'IDX_idempotency_keys_expires', columnNames: ['expires_at'] }],
        foreignKeys: [
          {
            name: 'FK_idempotency_keys_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A child table only: dropping it rebuilds no parent (on SQLite too).
    await q.dropTable('idempotency_keys');
  }
}
