import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Brigades, linkage groups, squads, users, roles and API tokens (SPEC §2). */
export class Organisation1795741200000 implements MigrationInterface {
  name = 'Organisation1795741200000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const brigadeFk = (table: string) => ({ name: `FK_${table}_brigade_id`, columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' });

    await q.createTable(
      new Table({
        name: 'brigades',
        columns: [
          id,
          { name: 'code', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'name_en', type: 'varchar', length: '100' },
          { name: 'time_zone', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_brigades_code', columnNames: ['code'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'linkage_groups',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'code', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'name_en', type: 'varchar', length: '100' },
          { name: 'active', type: 'boolean' },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_linkage_groups_brigade_code', columnNames: ['brigade_id', 'code'], isUnique: true }],
        foreignKeys: [brigadeFk('linkage_groups')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'squads',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'code', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'name_en', type: 'varchar', length: '100' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'group_id', type: 'integer', isNullable: true },
          { name: 'member_order', type: 'integer', isNullable: true },
          { name: 'duty_strength', type: 'integer' },
          { name: 'active', type: 'boolean' },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_squads_brigade_code', columnNames: ['brigade_id', 'code'], isUnique: true }],
        foreignKeys: [
          brigadeFk('squads'),
          { name: 'FK_squads_group_id', columnNames: ['group_id'], referencedTableName: 'linkage_groups', referencedColumnNames: ['id'], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'brigade_id', type: 'integer' },
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'display_name', type: 'varchar', length: '100' },
          { name: 'squad_id', type: 'integer', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'active', type: 'boolean' },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [{ name: 'UQ_users_username', columnNames: ['username'], isUnique: true }],
        foreignKeys: [
          brigadeFk('users'),
          { name: 'FK_users_squad_id', columnNames: ['squad_id'], referencedTableName: 'squads', referencedColumnNames: ['id'], onDelete: 'SET NULL', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_roles',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'role', type: 'varchar', length: '20', isPrimary: true },
        ],
        foreignKeys: [{ name: 'FK_user_roles_user_id', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
    await q.createIndex('user_roles', new TableIndex({ name: 'IDX_user_roles_role', columnNames: ['role'] }));
    await q.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'label', type: 'varchar', length: '100' },
          { name: 'token_start', type: 'varchar', length: '16' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'datetime' },
          { name: 'last_used_at', type: 'datetime', isNullable: true },
          { name: 'revoked_at', type: 'datetime', isNullable: true },
        ],
        indices: [{ name: 'UQ_api_tokens_hash', columnNames: ['token_hash'], isUnique: true }],
        foreignKeys: [{ name: 'FK_api_tokens_user_id', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['api_tokens', 'user_roles', 'users', 'squads', 'linkage_groups', 'brigades']) {
      await q.dropTable(table);
    }
  }
}
