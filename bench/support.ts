import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/** p-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Peak resident set size of a process (Linux VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Starts the real server (`dist/server.js`, built by `npm run bench`) in its own Node process; resolves with its URL. */
export function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void>; log: () => string }> {
  return new Promise((resolve, reject) => {
    // The built server (`npm run build`, as `npm start` runs it), not tsx: no loader hooks in the way.
    const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/server.js')], {
      cwd: ROOT,
      // Measured over plain HTTP: production's Secure cookies would never come back (SECURE_COOKIES=0 says plain HTTP is meant).
      env: { ...process.env, PORT: '0', SECURE_COOKIES: '0', ...env },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server not ready:\n${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          log: () => out,
          stop: () =>
            new Promise<void>((done) => {
              // Already gone (it crashed): nothing to wait for.
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('close', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('close', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

/** Runs `jobs` with `concurrency` workers pulling from a shared queue. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
      }
    }),
  );
}

export function writeResult(name: string, data: unknown): string {
  const dir = path.join(ROOT, 'bench-output');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/**
 * A TCP relay to 127.0.0.1:`port` that holds every chunk `ms` milliseconds each way, in order (Node's
 * timers: at least 1 ms): a database as if on another machine, for a bench of round trips.
 */
export async function delayingRelay(port: number, ms: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    const end = () => setTimeout(() => (client.destroy(), upstream.destroy()), ms);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => (sockets.delete(s), end()));
      s.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => void setTimeout(() => upstream.write(chunk), ms));
    upstream.on('data', (chunk: Buffer) => void setTimeout(() => client.write(chunk), ms));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

export function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/** A self-time line of a CPU profile: a function, where it is, and the milliseconds sampled in it. */
export interface SelfTime {
  name: string;
  where: string;
  ms: number;
}

/**
 * The functions that spent the most time themselves (not in what they called) in a V8 CPU profile
 * (`node --cpu-prof` writes one `.cpuprofile` at exit): each sample's interval goes to the function on
 * top of the stack then, summed per function and place.
 */
export function topSelfTime(profileFile: string, count = 10): { totalMs: number; top: SelfTime[] } {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, SelfTime>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // A sample's delta is the time since the one before it: it belongs to the previous sample's function.
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    const frame = byNode.get(id)!;
    const name = frame.functionName || '(anonymous)';
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const line = totals.get(key) ?? { name, where, ms: 0 };
    line.ms += us / 1000;
    totals.set(key, line);
  });
  const top = [...totals.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((l) => ({ ...l, ms: Math.round(l.ms) }));
  return { totalMs: Math.round(totalUs / 1000), top };
}

/**
 * A JSON request over kept-alive connections (node:http), for the benches' clients. `fetch` (undici) spent
 * 0.9 ms of CPU per event on the client side of the engine bench (about a quarter of one of this machine's two
 * cores), taken from the server under test, as clients on other machines would never do; this client spends
 * 0.3 ms (measured 2026-12-07, same run otherwise).
 */
export function jsonClient(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (
    url: string,
    method: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        url,
        {
          method,
          agent,
          headers: {
            ...headers,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
            } catch (e) {
              reject(new Error(`${method} ${url}: ${res.statusCode} answered no JSON: ${text.slice(0, 200)} (${e})`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}
