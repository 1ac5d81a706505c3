import request from 'supertest';
import sharp from 'sharp';
import type { TestApp } from './test-app';

/** Photos and documents for the evidence-file tests, made here (no fixtures): real JPEG/PNG/WebP bytes from sharp. */

export interface PhotoOptions {
  width?: number;
  height?: number;
  /** EXIF orientation (6: the camera was turned a quarter clockwise; the picture is stored landscape). */
  orientation?: number;
  /** EXIF DateTimeOriginal, `YYYY:MM:DD HH:MM:SS`. */
  takenAt?: string;
  /** EXIF OffsetTimeOriginal, e.g. `+08:00`. */
  offset?: string;
  /** GPS as degrees, minutes, seconds. */
  gps?: { lat: [number, number, number]; latRef: 'N' | 'S'; lng: [number, number, number]; lngRef: 'E' | 'W' };
  /** A colour, so two photos differ. */
  colour?: string;
}

const rational = (dms: [number, number, number]) => dms.map((x) => `${Math.round(x * 100)}/100`).join(' ');

/** A JPEG as a phone makes it, with what EXIF was asked for. */
export async function jpegPhoto(o: PhotoOptions = {}): Promise<Buffer> {
  let img = sharp({
    create: { width: o.width ?? 640, height: o.height ?? 480, channels: 3, background: o.colour ?? '#3a6' },
  }).jpeg({ quality: 80 });
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'Liandong test', Model: 'Phone' } };
  if (o.takenAt) exif.IFD2 = { DateTimeOriginal: o.takenAt, ...(o.offset ? { OffsetTimeOriginal: o.offset } : {}) };
  if (o.gps)
    exif.IFD3 = {
      GPSLatitudeRef: o.gps.latRef,
      GPSLatitude: rational(o.gps.lat),
      GPSLongitudeRef: o.gps.lngRef,
      GPSLongitude: rational(o.gps.lng),
    };
  img = img.withExif(exif);
  if (o.orientation) img = img.withMetadata({ orientation: o.orientation });
  return img.toBuffer();
}

export async function pngImage(colour = '#c33'): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 4, background: colour } })
    .png()
    .toBuffer();
}

export async function webpImage(colour = '#33c'): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: colour } })
    .webp()
    .toBuffer();
}

/** A small, valid PDF of one empty page. */
export function pdfDocument(note = 'evidence'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>`,
    `<< /Length ${note.length + 10} >>\nstream\n% ${note}\n\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** An ELF executable's first bytes (what a renamed program looks like). */
export function executable(): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(2000, 0x90)]);
}

/** Uploads `content` as `token`'s user through the API; the raw supertest answer. */
export function uploadAs(
  t: Pick<TestApp, 'app'>,
  token: string,
  content: Buffer,
  name = 'photo.jpg',
  declared = 'image/jpeg',
): request.Test {
  return request(t.app)
    .post('/api/v1/files')
    .set('Authorization', `Bearer ${token}`)
    .attach('file', content, { filename: name, contentType: declared });
}

/** Uploads as a demo user and returns the new file's id (expects 201). */
export async function uploaded(t: TestApp, username: string, content: Buffer, name = 'photo.jpg'): Promise<string> {
  const res = await uploadAs(t, t.token(username), content, name);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** GET with a bearer token, the body as bytes. */
export function getBytes(t: Pick<TestApp, 'app'>, token: string, path: string): request.Test {
  return request(t.app)
    .get(path)
    .set('Authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // A refusal is JSON (`{error}`): read as such, so it can be checked against the OpenAPI document.
        const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
        done(null, json ? JSON.parse(bytes.toString('utf8')) : bytes);
      });
    });
}
