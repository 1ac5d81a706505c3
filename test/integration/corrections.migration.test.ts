import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { CorrectionsForEditedMigrations1796605200000 } from '../../src/persistence/migrations/20261207T0100-corrections-for-edited-migrations';
import { migrationDatabase } from '../support/migration-db';
import { OLD_MIGRATIONS } from '../support/old-migrations';
import { schemaOf, type TableShape } from '../support/schema';

/**
 * Three migrations were edited after they landed; a database migrated with
 * their old versions must end up, after today's list, exactly as a fresh one.
 */
const fresh = migrationDatabase('corrections-fresh');
const old = migrationDatabase('corrections-old');
const reopened = migrationDatabase('corrections-undone');
const BEFORE_CORRECTIONS = MIGRATIONS.filter((M) => M !== CorrectionsForEditedMigrations1796605200000);

let freshSchema: Record<string, TableShape>;

beforeAll(async () => {
  await Promise.all([fresh.setUp(), old.setUp(), reopened.setUp()]);
});
afterAll(async () => {
  await Promise.all([fresh.drop(), old.drop(), reopened.drop()]);
});

/** A held item written by the old schema (no amber_at), its references left out: only its times matter here. */
async function heldItemWithoutAmber(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  const sqlite = ds.options.type === 'better-sqlite3';
  try {
    await runner.query(sqlite ? 'PRAGMA foreign_keys = OFF' : 'SET FOREIGN_KEY_CHECKS = 0');
    await runner.query(
      `INSERT INTO goods_items (id, brigade_id, operation_id, party_id, state, description, quantity, unit, perishable, custodian_squad_id,
         storage_place, registered_at, due_at, extended, disposal_approved, updated_at)
       VALUES (4242, 1, 1, 1, 'held', '三轮车', 1, '辆', 0, 1, '暂扣仓库', '2026-12-01 08:00:00', '2026-12-11 08:00:00', 0, 0, '2026-12-01 08:00:00')`,
    );
  } finally {
    await runner.query(sqlite ? 'PRAGMA foreign_keys = ON' : 'SET FOREIGN_KEY_CHECKS = 1');
    await runner.release();
  }
}

async function amberAtOfItem(ds: DataSource): Promise<string> {
  const format =
    ds.options.type === 'better-sqlite3'
      ? "strftime('%Y-%m-%d %H:%M:%S', amber_at)"
      : "DATE_FORMAT(amber_at, '%Y-%m-%d %H:%i:%s')";
  const [row] = await ds.query(`SELECT ${format} AS a FROM goods_items WHERE id = 4242`);
  return row.a;
}

describe('the migration correcting for three migrations edited after they landed', () => {
  it('changes nothing on a database migrated with today’s files', async () => {
    const before = await fresh.withMigrations(BEFORE_CORRECTIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      return schemaOf(ds);
    });
    freshSchema = await fresh.withMigrations(MIGRATIONS, async (ds) => {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(['CorrectionsForEditedMigrations1796605200000']);
      return schemaOf(ds);
    });
    expect(freshSchema).toEqual(before);
  });

  it('brings a database migrated with the old files to the fresh shape, each held item amber at 80 % of its time', async () => {
    const oldSchema = await old.withMigrations(OLD_MIGRATIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      await heldItemWithoutAmber(ds);
      return schemaOf(ds);
    });
    // What the old files left differs where the edits were.
    expect(Object.keys(oldSchema.goods_items.columns)).not.toContain('amber_at');
    expect(Object.keys(oldSchema.holding_records.indexes)).toContain('IDX_holding_records_brigade_kind_at');
    expect(oldSchema).not.toEqual(freshSchema);

    await old.withMigrations(MIGRATIONS, async (ds) => {
      const applied = await ds.runMigrations({ transaction: 'each' });
      expect(applied.map((m) => m.name)).toEqual(['CorrectionsForEditedMigrations1796605200000']);
      expect(await schemaOf(ds)).toEqual(freshSchema);
      // Registered 1 December 08:00, limit 11 December 08:00: amber after 8 of the 10 days.
      expect(await amberAtOfItem(ds)).toBe('2026-12-09 08:00:00');
      expect(await ds.runMigrations()).toEqual([]);
    });
  });

  it('also when the old case-transfers down() ran (it left a spare index on MySQL/MariaDB) and today’s up() came after', async () => {
    await reopened.withMigrations(OLD_MIGRATIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      const undo = OLD_MIGRATIONS.length - OLD_MIGRATIONS.findIndex((M) => M.name === 'CaseTransfers1796176800000');
      for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'each' });
      if (ds.options.type !== 'better-sqlite3') {
        expect(Object.keys((await schemaOf(ds)).workflow_instances.indexes)).toContain(
          'IDX_workflow_instances_brigade_fk',
        );
      }
    });
    await reopened.withMigrations(MIGRATIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      expect(await schemaOf(ds)).toEqual(freshSchema);
    });
  });
});
