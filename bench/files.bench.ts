/**
 * `npm run bench -- files [--uploads 40] [--concurrent 20]`
 *
 * Issue 13: a phone photo (a noisy 4000×3000 JPEG of about 4 MB, with EXIF
 * time, GPS and orientation) uploaded to the real server in its own process
 * (SQLite, local file store in a temporary directory), then its thumbnail
 * fetched: p50/p95 of the upload, of the thumbnail and of both, one at a time;
 * then `--concurrent` uploads at once (each a different photo, so none is
 * deduplicated). Prints the figures and the server's peak RSS, and writes them
 * as JSON under bench-output/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { arg, peakRssMiB, percentile, startServer, writeResult } from './support';

const round = (x: number) => Math.round(x * 10) / 10;

/** A phone's photo: 4000×3000, noise (so JPEG cannot squeeze it), EXIF time, GPS and a quarter turn. */
async function phonePhoto(seed: number): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = Buffer.alloc(width * height * 3);
  let x = 0x9e3779b9 ^ seed;
  for (let i = 0; i < raw.length; i += 3) {
    // xorshift noise over a gradient: a street scene compresses to a few MB, this does too.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = x & 0x1f;
    const p = i / 3;
    raw[i] = ((p % width) / 16 + n) & 0xff;
    raw[i + 1] = (Math.floor(p / width) / 12 + n) & 0xff;
    raw[i + 2] = (seed * 37 + n * 2) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 84 })
    .withExif({
      IFD0: { Make: 'Bench', Model: 'Phone' },
      IFD2: { DateTimeOriginal: '2026:11:02 09:15:00', OffsetTimeOriginal: '+08:00' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '31/1 14/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '121/1 29/1 0/1',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

function stats(ms: number[]) {
  return {
    n: ms.length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    max: round(Math.max(...ms)),
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const uploads = Number(arg(args, 'uploads', '40'));
  const concurrent = Number(arg(args, 'concurrent', '20'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liandong-bench-files-'));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`,
    SEED_DEMO: '1',
    DEMO_HISTORY_MONTHS: '0',
    SCRYPT_COST: '1024',
    FILES_DIR: path.join(dir, 'files'),
    JOBS: '0',
  };
  process.stdout.write(`files: making ${uploads + concurrent} phone photos (4000×3000 JPEG, EXIF) …\n`);
  const photos: Buffer[] = [];
  for (let i = 0; i < uploads + concurrent; i++) photos.push(await phonePhoto(i + 1));
  const meanMiB = photos.reduce((s, p) => s + p.length, 0) / photos.length / 1024 / 1024;
  process.stdout.write(`  mean size ${meanMiB.toFixed(2)} MiB\n`);

  const config = loadConfig({ ...process.env, ...env });
  const services = await boot(config, { logger: createLogger({ silent: true }), seed: true });
  const token = await services.org.issueToken('waitan.officer', 'bench');
  await services.db.close();

  const server = await startServer(env, process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []);
  const auth = { Authorization: `Bearer ${token}` };
  const upload = async (photo: Buffer, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), name);
    const res = await fetch(`${server.url}/api/v1/files`, { method: 'POST', headers: auth, body: form });
    const body = (await res.json()) as { id?: string; width?: number; height?: number };
    if (res.status !== 201 || !body.id) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
    return body as { id: string; width: number; height: number };
  };
  const thumbnail = async (id: string) => {
    const res = await fetch(`${server.url}/api/v1/files/${id}/thumbnail`, { headers: auth });
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`thumbnail: ${res.status}`);
    return bytes;
  };
  try {
    // Warm-up: the first request loads libvips' codecs.
    const warm = await upload(photos[0], 'warm.jpg');
    await thumbnail(warm.id);

    const uploadMs: number[] = [];
    const thumbMs: number[] = [];
    const bothMs: number[] = [];
    let seen = { width: 0, height: 0, thumb: 0 };
    for (let i = 0; i < uploads; i++) {
      const t0 = performance.now();
      const up = await upload(photos[i], `IMG_${i}.jpg`);
      const t1 = performance.now();
      const small = await thumbnail(up.id);
      const t2 = performance.now();
      uploadMs.push(t1 - t0);
      thumbMs.push(t2 - t1);
      bothMs.push(t2 - t0);
      seen = { width: up.width, height: up.height, thumb: small.length };
    }
    const one = { upload: stats(uploadMs), thumbnail: stats(thumbMs), uploadAndThumbnail: stats(bothMs) };
    const rssAfterSerial = peakRssMiB(server.child.pid!);

    const burst = photos.slice(uploads, uploads + concurrent);
    const burstMs: number[] = [];
    const b0 = performance.now();
    await Promise.all(
      burst.map(async (photo, i) => {
        const t0 = performance.now();
        const up = await upload(photo, `BURST_${i}.jpg`);
        await thumbnail(up.id);
        burstMs.push(performance.now() - t0);
      }),
    );
    const burstSeconds = (performance.now() - b0) / 1000;
    const rssPeak = peakRssMiB(server.child.pid!);

    const result = {
      bench: 'files',
      at: new Date().toISOString(),
      node: process.version,
      photo: { meanMiB: round(meanMiB), asSeen: `${seen.width}×${seen.height}`, thumbnailBytes: seen.thumb },
      oneAtATimeMs: one,
      concurrent: {
        uploads: concurrent,
        wallSeconds: round(burstSeconds),
        perUploadMs: stats(burstMs),
        uploadsPerSecond: round(concurrent / burstSeconds),
      },
      serverPeakRssMiB: { afterOneAtATime: rssAfterSerial, afterConcurrent: rssPeak },
    };
    process.stdout.write(
      [
        `  one at a time (${uploads}): upload p50 ${one.upload.p50} ms, p95 ${one.upload.p95} ms; thumbnail p50 ${one.thumbnail.p50} ms, p95 ${one.thumbnail.p95} ms; both p50 ${one.uploadAndThumbnail.p50} ms, p95 ${one.uploadAndThumbnail.p95} ms`,
        `  ${concurrent} at once: ${result.concurrent.wallSeconds} s wall, each p50 ${result.concurrent.perUploadMs.p50} ms, p95 ${result.concurrent.perUploadMs.p95} ms`,
        `  server peak RSS: ${rssAfterSerial} MiB after one at a time, ${rssPeak} MiB after ${concurrent} at once`,
        `  written to ${writeResult('files', result)}`,
        '',
      ].join('\n'),
    );
    return result;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
