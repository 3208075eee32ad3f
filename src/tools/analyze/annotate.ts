import sharp from 'sharp';
import type { Face } from '../../core/types.ts';
import type { RgbImage } from '../../inference/image/warp.ts';

/**
 * `glance analyze --annotate`: a copy of the user's own image with boxes, landmarks and labels drawn
 * as an SVG overlay. A command-line convenience only; the daemon never writes images.
 */
export async function writeAnnotated(image: RgbImage, faces: readonly Face[], out: string): Promise<void> {
  const stroke = Math.max(2, Math.round(Math.max(image.width, image.height) / 400));
  const font = Math.max(12, Math.round(Math.max(image.width, image.height) / 70));
  const parts: string[] = [];
  for (const f of faces) {
    const { x, y, width, height } = f.box;
    parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="none" stroke="#00e676" stroke-width="${stroke}"/>`);
    for (const [px, py] of f.landmarks) parts.push(`<circle cx="${px}" cy="${py}" r="${stroke}" fill="#ffea00"/>`);
    const label = faceLabel(f);
    const ty = y > font * 1.4 ? y - font * 0.4 : y + height + font;
    parts.push(`<text x="${x}" y="${ty}" font-family="sans-serif" font-size="${font}" fill="#ffffff" stroke="#000000" stroke-width="${Math.max(1, stroke / 2)}" paint-order="stroke">${escapeXml(label)}</text>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${parts.join('')}</svg>`;
  const img = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  }).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  if (/\.png$/i.test(out)) await img.png().toFile(out);
  else await img.jpeg({ quality: 90 }).toFile(out);
}

export function faceLabel(f: Face): string {
  const bits: string[] = [];
  if (f.emotion) bits.push(f.emotion.label);
  if (f.age) bits.push(`${Math.round(f.age.years)}y`);
  if (f.gender) bits.push(f.gender.label);
  if (f.pose) bits.push(`yaw ${Math.round(f.pose.yaw)}`);
  return bits.length > 0 ? bits.join(' · ') : `face ${f.score.toFixed(2)}`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
