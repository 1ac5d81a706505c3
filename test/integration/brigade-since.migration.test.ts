import { migrationDatabase } from '../support/migration-db';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { BrigadeSince1796529600000 } from '../../src/persistence/migrations/20261206T0400-brigade-since';

const db = migrationDatabase('brigade-since');
const withMigrations = db.withMigrations;

beforeAll(() => db.setUp());
afterAll(() => db.drop());

describe('the brigade-since migration', () => {
  it('gives each brigade already there the month of its creation in its own time zone, and then requires one', async () => {
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(BrigadeSince1796529600000));
    await withMigrations(before, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      // 31 March 17:30 UTC is already 1 April in Shanghai, still 31 March in London.
      await ds.query(
        "INSERT INTO brigades (code, name, name_en, time_zone, created_at) VALUES ('huangpu', '黄浦区城管执法大队', 'Huangpu', 'Asia/Shanghai', '2026-03-31 17:30:00'), ('westminster', 'Westminster', 'Westminster', 'Europe/London', '2026-03-31 17:30:00')",
      );
    });
    await withMigrations(MIGRATIONS, async (ds) => {
      await ds.runMigrations({ transaction: 'each' });
      const rows: Array<{ code: string; since: string }> = await ds.query(
        'SELECT code, since FROM brigades ORDER BY code',
      );
      expect(rows.map((r) => [r.code, r.since])).toEqual([
        ['huangpu', '2026-04'],
        ['westminster', '2026-03'],
      ]);
      await expect(
        ds.query(
          "INSERT INTO brigades (code, name, name_en, time_zone, created_at) VALUES ('jingan', 'x', 'x', 'Asia/Shanghai', '2026-03-31 17:30:00')",
        ),
      ).rejects.toThrow();
      // And down: the column goes, the brigades stay.
      const undo = MIGRATIONS.length - MIGRATIONS.indexOf(BrigadeSince1796529600000);
      for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'each' });
      const left: Array<Record<string, unknown>> = await ds.query('SELECT * FROM brigades ORDER BY code');
      expect(left.map((r) => [r.code, 'since' in r])).toEqual([
        ['huangpu', false],
        ['westminster', false],
      ]);
    });
  });
});
