import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DEMO = path.resolve('node_modules/@vladmandic/face-api/demo');
export const demo = (n: number) => path.join(DEMO, `sample${n}.jpg`);

/**
 * The four kinds of bad input the analyzer must refuse clearly, made from a real photo in a temp
 * folder: a truncated JPEG, an empty file, a "20000x20000" JPEG (a real small JPEG whose frame header
 * is rewritten, so the test does not need 1.2 GB to decode) and a text file named .jpg.
 */
export function writeBadImages(dir = mkdtempSync(path.join(tmpdir(), 'glance-bad-'))): { dir: string; truncated: string; empty: string; huge: string; text: string } {
  const jpeg = readFileSync(demo(1));
  const truncated = path.join(dir, 'truncated.jpg');
  writeFileSync(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 3)));
  const empty = path.join(dir, 'empty.jpg');
  writeFileSync(empty, Buffer.alloc(0));
  const huge = path.join(dir, 'huge.jpg');
  writeFileSync(huge, withJpegSize(jpeg, 20000, 20000));
  const text = path.join(dir, 'notes.jpg');
  writeFileSync(text, 'these are my notes, not a photo\n');
  return { dir, truncated, empty, huge, text };
}

/** Rewrites the height and width in the first start-of-frame (SOF0..SOF2) segment. */
export function withJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  let i = 2;
  while (i < out.length - 9) {
    if (out[i] !== 0xff) throw new Error('not a JPEG segment');
    const marker = out[i + 1];
    const len = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('no SOF segment found');
}
