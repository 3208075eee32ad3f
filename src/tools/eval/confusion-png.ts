import sharp from 'sharp';
import type { Confusion } from './metrics.ts';

/**
 * A confusion-matrix heat map as PNG, drawn into a raw RGB buffer (cells shaded by row-normalised
 * share, i.e. recall; the diagonal in green, errors in red) and encoded by sharp. Labels are drawn
 * with a tiny built-in bitmap font, so no system fonts are needed.
 */
const CELL = 56;
const MARGIN = 8;
const LABEL_W = 8 * 6 * 2 + MARGIN; // up to 8 characters at scale 2

export async function confusionPng(c: Confusion): Promise<Buffer> {
  const n = c.labels.length;
  const width = LABEL_W + n * CELL + MARGIN;
  const height = LABEL_W + n * CELL + MARGIN;
  const img = new Uint8Array(width * height * 3).fill(255);
  const rows = c.matrix.map((r) => r.reduce((a, b) => a + b, 0));
  for (let t = 0; t < n; t++) {
    for (let p = 0; p < n; p++) {
      const share = rows[t] > 0 ? c.matrix[t][p] / rows[t] : 0;
      // White → green on the diagonal, white → red elsewhere.
      const rgb: [number, number, number] = t === p ? [255 * (1 - share), 255 - 120 * share, 255 * (1 - share)] : [255, 255 * (1 - share), 255 * (1 - share)];
      const x0 = LABEL_W + p * CELL;
      const y0 = LABEL_W + t * CELL;
      fillRect(img, width, x0 + 1, y0 + 1, CELL - 2, CELL - 2, rgb);
      const pct = String(Math.round(share * 100));
      const ink: [number, number, number] = share > 0.55 ? [255, 255, 255] : [30, 30, 30];
      drawText(img, width, pct, x0 + (CELL - pct.length * 6 * 2) / 2, y0 + CELL / 2 - 7, 2, ink);
    }
    const label = c.labels[t].slice(0, 8);
    drawText(img, width, label, MARGIN / 2, LABEL_W + t * CELL + CELL / 2 - 7, 2, [0, 0, 0]);
    // Column labels, abbreviated to fit a cell.
    drawText(img, width, c.labels[t].slice(0, 4), LABEL_W + t * CELL + 4, LABEL_W - 20, 2, [0, 0, 0]);
  }
  drawText(img, width, 'true \\ pred', MARGIN / 2, MARGIN, 1, [90, 90, 90]);
  return sharp(Buffer.from(img.buffer), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function fillRect(img: Uint8Array, w: number, x0: number, y0: number, rw: number, rh: number, rgb: [number, number, number]): void {
  for (let y = y0; y < y0 + rh; y++) {
    for (let x = x0; x < x0 + rw; x++) {
      const i = (y * w + x) * 3;
      img[i] = rgb[0];
      img[i + 1] = rgb[1];
      img[i + 2] = rgb[2];
    }
  }
}

function drawText(img: Uint8Array, w: number, text: string, x: number, y: number, scale: number, rgb: [number, number, number]): void {
  let cx = Math.round(x);
  const cy = Math.round(y);
  for (const ch of text.toLowerCase()) {
    const glyph = FONT[ch] ?? FONT['?'];
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++) {
        if ((glyph[row] >> (4 - col)) & 1) fillRect(img, w, cx + col * scale, cy + row * scale, scale, scale, rgb);
      }
    }
    cx += 6 * scale;
  }
}

/** 5x7 glyphs, one row per number, bit 4 = leftmost column. */
const FONT: Record<string, number[]> = {
  ' ': [0, 0, 0, 0, 0, 0, 0],
  '?': [14, 17, 1, 2, 4, 0, 4],
  '\\': [16, 16, 8, 4, 2, 1, 1],
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  a: [0, 0, 14, 1, 15, 17, 15],
  b: [16, 16, 22, 25, 17, 17, 30],
  c: [0, 0, 14, 16, 16, 17, 14],
  d: [1, 1, 13, 19, 17, 17, 15],
  e: [0, 0, 14, 17, 31, 16, 14],
  f: [6, 9, 8, 28, 8, 8, 8],
  g: [0, 15, 17, 17, 15, 1, 14],
  h: [16, 16, 22, 25, 17, 17, 17],
  i: [4, 0, 12, 4, 4, 4, 14],
  j: [2, 0, 6, 2, 2, 18, 12],
  k: [16, 16, 18, 20, 24, 20, 18],
  l: [12, 4, 4, 4, 4, 4, 14],
  m: [0, 0, 26, 21, 21, 17, 17],
  n: [0, 0, 22, 25, 17, 17, 17],
  o: [0, 0, 14, 17, 17, 17, 14],
  p: [0, 0, 30, 17, 30, 16, 16],
  q: [0, 0, 13, 19, 15, 1, 1],
  r: [0, 0, 22, 25, 16, 16, 16],
  s: [0, 0, 14, 16, 14, 1, 30],
  t: [8, 8, 28, 8, 8, 9, 6],
  u: [0, 0, 17, 17, 17, 19, 13],
  v: [0, 0, 17, 17, 17, 10, 4],
  w: [0, 0, 17, 17, 21, 21, 10],
  x: [0, 0, 17, 10, 4, 10, 17],
  y: [0, 0, 17, 17, 15, 1, 14],
  z: [0, 0, 31, 2, 4, 8, 31],
  '-': [0, 0, 0, 31, 0, 0, 0],
  '+': [0, 4, 4, 31, 4, 4, 0],
  '.': [0, 0, 0, 0, 0, 12, 12],
};
