import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { createLogger } from '../../src/logger';
import { inSources } from '../../src/stack-sources';

/**
 * Stacks in the built bundle, named at the lines of the TypeScript they were built from (stack-sources.ts):
 * a module built here by esbuild as `npm run build` builds the app (bundled, its map beside it), loaded by
 * Node, and made to throw.
 */
let dir: string;
/** The stack as Node writes it, in a process of its own (Jest maps the stacks of what it loads itself). */
const thrown = (file: string): string =>
  execFileSync(
    process.execPath,
    ['-e', `try { require(${JSON.stringify(file)}).boom(1) } catch (e) { process.stdout.write(e.stack) }`],
    {
      encoding: 'utf8',
    },
  );

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-stack-'));
  fs.mkdirSync(path.join(dir, 'src'));
  // The throw is on line 4 of the source, column 9; the bundle's lines are others.
  fs.writeFileSync(
    path.join(dir, 'src', 'boom.ts'),
    'export function boom(n: number): never {\n  const why: string = `boom ${n}`;\n  const at: number = n * 2;\n  throw new Error(`${why} ${at}`);\n}\n',
  );
  for (const out of ['mapped', 'unmapped', 'broken'])
    buildSync({
      entryPoints: [path.join(dir, 'src', 'boom.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: path.join(dir, out, 'boom.js'),
      sourcemap: out !== 'unmapped',
      logLevel: 'silent',
    });
  fs.writeFileSync(path.join(dir, 'broken', 'boom.js.map'), '{ not a map');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('a position in a built file with its map beside it becomes the source’s file, line and column', () => {
  const stack = thrown(path.join(dir, 'mapped', 'boom.js'));
  expect(stack).toMatch(/mapped\/boom\.js:\d+:\d+/);
  const mapped = inSources(stack);
  expect(mapped.split('\n')[1]).toBe(`    at Object.boom (${path.join(dir, 'src', 'boom.ts')}:4:9)`);
  expect(mapped).not.toContain('mapped/boom.js');
  // The message and the frames of other code (the caller's) are as they were.
  expect(mapped.split('\n')[0]).toBe('Error: boom 1 2');
  expect(mapped.split('\n')[2]).toBe(stack.split('\n')[2]);
});

it('a file without a map, or with one that cannot be read, keeps its positions', () => {
  for (const out of ['unmapped', 'broken']) {
    const stack = thrown(path.join(dir, out, 'boom.js'));
    expect(inSources(stack)).toBe(stack);
  }
});

it('a logged error’s stack names the source’s lines', () => {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
  const stack = thrown(path.join(dir, 'mapped', 'boom.js'));
  const error = Object.assign(new Error('boom 1 2'), { stack });
  logger.error('it failed', { err: error });
  const logged = JSON.parse(lines[0]) as { err: { stack: string } };
  expect(logged.err.stack).toContain(`${path.join(dir, 'src', 'boom.ts')}:4:9`);
  expect(logged.err.stack).not.toContain('mapped/boom.js');
});

it('an error nobody caught is logged, its stack at the source’s lines, and the process stops as Node stops it', () => {
  // Built under the project (its packages found from there), from an entry that logs as the server does.
  const outputs = path.join(__dirname, '..', '..', 'test-output');
  fs.mkdirSync(outputs, { recursive: true });
  const out = fs.mkdtempSync(path.join(outputs, 'uncaught-'));
  try {
    const entry = path.join(out, 'crash.ts');
    const logger = path.resolve(__dirname, '..', '..', 'src', 'logger');
    fs.writeFileSync(
      entry,
      `import { createLogger, logUncaught } from ${JSON.stringify(logger)};\nlogUncaught(createLogger());\nsetTimeout(() => {\n  throw new Error('nobody caught me');\n}, 1);\n`,
    );
    buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      packages: 'external',
      outfile: path.join(out, 'crash.js'),
      sourcemap: true,
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [path.join(out, 'crash.js')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const line = run.stderr.split('\n').find((l) => l.includes('stopped by an error nobody caught'));
    const logged = JSON.parse(line ?? '{}') as {
      level: string;
      origin: string;
      err: { message: string; stack: string };
    };
    expect(logged).toMatchObject({ level: 'error', origin: 'uncaughtException', err: { message: 'nobody caught me' } });
    expect(logged.err.stack).toContain(`${entry}:4:9`);
    expect(logged.err.stack).not.toContain('crash.js');
    // Node's own print follows, as before.
    expect(run.stderr).toContain('Error: nobody caught me');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
