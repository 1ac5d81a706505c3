import { exifInstant, sniffType } from '../../src/domain/files/file-content';

/** Issue 13: what a file is comes from its first bytes; EXIF times are read in their offset or brigade time. */
describe('evidence file content', () => {
  it('knows JPEG, PNG, WebP, HEIC and PDF by their first bytes, and nothing else', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0, 0]))).toBe('image/jpeg');
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffType(Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00', 'latin1'))).toBe('image/heic');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    // A program, a script, a GIF, an SVG (script inside an image), a ZIP, an AVIF: none of them.
    for (const other of [
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]),
      Buffer.from('MZ\x90\x00', 'latin1'),
      Buffer.from('#!/bin/sh\n'),
      Buffer.from('GIF89a'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('PK\x03\x04', 'latin1'),
      Buffer.from('\x00\x00\x00\x18ftypavif\x00\x00\x00\x00', 'latin1'),
      Buffer.alloc(0),
    ])
      expect(sniffType(other)).toBeNull();
  });

  it('reads DateTimeOriginal with its offset, else as brigade time; nonsense is no time', () => {
    expect(exifInstant('2026:11:01 08:30:15', '+08:00', 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-11-01T00:30:15.000Z',
    );
    expect(exifInstant('2026:11:01 08:30:15', undefined, 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-11-01T00:30:15.000Z',
    );
    expect(exifInstant('2026:11:01 08:30:15', '-05:00', 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-11-01T13:30:15.000Z',
    );
    expect(exifInstant('0000:00:00 00:00:00', undefined, 'Asia/Shanghai')).toBeUndefined();
    expect(exifInstant('yesterday', undefined, 'Asia/Shanghai')).toBeUndefined();
  });
});
