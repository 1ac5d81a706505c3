import { availableParallelism } from 'node:os';
import type Sharp from 'sharp';
import { zonedInstant } from '../../time';

/**
 * What a file is, judged from its bytes alone (issue 13): the name and the
 * type a client declares are never believed. Photos are read by sharp
 * (libvips); a PDF is recognised by its `%PDF-` header.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export const ACCEPTED_TYPES = [...IMAGE_TYPES, 'application/pdf'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** The type the first bytes announce, or null for anything else (an executable, text, SVG, GIF, TIFF …). */
export function sniffType(b: Buffer): AcceptedType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  // HEIC/HEIF: an ISO-BMFF `ftyp` box whose brand is one of HEIF's (AVIF is not asked for).
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') {
    const brand = b.toString('latin1', 8, 12);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  }
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

/** sharp's name of each image type. */
const SHARP_FORMAT: Record<string, string[]> = {
  'image/jpeg': ['jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/heic': ['heif'],
};

export interface ImageFacts {
  width: number;
  height: number;
  takenAt?: Date;
  location?: { lat: number; lng: number };
}

export interface Thumbnail {
  contentType: string;
  body: Buffer;
}

/**
 * Reads an image (its size as seen, its EXIF time and place) and makes its
 * thumbnail with the EXIF orientation applied. Null when the library cannot
 * read it (a damaged file, or a HEIC this build of libvips does not decode).
 */
export async function readImage(
  body: Buffer,
  type: AcceptedType,
  opts: { thumbnailPx: number; timeZone: string },
): Promise<{ facts: ImageFacts; thumbnail: Thumbnail } | null> {
  return decoding(() => decode(body, type, opts));
}

/**
 * Photos decoded at once: as many as the machine has cores. Twenty 12-megapixel
 * photos decoded together share the cores and all finish late (and hold twenty
 * decoded pictures in memory); taken in turn, each is done as soon as it can be.
 */
const DECODERS = Math.max(1, availableParallelism());
let decoders = 0;
const waiting: Array<() => void> = [];

async function decoding<T>(work: () => Promise<T>): Promise<T> {
  if (decoders >= DECODERS) await new Promise<void>((go) => waiting.push(go));
  else decoders++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else decoders--;
  }
}

/**
 * sharp (libvips), loaded at the first photo rather than at start: a server that is sent no photo
 * never pays for loading it (about 50 ms of CPU at every start).
 */
let sharpLoaded: Promise<typeof Sharp> | null = null;
const loadSharp = () => (sharpLoaded ??= import('sharp').then((m) => m.default as typeof Sharp));

async function decode(
  body: Buffer,
  type: AcceptedType,
  opts: { thumbnailPx: number; timeZone: string },
): Promise<{ facts: ImageFacts; thumbnail: Thumbnail } | null> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(body, { failOn: 'error' }).metadata();
    if (!SHARP_FORMAT[type]?.includes(meta.format ?? '') || !meta.width || !meta.height) return null;
    // Orientations 5–8 turn the picture a quarter: width and height as seen are swapped.
    const turned = (meta.orientation ?? 1) >= 5;
    const facts: ImageFacts = {
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      ...(meta.exif ? exifFacts(meta.exif, opts.timeZone) : {}),
    };
    const thumb = await sharp(body, { failOn: 'error' })
      .rotate()
      .resize(opts.thumbnailPx, opts.thumbnailPx, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 72 })
      .toBuffer();
    return { facts, thumbnail: { contentType: 'image/webp', body: thumb } };
  } catch {
    return null;
  }
}

let pdfIcon: Promise<Buffer> | null = null;

/** The thumbnail of a PDF: a plain document icon (made once), so a list of evidence has a picture for every file. */
export function pdfThumbnail(): Promise<Thumbnail> {
  pdfIcon ??= loadSharp().then((sharp) =>
    sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="320" viewBox="0 0 240 320">' +
          '<rect width="240" height="320" fill="#f3f4f6"/>' +
          '<path d="M40 20h110l50 50v230H40z" fill="#fff" stroke="#b91c1c" stroke-width="8"/>' +
          '<path d="M150 20v50h50" fill="none" stroke="#b91c1c" stroke-width="8"/>' +
          '<rect x="40" y="180" width="160" height="70" fill="#b91c1c"/>' +
          '<path d="M70 110h100M70 135h100M70 160h60" stroke="#9ca3af" stroke-width="8"/>' +
          '</svg>',
      ),
    )
      .webp({ quality: 80 })
      .toBuffer(),
  );
  return pdfIcon.then((body) => ({ contentType: 'image/webp', body }));
}

// ---------------------------------------------------------------------------------------------------------------
// EXIF: a minimal TIFF reader for the three things kept (DateTimeOriginal with its offset, and GPS). sharp hands
// the raw EXIF block over (`Exif\0\0` + a TIFF structure); nothing else of it is read.

const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_DATETIME = 0x0132;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const GPS_LAT_REF = 1;
const GPS_LAT = 2;
const GPS_LNG_REF = 3;
const GPS_LNG = 4;

type TiffValue = string | number[];

/** Reads one IFD at `offset` into tag → value (ASCII as text, numbers and rationals as numbers). */
function readIfd(tiff: Buffer, offset: number, le: boolean): Map<number, TiffValue> {
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const i32 = (o: number) => (le ? tiff.readInt32LE(o) : tiff.readInt32BE(o));
  const out = new Map<number, TiffValue>();
  if (offset <= 0 || offset + 2 > tiff.length) return out;
  const count = u16(offset);
  for (let i = 0; i < count && i < 500; i++) {
    const e = offset + 2 + i * 12;
    if (e + 12 > tiff.length) break;
    const tag = u16(e);
    const type = u16(e + 2);
    const n = u32(e + 4);
    const size = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 }[type];
    if (!size || n > 10_000) continue;
    const at = size * n <= 4 ? e + 8 : u32(e + 8);
    if (at + size * n > tiff.length) continue;
    if (type === 2)
      out.set(
        tag,
        tiff
          .toString('latin1', at, at + n)
          .replace(/\0.*$/s, '')
          .trim(),
      );
    else {
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        const o = at + k * size;
        if (type === 1 || type === 7) values.push(tiff[o]);
        else if (type === 3) values.push(u16(o));
        else if (type === 4) values.push(u32(o));
        else if (type === 9) values.push(i32(o));
        else if (type === 5) values.push(u32(o + 4) ? u32(o) / u32(o + 4) : NaN);
        else if (type === 10) values.push(i32(o + 4) ? i32(o) / i32(o + 4) : NaN);
      }
      out.set(tag, values);
    }
  }
  return out;
}

/** EXIF's `YYYY:MM:DD HH:MM:SS` as an instant: with its offset (`+08:00`) when the photo names one, else in `timeZone`. */
export function exifInstant(text: string, offset: string | undefined, timeZone: string): Date | undefined {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  if (offset && /^[+-]\d{2}:\d{2}$/.test(offset)) {
    const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  try {
    return new Date(zonedInstant(`${y}-${mo}-${d}T${h}:${mi}`, timeZone).getTime() + Number(s) * 1000);
  } catch {
    return undefined;
  }
}

/** The time and place an EXIF block records (each only when present and sound). */
export function exifFacts(exif: Buffer, timeZone: string): Pick<ImageFacts, 'takenAt' | 'location'> {
  try {
    const start = exif.toString('latin1', 0, 6) === 'Exif\0\0' ? 6 : 0;
    const tiff = exif.subarray(start);
    const order = tiff.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return {};
    const le = order === 'II';
    const ifd0 = readIfd(tiff, le ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4), le);
    const pointer = (tag: number) => {
      const v = ifd0.get(tag);
      return Array.isArray(v) ? v[0] : 0;
    };
    const exifIfd = readIfd(tiff, pointer(TAG_EXIF_IFD), le);
    const gps = readIfd(tiff, pointer(TAG_GPS_IFD), le);
    const text = (m: Map<number, TiffValue>, tag: number) => {
      const v = m.get(tag);
      return typeof v === 'string' && v ? v : undefined;
    };
    const original = text(exifIfd, TAG_DATETIME_ORIGINAL) ?? text(ifd0, TAG_DATETIME);
    const takenAt = original ? exifInstant(original, text(exifIfd, TAG_OFFSET_TIME_ORIGINAL), timeZone) : undefined;
    const degrees = (tag: number, refTag: number, negative: string) => {
      const v = gps.get(tag);
      if (!Array.isArray(v) || v.length < 1 || v.some((x) => !Number.isFinite(x))) return undefined;
      const value = (v[0] ?? 0) + (v[1] ?? 0) / 60 + (v[2] ?? 0) / 3600;
      return text(gps, refTag)?.toUpperCase() === negative ? -value : value;
    };
    const lat = degrees(GPS_LAT, GPS_LAT_REF, 'S');
    const lng = degrees(GPS_LNG, GPS_LNG_REF, 'W');
    const location =
      lat !== undefined && lng !== undefined && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && (lat !== 0 || lng !== 0)
        ? { lat: Math.round(lat * 1e7) / 1e7, lng: Math.round(lng * 1e7) / 1e7 }
        : undefined;
    return {
      ...(takenAt && takenAt.getFullYear() > 1990 ? { takenAt } : {}),
      ...(location ? { location } : {}),
    };
  } catch {
    return {};
  }
}
