'use strict';
// Large files made at run time (no binary fixtures): a phone photo and a PDF over the limit.

const MIB = 1024 * 1024;

/**
 * A JPEG photo of about 3 to 5 MB drawn in the page (noise compresses badly, as a detailed
 * photo does), landscape, with an EXIF orientation of 6: the camera was turned, and viewers
 * show it portrait.
 */
async function bigPhoto(page) {
  const b64 = await page.evaluate(async () => {
    const draw = async (w, hgt) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = hgt;
      const ctx = c.getContext('2d');
      const img = ctx.createImageData(w, hgt);
      let seed = 7;
      for (let i = 0; i < img.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        img.data[i] = seed & 255;
        img.data[i + 1] = (seed >> 8) & 255;
        img.data[i + 2] = (i / 4) % 256;
        img.data[i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
      return new Promise((r) => c.toBlob(r, 'image/jpeg', 0.9));
    };
    let w = 1600;
    let blob = await draw(w, (w * 3) / 4);
    // Scale to land between 3 and 5 MB whatever this Chromium's encoder makes of the noise.
    for (let i = 0; i < 4 && (blob.size < 3 * 1048576 || blob.size > 5 * 1048576); i++) {
      w = Math.round((w * Math.sqrt(4 * 1048576 / blob.size)) / 4) * 4;
      blob = await draw(w, (w * 3) / 4);
    }
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const jpeg = Buffer.from(b64, 'base64');
  // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
  const tiff = Buffer.from([
    0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, // II*, IFD at 8
    0x01, 0x00, // one entry
    0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, // SHORT 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(payload.length + 2);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), len, payload]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** A valid PDF padded past 2 MB. */
function bigPdf() {
  const head = '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n';
  const tail = 'trailer<</Root 1 0 R>>\n%%EOF\n';
  return Buffer.concat([Buffer.from(head), Buffer.alloc(2 * MIB + 4096, '%'), Buffer.from('\n' + tail)]);
}

module.exports = { bigPhoto, bigPdf, MIB };
