import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageFileError } from '../../core/errors.ts';
import type { RgbImage } from '../../inference/image/warp.ts';

/** 40 megapixels: above any camera frame we analyse, far below what would exhaust memory. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif|bmp)$/i;

/**
 * Decodes a user's image file into rgb24 through sharp, refusing bad input with a message that says
 * what is wrong: an empty file, a file that is not an image, a truncated or corrupt image, or one
 * whose header declares more pixels than we are willing to decode (checked before decoding, so a
 * 20000x20000 "image" costs nothing).
 */
export async function decodeImageFile(file: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbImage> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new ImageFileError(file, 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof ImageFileError) throw err;
    throw new ImageFileError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (size === 0) throw new ImageFileError(file, 'empty file (0 bytes)');
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageFileError(file, `not a readable image (${firstLine(err)})`, { cause: err });
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (!(w > 0 && h > 0)) throw new ImageFileError(file, 'image header has no dimensions');
  if (w * h > maxPixels) {
    throw new ImageFileError(file, `image is ${w}x${h} (${Math.round((w * h) / 1e6)} megapixels), above the ${Math.round(maxPixels / 1e6)} megapixel limit`);
  }
  try {
    const { data, info } = await sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate() // honour EXIF orientation, as a person viewing the photo sees it
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageFileError(file, `truncated or corrupt image data (${firstLine(err)})`, { cause: err });
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]
    .trim();
}
