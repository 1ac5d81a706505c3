// Evidence photos (issue 13), progressive enhancement only: without this file a form's photos are sent as they are.
// - previews of the chosen photos under the photos field;
// - window.LiandongEvidence.prepare(form): the form's data with every large photo downscaled in the browser
//   (≤ 2560 px on the long side, JPEG ~0.85, turned upright, its EXIF time and place kept) — called by the
//   submit pipeline (submit.js) before it sends the form.
(() => {
  'use strict';
  const MAX_SIDE = 2560;
  const QUALITY = 0.85;
  const FIELD = 'photos';

  const isPdf = (file) => file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
  const isJpeg = (file) => file.type === 'image/jpeg' || /\.jpe?g$/i.test(file.name);
  const isImage = (file) =>
    !isPdf(file) && (/^image\//.test(file.type) || /\.(jpe?g|png|webp|hei[cf])$/i.test(file.name));

  /** The photo decoded and turned upright as its EXIF orientation says; null if this browser cannot read it (HEIC on most). */
  async function decode(file) {
    if (typeof createImageBitmap !== 'function') return null;
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      return null;
    }
  }

  /** The TIFF orientation tag (0x0112) of IFD0 set to 1: the pixels are upright already, a reader must not turn them again. */
  function uprightOrientation(view, tiff) {
    if (tiff + 8 > view.byteLength) return;
    const little = view.getUint16(tiff) === 0x4949;
    const ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > view.byteLength) return;
    const count = view.getUint16(ifd, little);
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      if (entry + 12 > view.byteLength) return;
      if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
    }
  }

  /**
   * A JPEG's EXIF segment (APP1 "Exif"), its orientation made upright, or null: a canvas keeps no EXIF, and the
   * server reads the time a photo was taken (拍摄于) and its place from it.
   */
  async function exifSegmentOf(file) {
    if (!isJpeg(file)) return null;
    const head = new DataView(await file.slice(0, 128 * 1024).arrayBuffer());
    if (head.byteLength < 4 || head.getUint16(0) !== 0xffd8) return null;
    for (let at = 2; at + 4 <= head.byteLength; ) {
      const marker = head.getUint16(at);
      // Not a marker, or the start of the picture's data: no EXIF ahead.
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
      const length = head.getUint16(at + 2);
      if (marker === 0xffe1 && at + 2 + length <= head.byteLength && head.getUint32(at + 4) === 0x45786966) {
        const segment = new Uint8Array(head.buffer.slice(at, at + 2 + length));
        // FF E1, length (2), "Exif\0\0" (6): the TIFF header is 10 bytes in.
        uprightOrientation(new DataView(segment.buffer), 10);
        return segment;
      }
      at += 2 + length;
    }
    return null;
  }

  const jpegOf = (canvas) => new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));

  /** The photo at most MAX_SIDE on its long side; a PDF, a small photo or one this browser cannot read, untouched. */
  async function downscaled(file) {
    if (!isImage(file)) return file;
    const bitmap = await decode(file);
    if (!bitmap) return file;
    const long = Math.max(bitmap.width, bitmap.height);
    if (long <= MAX_SIDE) {
      bitmap.close();
      return file;
    }
    const scale = MAX_SIDE / long;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext('2d');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const jpeg = await jpegOf(canvas);
    if (!jpeg) return file;
    const exif = await exifSegmentOf(file);
    // The EXIF segment goes right after the new JPEG's start-of-image marker.
    const parts = exif ? [jpeg.slice(0, 2), exif, jpeg.slice(2)] : [jpeg];
    const name = `${file.name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`;
    return new File(parts, name, { type: 'image/jpeg', lastModified: file.lastModified });
  }

  /** The form's data as a browser would send it, its photos downscaled (they stay last, after every text field). */
  async function prepare(form) {
    const data = new FormData(form);
    const files = data.getAll(FIELD).filter((f) => f instanceof File && f.size > 0);
    data.delete(FIELD);
    for (const file of files) {
      const sent = await downscaled(file);
      data.append(FIELD, sent, sent.name);
    }
    return data;
  }

  window.LiandongEvidence = { prepare, downscaled, maxSide: MAX_SIDE };

  // Previews: a small picture of each photo chosen (a PDF, or a photo this browser cannot show, by its name).
  const shown = new WeakMap();
  document.addEventListener('change', (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || input.name !== FIELD) return;
    const box = input.closest('[data-photos]');
    const list = box && box.querySelector('.evidence-previews');
    if (!list) return;
    for (const url of shown.get(list) || []) URL.revokeObjectURL(url);
    const urls = [];
    list.replaceChildren();
    const words = list.dataset.alt || '{n}';
    Array.from(input.files || []).forEach((file, i) => {
      const item = document.createElement('li');
      const label = words.replace('{n}', String(i + 1)).replace('{name}', file.name);
      if (isImage(file)) {
        const url = URL.createObjectURL(file);
        urls.push(url);
        const img = document.createElement('img');
        img.src = url;
        img.alt = label;
        img.width = 96;
        img.height = 96;
        img.addEventListener('error', () => item.replaceChildren(document.createTextNode(file.name)), { once: true });
        item.append(img);
      } else {
        item.className = 'file-name';
        item.textContent = file.name;
      }
      list.append(item);
    });
    shown.set(list, urls);
    list.hidden = urls.length === 0 && list.children.length === 0;
  });
})();
