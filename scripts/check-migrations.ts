/**
 * Frozen migrations: a migration that has landed is never edited, because a
 * database it already ran on would silently keep the old shape (issue 12). The
 * manifest beside the migrations holds each landed file's SHA-256; this check
 * fails, naming the file, when a listed migration was changed or removed, or when
 * a migration is not listed yet. `--update` appends the new ones (it never
 * rewrites an entry that is there: a change to a landed migration is a new migration).
 *
 *   npm run check:migrations               check
 *   npm run check:migrations -- --update   list the new migrations too
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'src', 'persistence', 'migrations');
export const MANIFEST = 'manifest.json';

/** A migration's file: `<date>T<time>-<name>.ts`, as index.ts imports them. */
const MIGRATION_FILE = /^\d{8}T\d{4}-[a-z0-9-]+\.ts$/;

export interface MigrationCheck {
  ok: boolean;
  /** One sentence per problem, each naming its file. */
  problems: string[];
  /** Files appended to the manifest by `update`. */
  added: string[];
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readManifest(dir: string): Record<string, string> {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/** Checks the migrations in `dir` against its manifest; with `update`, lists the new ones in it first. */
export function checkMigrations(dir: string = MIGRATIONS_DIR, opts: { update?: boolean } = {}): MigrationCheck {
  const manifest = readManifest(dir);
  const files = fs
    .readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort();
  const problems: string[] = [];
  for (const [file, hash] of Object.entries(manifest)) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full))
      problems.push(`${file}: a landed migration was removed (restore it; undo its effect in a new migration)`);
    else if (sha256(full) !== hash)
      problems.push(`${file}: a landed migration was changed (restore it with git; put the change in a new migration)`);
  }
  const added = files.filter((f) => !(f in manifest));
  if (opts.update && added.length) {
    const next = { ...manifest };
    for (const f of added) next[f] = sha256(path.join(dir, f));
    fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(next, null, 2)}\n`);
  } else {
    for (const f of added)
      problems.push(`${f}: a migration not in ${MANIFEST} (add it with: npm run check:migrations -- --update)`);
  }
  return { ok: problems.length === 0, problems, added: opts.update ? added : [] };
}

if (require.main === module) {
  const update = process.argv.includes('--update');
  const result = checkMigrations(MIGRATIONS_DIR, { update });
  for (const f of result.added) console.log(`added to ${MANIFEST}: ${f}`);
  if (!result.ok) {
    for (const p of result.problems) console.error(p);
    process.exit(1);
  }
  console.log(`migrations: ${Object.keys(readManifest(MIGRATIONS_DIR)).length} landed, none changed`);
}
