/**
 * `npm run bench -- <name> [options]`: benchmarks that report figures (never
 * pass/fail tests). Each prints what it measured and writes it as JSON under
 * bench-output/.
 */
const BENCHES: Record<string, () => Promise<{ run: (args: string[]) => Promise<unknown> }>> = {
  engine: () => import('./engine.bench'),
  jobs: () => import('./jobs.bench'),
  pages: () => import('./pages.bench'),
  figures: () => import('./figures.bench'),
  files: () => import('./files.bench'),
  start: () => import('./start.bench'),
  all: () => import('./all.bench'),
};

async function main() {
  const [name, ...args] = process.argv.slice(2);
  if (!name || !BENCHES[name]) {
    process.stderr.write(`Usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]\n`);
    process.exit(1);
  }
  await (await BENCHES[name]()).run(args);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
