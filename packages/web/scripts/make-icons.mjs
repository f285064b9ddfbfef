/**
 * @module Draws the PWA icons (`public/icons/icon-{192,512}.png`, `maskable-512.png`): the brand's
 * rising line on the dashboard's dark background, antialiased by distance to the stroke. Plain
 * zlib PNG encoding, so no image library is needed. Run once after changing the mark:
 * `node packages/web/scripts/make-icons.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { deflateSync } from 'node:zlib';

const BG = [0x0b, 0x10, 0x17];
const LINE = [0x38, 0xbd, 0xf8];
/** The mark of index.html's favicon, in its 16×16 view box: M1 12 5 7l3 3 6-7. */
const POINTS = [
  [1, 12],
  [5, 7],
  [8, 10],
  [14, 3],
];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** `inset`: the share of the icon left as margin (maskable icons keep the mark in the safe zone). */
function draw(size, inset) {
  const scale = (size * (1 - 2 * inset)) / 16;
  const offset = size * inset;
  const half = 1.1 * scale;
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5 - offset) / scale;
      const py = (y + 0.5 - offset) / scale;
      let d = Infinity;
      for (let i = 1; i < POINTS.length; i++)
        d = Math.min(d, distanceToSegment(px, py, POINTS[i - 1], POINTS[i]));
      const alpha = Math.max(0, Math.min(1, half - d * scale + 0.5));
      const at = y * (size * 3 + 1) + 1 + x * 3;
      for (let c = 0; c < 3; c++) raw[at + c] = Math.round(BG[c] + (LINE[c] - BG[c]) * alpha);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dir = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), draw(192, 0.12));
writeFileSync(new URL('icon-512.png', dir), draw(512, 0.12));
writeFileSync(new URL('maskable-512.png', dir), draw(512, 0.22));
