import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { eventBody, operationIn, rowCounts, send } from '../support/factories';
import {
  executable,
  getBytes,
  jpegPhoto,
  pdfDocument,
  pngImage,
  uploadAs,
  uploaded,
  webpImage,
} from '../support/files';
import { secondBrigade, type SecondBrigade } from '../support/brigades';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let other: SecondBrigade;

beforeAll(async () => {
  t = await startTestApp();
  other = await secondBrigade(t);
});
afterAll(async () => {
  await t.close();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('evidence files: what is taken (issue 13)', () => {
  it('a JPEG, a PNG, a WebP and a PDF are taken, their type judged from the content, not the declared type', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [await jpegPhoto(), 'a.jpg', 'image/jpeg'],
      [await pngImage(), 'b.bin', 'image/png'],
      [await webpImage(), 'c.jpg', 'image/webp'],
      [pdfDocument(), 'report.txt', 'application/pdf'],
    ];
    for (const [content, name, type] of cases) {
      const res = await uploadAs(t, t.token('waitan.officer'), content, name, 'application/octet-stream').expect(201);
      expect(res.body).toMatchObject({ contentType: type, bytes: content.length, sha256: sha(content) });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('a renamed executable or a text file is refused (415) and nothing is stored', async () => {
    const before = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_files');
    const exe = await uploadAs(t, t.token('waitan.officer'), executable(), 'photo.jpg', 'image/jpeg').expect(415);
    expect(exe.body.error).toMatchObject({ code: 'unsupported_file_type', fields: { file: expect.any(String) } });
    await uploadAs(t, t.token('waitan.officer'), Buffer.from('我不是照片'), 'x.png', 'image/png').expect(415);
    // A JPEG header over garbage is not a photo either.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]);
    await uploadAs(t, t.token('waitan.officer'), fake, 'y.jpg').expect(415);
    const after = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_files');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
  });

  it('a file larger than files.maxBytes is refused with 413', async () => {
    const small = await startTestApp({ config: { files: { maxBytes: 20_000 } } });
    try {
      const big = await jpegPhoto({ width: 1600, height: 1200, colour: '#123' });
      const noisy = Buffer.concat([big, Buffer.alloc(Math.max(0, 21_000 - big.length), 1)]);
      const res = await uploadAs(small, small.token('waitan.officer'), noisy).expect(413);
      expect(res.body.error.code).toBe('payload_too_large');
      await uploadAs(small, small.token('waitan.officer'), await jpegPhoto({ width: 64, height: 48 })).expect(201);
    } finally {
      await small.close();
    }
  });

  it('no file in the field `file` is a 400 naming it; no token is a 401', async () => {
    const res = await t.as('waitan.officer').post('/api/v1/files').field('note', 'x').expect(400);
    expect(res.body.error.fields).toHaveProperty('file');
    await uploadAs(t, 'ld_nonsense', await jpegPhoto()).expect(401);
  });
});

describe('evidence files: read back', () => {
  it('the original comes back byte for byte, with its type, its hash as ETag and a private cache', async () => {
    const photo = await jpegPhoto({ colour: '#abc' });
    const id = await uploaded(t, 'waitan.officer', photo, '外滩岗点.jpg');
    const res = await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${id}`).expect(200);
    expect(Buffer.compare(res.body, photo)).toBe(0);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers.etag).toBe(`"${sha(photo)}"`);
    expect(res.headers['cache-control']).toMatch(/private/);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('外滩岗点.jpg'));
    await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${id}`)
      .set('If-None-Match', `"${sha(photo)}"`)
      .expect(304);
  });

  it('the thumbnail has EXIF orientation applied: a landscape-stored photo turned by orientation 6 is portrait', async () => {
    const photo = await jpegPhoto({ width: 1200, height: 800, orientation: 6 });
    const meta = await sharp(photo).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([1200, 800, 6]);
    const up = await uploadAs(t, t.token('waitan.officer'), photo).expect(201);
    expect([up.body.width, up.body.height]).toEqual([800, 1200]);
    const thumb = await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${up.body.id}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const tm = await sharp(thumb.body).metadata();
    expect(tm.height).toBe(480);
    expect(tm.width).toBe(320);
  });

  it('a PDF has an icon for a thumbnail', async () => {
    const id = await uploaded(t, 'waitan.officer', pdfDocument('icon'), 'list.pdf');
    const thumb = await getBytes(t, t.token('waitan.officer'), `/api/v1/files/${id}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumb.body).metadata()).format).toBe('webp');
  });

  it('EXIF time (its offset, or brigade time) and GPS are kept as takenAt and location', async () => {
    const withOffset = await uploadAs(
      t,
      t.token('waitan.officer'),
      await jpegPhoto({
        takenAt: '2026:11:01 08:30:15',
        offset: '+08:00',
        gps: { lat: [31, 14, 24], latRef: 'N', lng: [121, 29, 0], lngRef: 'E' },
      }),
    ).expect(201);
    expect(withOffset.body.takenAt).toBe('2026-11-01T08:30:15+08:00');
    expect(withOffset.body.location.lat).toBeCloseTo(31.24, 5);
    expect(withOffset.body.location.lng).toBeCloseTo(121.4833333, 5);
    // No offset in the photo: read as brigade time (Asia/Shanghai).
    const local = await uploadAs(
      t,
      t.token('waitan.officer'),
      await jpegPhoto({ takenAt: '2026:10:30 21:05:00' }),
    ).expect(201);
    expect(local.body.takenAt).toBe('2026-10-30T21:05:00+08:00');
    // Another offset is honoured, and answered in brigade time.
    const utc = await uploadAs(
      t,
      t.token('waitan.officer'),
      await jpegPhoto({
        takenAt: '2026:10:30 13:05:00',
        offset: '+00:00',
        gps: { lat: [33, 52, 0], latRef: 'S', lng: [151, 12, 0], lngRef: 'E' },
      }),
    ).expect(201);
    expect(utc.body.takenAt).toBe('2026-10-30T21:05:00+08:00');
    expect(utc.body.location.lat).toBeCloseTo(-33.8667, 3);
    const plain = await uploadAs(t, t.token('waitan.officer'), await pngImage('#010')).expect(201);
    expect(plain.body).not.toHaveProperty('takenAt');
    expect(plain.body).not.toHaveProperty('location');
  });

  it('the same bytes uploaded twice are two files and one blob', async () => {
    const photo = await jpegPhoto({ colour: '#fe1' });
    const a = await uploaded(t, 'waitan.officer', photo);
    const b = await uploaded(t, 'waitan.leader', photo);
    expect(a).not.toBe(b);
    const rows = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_files WHERE sha256 = ?', [
      sha(photo),
    ]);
    expect(Number(rows[0].n)).toBe(2);
    expect(await t.services.files.storage.has(`blob/${sha(photo).slice(0, 2)}/${sha(photo)}`)).toBe(true);
  });
});

describe('evidence files: attached through a step, read through the record', () => {
  it('a holding check with photos attaches them; whoever may read the operation reads them; another brigade does not', async () => {
    const op = await operationIn(t, 'holding');
    const photo = await jpegPhoto({ colour: '#0a0', takenAt: '2026:11:01 10:00:00' });
    const pdf = pdfDocument('check');
    const files = [await uploaded(t, 'waitan.leader', photo), await uploaded(t, 'waitan.leader', pdf, '固守登记.pdf')];
    // Before it is attached, only its uploader reads it.
    await getBytes(t, t.token('inspector'), `/api/v1/files/${files[0]}`).expect(404);
    const v = await send(t, op.id, op.version, 'LOG_HOLDING_CHECK', { files }, 'waitan.leader');
    expect(v).toBe(op.version + 1);
    const got = await getBytes(t, t.token('inspector'), `/api/v1/files/${files[0]}`).expect(200);
    expect(Buffer.compare(got.body, photo)).toBe(0);
    await getBytes(t, t.token('nanjingdonglu.officer'), `/api/v1/files/${files[1]}/thumbnail`).expect(200);
    await getBytes(t, other.token('inspector'), `/api/v1/files/${files[0]}`).expect(404);
    await getBytes(t, other.token('admin'), `/api/v1/files/${files[0]}/thumbnail`).expect(404);
    // The step keeps the ids in its history payload, and the record lists them in order.
    const history = (await t.as('inspector').get(`/api/v1/operations/${op.id}/history`).expect(200)).body.items;
    const step = history.find((h: { event: string }) => h.event === 'LOG_HOLDING_CHECK');
    expect(step.payload.files).toEqual(files);
    const principal = await t.services.org.authenticateToken(t.token('inspector'));
    const attached = await t.services.files.forRecord(principal, 'operation', op.id);
    expect(attached.map((f) => [f.id, f.step, f.eventType])).toEqual([
      [files[0], v, 'LOG_HOLDING_CHECK'],
      [files[1], v, 'LOG_HOLDING_CHECK'],
    ]);
    // Taken the day before the check (clock: days after), so marked as taken long before the step.
    expect(attached[0].takenLongBefore).toBe(true);
    expect(attached[1].takenLongBefore).toBe(false);
  });

  it('an unknown id, or another user’s unattached file, is refused with 422 naming files, and nothing is written', async () => {
    const op = await operationIn(t, 'holding');
    const theirs = await uploaded(t, 'nanjingdonglu.officer', await jpegPhoto({ colour: '#f0f' }));
    const foreign = (await uploadAs(t, other.token('officer'), await jpegPhoto({ colour: '#0ff' })).expect(201)).body
      .id;
    const mine = await uploaded(t, 'waitan.leader', await jpegPhoto({ colour: '#ff0' }));
    for (const bad of ['00000000-0000-4000-8000-000000000000', theirs, foreign]) {
      const before = await rowCounts(t);
      const attachments = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_attachments');
      const res = await t
        .as('waitan.leader')
        .post(`/api/v1/operations/${op.id}/events`, {
          type: 'LOG_HOLDING_CHECK',
          expectedVersion: op.version,
          ...eventBody('LOG_HOLDING_CHECK', t.clock.now()),
          files: [mine, bad],
        })
        .expect(422);
      expect(res.body.error.fields).toHaveProperty('files');
      expect(await rowCounts(t)).toEqual(before);
      const after = await t.services.db.dataSource.query('SELECT COUNT(*) AS n FROM evidence_attachments');
      expect(Number(after[0].n)).toBe(Number(attachments[0].n));
    }
    // Not a file id at all: 400, naming the field.
    const malformed = await t
      .as('waitan.leader')
      .post(`/api/v1/operations/${op.id}/events`, {
        type: 'SPOT_CHECK',
        expectedVersion: op.version,
        findings: 'x',
        reboundObserved: false,
        files: ['../../etc/passwd'],
      })
      .expect(400);
    expect(Object.keys(malformed.body.error.fields).join()).toMatch(/files/);
  });

  it('a file already readable (attached to an operation) may be attached again by someone else', async () => {
    const op = await operationIn(t, 'holding');
    const photo = await uploaded(t, 'waitan.leader', await jpegPhoto({ colour: '#a0a' }));
    const v = await send(t, op.id, op.version, 'LOG_HOLDING_CHECK', { files: [photo] }, 'waitan.leader');
    await send(t, op.id, v, 'SPOT_CHECK', { files: [photo] }, 'inspector');
    const principal = await t.services.org.authenticateToken(t.token('duty'));
    expect((await t.services.files.forRecord(principal, 'operation', op.id)).map((f) => f.eventType)).toEqual([
      'LOG_HOLDING_CHECK',
      'SPOT_CHECK',
    ]);
  });
});
