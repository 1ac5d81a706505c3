import { MIGRATIONS } from '../../../src/persistence/migrations';
import { CorrectionsForEditedMigrations1796605200000 } from '../../../src/persistence/migrations/20261207T0100-corrections-for-edited-migrations';
import { Figures1796086800000 } from './20261201T0100-figures';
import { CaseTransfers1796176800000 } from './20261202T0200-case-transfers';
import { DetainedGoods1796180400000 } from './20261202T0300-detained-goods';

/**
 * The migrations as a database met them before three were edited after landing
 * (issue 12): the figures one before 0b86777, the case-transfers one before
 * 882e517, the detained-goods one before 600061e — copied from git, unchanged.
 * Everything else as today, without the migration that corrects for them.
 */
const OLD: Record<string, new () => unknown> = {
  Figures1796086800000,
  CaseTransfers1796176800000,
  DetainedGoods1796180400000,
};

export const OLD_MIGRATIONS = MIGRATIONS.filter((M) => M !== CorrectionsForEditedMigrations1796605200000).map(
  (M) => OLD[M.name] ?? M,
) as unknown as typeof MIGRATIONS;
