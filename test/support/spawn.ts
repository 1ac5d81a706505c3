import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

let built: string | null = null;

/**
 * Builds the app the way `npm start` does (`npm run build`), into a folder of
 * this test process's own so parallel test projects do not overwrite each other.
 */
function build(): string {
  if (!built) {
    const outdir = path.join(ROOT, 'test-output', `build-${process.pid}`);
    execFileSync('npm', ['run', '-s', 'build', '--', `--outdir=${outdir}`], { cwd: ROOT, stdio: 'pipe' });
    built = outdir;
  }
  return built;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a test gives a built script: its database, the test mode, a cheap password hash, and
 * whatever else the test says.
 */
export function scriptEnv(databaseUrl: string, more: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: databaseUrl, NODE_ENV: 'test', SCRYPT_COST: '1024', ...more };
}

/** Runs the built `<script>.js` (server or cli) as `npm start` / `npm run cli` do, and waits for it to end. */
export function runScript(script: 'cli' | 'server', args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(build(), `${script}.js`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the built `<script>.js` and resolves once its stdout matches `ready`. */
export function startScript(
  script: 'cli' | 'server',
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(build(), `${script}.js`)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready in 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${out}`));
    });
  });
}

/** Removes this process's build (call in afterAll). */
export function removeBuild(): void {
  if (built) fs.rmSync(built, { recursive: true, force: true });
  built = null;
}
