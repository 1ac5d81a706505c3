import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkMigrations, MANIFEST, MIGRATIONS_DIR } from '../../scripts/check-migrations';

/** A copy of the real migrations and their manifest, to spoil. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-frozen-'));
  for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  return dir;
}

let dir: string;
beforeEach(() => {
  dir = copyOfMigrations();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const FIGURES = '20261201T0100-figures.ts';

describe('frozen migrations', () => {
  it('the migrations as committed match their manifest', () => {
    expect(checkMigrations(MIGRATIONS_DIR)).toEqual({ ok: true, problems: [], added: [] });
  });

  it('a landed migration edited after it landed fails the check, which names it', () => {
    fs.appendFileSync(path.join(dir, FIGURES), '\n// an index added later\n');
    const result = checkMigrations(dir);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/^20261201T0100-figures\.ts: a landed migration was changed/),
    ]);
  });

  it('a landed migration removed fails the check, which names it', () => {
    fs.rmSync(path.join(dir, FIGURES));
    expect(checkMigrations(dir).problems).toEqual([
      expect.stringMatching(/^20261201T0100-figures\.ts: a landed migration was removed/),
    ]);
  });

  it('a new migration must be listed; --update lists it and never rewrites an entry that is there', () => {
    const added = '20991231T2359-something-new.ts';
    fs.writeFileSync(path.join(dir, added), 'export {};\n');
    fs.appendFileSync(path.join(dir, FIGURES), '\n');
    expect(checkMigrations(dir).problems).toEqual([
      expect.stringMatching(/^20261201T0100-figures\.ts: a landed migration was changed/),
      expect.stringMatching(/^20991231T2359-something-new\.ts: a migration not in manifest\.json/),
    ]);
    const before = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
    const updated = checkMigrations(dir, { update: true });
    expect(updated.added).toEqual([added]);
    // The edited one still fails: --update is no way to bless an edit.
    expect(updated.problems).toEqual([
      expect.stringMatching(/^20261201T0100-figures\.ts: a landed migration was changed/),
    ]);
    const after = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
    expect(after).toEqual({ ...before, [added]: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
