import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { operationIn, send } from '../support/factories';
import { getBytes, jpegPhoto, pdfDocument, uploadAs, uploaded } from '../support/files';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 13: the file store, local directory and S3-compatible bucket alike (the
 * bucket a local S3 server, s3rver, started here): bytes back as sent, one
 * blob per content, orphans removed a day after upload with their blobs.
 */

const HOUR = 3_600_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blob = (b: Buffer) => `blob/${sha(b).slice(0, 2)}/${sha(b)}`;
const thumb = (b: Buffer) => `thumb/${sha(b)}`;

describe.each(['local', 's3'] as const)('evidence files in the %s store', (kind) => {
  let t: TestApp;
  let s3: S3rver | null = null;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), `files-store-${kind}-`));
    let files: Record<string, unknown> = { dir };
    if (kind === 's3') {
      s3 = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'evidence' }],
      });
      const { port } = await s3.run();
      files = {
        storage: 's3',
        s3: {
          endpoint: `http://127.0.0.1:${port}`,
          bucket: 'evidence',
          region: 'us-east-1',
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          forcePathStyle: true,
          prefix: 'liandong/',
        },
      };
    }
    t = await startTestApp({ config: { files } });
    expect(t.services.files.storage.kind).toBe(kind);
  });
  afterAll(async () => {
    await t?.close();
    const storage = t?.services.files.storage as { destroy?: () => void } | undefined;
    storage?.destroy?.();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the original comes back byte for byte, and the thumbnail is made and kept in the store', async () => {
    const photo = await jpegPhoto({ width: 1024, height: 768, colour: '#2b5' });
    const id = await uploaded(t, 'waitan.officer', photo);
    const back = await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${id}`).expect(200);
    expect(sha(back.body)).toBe(sha(photo));
    expect(back.body.length).toBe(photo.length);
    expect(await t.services.files.storage.has(blob(photo))).toBe(true);
    expect(await t.services.files.storage.has(thumb(photo))).toBe(true);
    const small = await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${id}/thumbnail`).expect(200);
    expect((await sharp(small.body).metadata()).width).toBe(480);
  });

  it('the same bytes twice are two files and one blob; a PDF is stored as sent', async () => {
    const pdf = pdfDocument(`dedupe ${kind}`);
    const a = await uploaded(t, 'waitan.officer', pdf, 'a.pdf');
    const b = await uploaded(t, 'waitan.leader', pdf, 'b.pdf');
    expect(a).not.toBe(b);
    const [row] = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_files WHERE sha256 = ?', [
      sha(pdf),
    ]);
    expect(Number(row.n)).toBe(2);
    // Stored once: the second upload found the blob there and wrote nothing.
    const stored = await t.services.files.storage.read(blob(pdf));
    expect(stored && sha(stored)).toBe(sha(pdf));
    const back = await getBytes(t, t.token('waitan.leader'), `/api/v1/files/${b}`).expect(200);
    expect(Buffer.compare(back.body, pdf)).toBe(0);
    expect(back.headers['content-disposition']).toContain('b.pdf');
  });

  it('a file attached to nothing is removed 24 h after upload with its blob; attached ones and shared blobs stay', async () => {
    const op = await operationIn(t, 'holding');
    const kept = await jpegPhoto({ colour: '#07a' });
    const orphan = await jpegPhoto({ colour: '#a70' });
    const shared = await jpegPhoto({ colour: '#777' });
    const keptId = await uploaded(t, 'waitan.leader', kept);
    const orphanId = await uploaded(t, 'waitan.officer', orphan);
    const sharedOrphan = await uploaded(t, 'waitan.officer', shared);
    const sharedKept = await uploaded(t, 'waitan.leader', shared);
    await send(t, op.id, op.version, 'LOG_HOLDING_CHECK', { files: [keptId, sharedKept] }, 'waitan.leader');
    // Within the day nothing goes.
    t.clock.advance(23 * HOUR);
    let run = await t.services.jobs.run('files-orphans', { via: 'cli' });
    expect(run.status).toBe('ok');
    await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${orphanId}`).expect(200);
    t.clock.advance(2 * HOUR);
    run = await t.services.jobs.run('files-orphans', { via: 'cli' });
    expect(run.status).toBe('ok');
    expect(run.did).toBeGreaterThanOrEqual(2);
    await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${orphanId}`).expect(404);
    await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${sharedOrphan}`).expect(404);
    expect(await t.services.files.storage.has(blob(orphan))).toBe(false);
    expect(await t.services.files.storage.has(thumb(orphan))).toBe(false);
    // The blob another (attached) file names stays, and so does the attached file.
    expect(await t.services.files.storage.has(blob(shared))).toBe(true);
    await getBytes(t, t.token('inspector'), `/api/v1/files/${sharedKept}`).expect(200);
    const back = await getBytes(t, t.token('inspector'), `/api/v1/files/${keptId}`).expect(200);
    expect(Buffer.compare(back.body, kept)).toBe(0);
    // A second run finds nothing more (idempotent).
    expect((await t.services.jobs.run('files-orphans', { via: 'cli' })).did).toBe(0);
  });

  it('a step attaching a file while the sweep removes it keeps the file attached (never deleted under it)', async () => {
    const op = await operationIn(t, 'holding');
    const id = await uploaded(t, 'waitan.leader', await jpegPhoto({ colour: '#0a7' }));
    t.clock.advance(25 * HOUR);
    const leader = await t.services.org.authenticateToken(t.token('waitan.leader'));
    let sweep: Promise<unknown> = Promise.resolve();
    await t.services.db.transaction(async (m) => {
      await t.services.files.attach(m, leader, 'operation', op.id, [id]);
      // The sweep starts while the step is still open: it read the file as attached to nothing, and must wait.
      sweep = t.services.files.sweepOrphans();
      await new Promise((r) => setTimeout(r, 300));
    });
    await sweep;
    const attached = await t.services.files.attachedTo(leader.brigadeId, 'operation', op.id);
    expect(attached.map((f) => f.id)).toEqual([id]);
    await getBytes(t, t.token('inspector'), `/api/v1/files/${id}`).expect(200);
  });

  it('an upload refused by type writes nothing to the store', async () => {
    const text = Buffer.from(`#!/bin/sh\necho ${kind}\n`);
    await uploadAs(t, t.token('waitan.officer'), text, 'x.jpg').expect(415);
    expect(await t.services.files.storage.has(blob(text))).toBe(false);
  });
});
