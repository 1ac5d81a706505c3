import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A token's principal version (`api_tokens.principal_version`): a number that
 * changes, in the same statement, with everything the token's principal is made
 * of — the token's revocation, expiry and user; the user's name, display name,
 * active flag, squad and brigade; their roles; their squad's code, names, group
 * and active flag; their brigade's code and time zone (org.queries.ts
 * `STAMPED`, the columns the principal's stamp was computed from before).
 *
 * Issue 14: a command answered with a principal kept in memory checks in its
 * version bump that the principal still holds. It compared a stamp computed
 * there from five tables (the roles an aggregate): about 170 µs of MariaDB's CPU
 * in every such step. The version is one column of the token's own row.
 *
 * Kept by the database's triggers, not by the application: every write to those
 * columns moves it, whatever code or person writes them (a forgotten bump in a
 * write path would have been a hole in the check). It moves by 1 plus a random
 * amount, so a backup restored under running servers does not hand back a
 * version some server keeps for another principal. Foreign-key cascades fire no
 * trigger: the only cascade here deletes a user's tokens and roles with the
 * user, and a token deleted no longer holds at all.
 *
 * MariaDB/MySQL: a BEFORE UPDATE trigger on api_tokens sets the token's own
 * version; AFTER triggers on the other tables update their users' tokens.
 * Columns are compared as binary strings (a case-only change of a name is a
 * change whatever the column's collation), NULL-safe. SQLite: AFTER triggers
 * (`UPDATE OF` the columns) update the tokens' rows; recursive triggers are off,
 * and a token's own trigger writes only the version, which it does not watch.
 * Creating a trigger on MariaDB/MySQL with binary logging on takes the SUPER
 * privilege (or BINLOG ADMIN), or `log_bin_trust_function_creators = 1`
 * (docs/deploy.md); refused, the migration stops and can be run again whole.
 */

const USER_COLUMNS = ['username', 'display_name', 'active', 'squad_id', 'brigade_id'];
const SQUAD_COLUMNS = ['code', 'name', 'name_en', 'group_id', 'active'];
const BRIGADE_COLUMNS = ['code', 'time_zone'];
const TOKEN_COLUMNS = ['user_id', 'revoked_at', 'expires_at'];

const TRIGGERS = [
  'principal_api_tokens',
  'principal_users',
  'principal_user_roles_insert',
  'principal_user_roles_delete',
  'principal_user_roles_update',
  'principal_squads',
  'principal_brigades',
];

export class PrincipalVersion1797037200000 implements MigrationInterface {
  name = 'PrincipalVersion1797037200000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.driver.options.type === 'better-sqlite3';
    // MariaDB/MySQL commit each DDL statement: a run stopped half-way (CREATE TRIGGER refused, below) is
    // run again whole, so what it made already is kept (the column) or made again (the triggers).
    const has = sqlite
      ? false
      : (
          (await q.query(
            "SELECT 1 AS found FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_tokens' AND COLUMN_NAME = 'principal_version'",
          )) as unknown[]
        ).length > 0;
    if (!has) await q.query('ALTER TABLE api_tokens ADD COLUMN principal_version bigint NOT NULL DEFAULT 0');
    const next = sqlite
      ? 'principal_version + 1 + abs(random() % 1000000)'
      : 'principal_version + 1 + FLOOR(RAND() * 1000000)';
    const bump = (where: string) => `UPDATE api_tokens SET principal_version = ${next} WHERE ${where}`;
    const ofUsers = (where: string) => bump(`user_id IN (SELECT id FROM users WHERE ${where})`);
    if (sqlite) {
      const changed = (columns: string[]) =>
        columns.map((c) => `CAST(NEW.${c} AS BLOB) IS NOT CAST(OLD.${c} AS BLOB)`).join(' OR ');
      const after = (name: string, event: string, table: string, body: string, columns?: string[]) =>
        q.query(
          `CREATE TRIGGER ${name} AFTER ${event}${columns ? ` OF ${columns.join(', ')}` : ''} ON ${table} FOR EACH ROW${columns ? ` WHEN ${changed(columns)}` : ''} BEGIN ${body}; END`,
        );
      await after('principal_api_tokens', 'UPDATE', 'api_tokens', bump('id = NEW.id'), TOKEN_COLUMNS);
      await after('principal_users', 'UPDATE', 'users', bump('user_id = NEW.id'), USER_COLUMNS);
      await after('principal_user_roles_insert', 'INSERT', 'user_roles', bump('user_id = NEW.user_id'));
      await after('principal_user_roles_delete', 'DELETE', 'user_roles', bump('user_id = OLD.user_id'));
      await after('principal_user_roles_update', 'UPDATE', 'user_roles', bump('user_id IN (OLD.user_id, NEW.user_id)'));
      await after('principal_squads', 'UPDATE', 'squads', ofUsers('squad_id = NEW.id'), SQUAD_COLUMNS);
      await after('principal_brigades', 'UPDATE', 'brigades', ofUsers('brigade_id = NEW.id'), BRIGADE_COLUMNS);
      return;
    }
    const changed = (columns: string[]) =>
      `NOT (${columns.map((c) => `CAST(NEW.${c} AS BINARY) <=> CAST(OLD.${c} AS BINARY)`).join(' AND ')})`;
    const trigger = async (name: string, when: string, table: string, body: string, columns?: string[]) => {
      await q.query(`DROP TRIGGER IF EXISTS ${name}`);
      await q.query(
        `CREATE TRIGGER ${name} ${when} ON ${table} FOR EACH ROW ${columns ? `IF ${changed(columns)} THEN ${body}; END IF` : body}`,
      );
    };
    await trigger(
      'principal_api_tokens',
      'BEFORE UPDATE',
      'api_tokens',
      `SET NEW.principal_version = OLD.${next}`,
      TOKEN_COLUMNS,
    );
    await trigger('principal_users', 'AFTER UPDATE', 'users', bump('user_id = NEW.id'), USER_COLUMNS);
    await trigger('principal_user_roles_insert', 'AFTER INSERT', 'user_roles', bump('user_id = NEW.user_id'));
    await trigger('principal_user_roles_delete', 'AFTER DELETE', 'user_roles', bump('user_id = OLD.user_id'));
    await trigger(
      'principal_user_roles_update',
      'AFTER UPDATE',
      'user_roles',
      bump('user_id IN (OLD.user_id, NEW.user_id)'),
    );
    await trigger('principal_squads', 'AFTER UPDATE', 'squads', ofUsers('squad_id = NEW.id'), SQUAD_COLUMNS);
    await trigger('principal_brigades', 'AFTER UPDATE', 'brigades', ofUsers('brigade_id = NEW.id'), BRIGADE_COLUMNS);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of TRIGGERS) await q.query(`DROP TRIGGER IF EXISTS ${name}`);
    await q.query('ALTER TABLE api_tokens DROP COLUMN principal_version');
  }
}
