import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { CaptureConfig } from '../config/capture.ts';
import type { RunEnd, RunHooks, SourceRun } from './run.ts';

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif|bmp)$/i;

/** The pictures of a directory in name order (numbers compared as numbers: 2 before 10). */
export function listImages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && IMAGE_EXTENSIONS.test(e.name))
    .map((e) => e.name)
    .sort(new Intl.Collator('en', { numeric: true }).compare)
    .map((name) => path.join(dir, name));
}

const FIT = { pad: 'contain', stretch: 'fill', crop: 'cover' } as const;

/**
 * Decodes one picture straight to width x height rgb24 with sharp (libvips, native code like
 * ffmpeg; no pixel loops in JavaScript). EXIF orientation is applied and grey or alpha pictures
 * become plain RGB, so every frame has the same layout.
 */
export async function decodePicture(file: string, config: Pick<CaptureConfig, 'width' | 'height' | 'fit'>): Promise<Buffer> {
  const { data, info } = await sharp(file, { failOn: 'error' })
    .rotate()
    .resize(config.width, config.height, { fit: FIT[config.fit], background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== config.width || info.height !== config.height) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, not ${config.width}x${config.height}x3`);
  }
  return data;
}

export interface SlideshowOptions {
  /** Lists the pictures; called at the start of each cycle so pictures added later are shown. */
  list: () => string[];
  config: Pick<CaptureConfig, 'width' | 'height' | 'fit' | 'fps' | 'slideMs'>;
  /** Shown in errors ("images:/srv/pics", "demo"). */
  name: string;
}

/**
 * A source made of still pictures: each stays in view for slideMs while frames repeat at fps
 * (so trackers see a person linger, as in front of a real camera), then the next one, forever.
 * The next picture is decoded while the current one is shown.
 */
export function launchSlideshow(opts: SlideshowOptions, hooks: RunHooks): SourceRun {
  const { config } = opts;
  const intervalMs = 1000 / config.fps;
  const framesPerSlide = Math.max(1, Math.round(config.slideMs / intervalMs));
  const abort = new AbortController();

  const sleepUntil = (due: number) =>
    new Promise<void>((resolve) => {
      const wait = due - performance.now();
      if (wait <= 0 || abort.signal.aborted) return resolve();
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener('abort', done);
        resolve();
      }
      abort.signal.addEventListener('abort', done, { once: true });
    });

  const decode = (file: string) =>
    decodePicture(file, config).then(
      (data) => data,
      (err: Error) => {
        hooks.stderr('picture', `${path.basename(file)}: ${err.message}`);
        return undefined;
      },
    );

  const run = async (): Promise<RunEnd> => {
    let t0 = performance.now();
    let shown = 0;
    while (!abort.signal.aborted) {
      let files: string[];
      try {
        files = opts.list();
      } catch (err) {
        return { success: false, detail: `${opts.name}: ${(err as Error).message}` };
      }
      if (files.length === 0) return { success: false, detail: `${opts.name}: no pictures` };
      let decoded = 0;
      let upcoming = decode(files[0]);
      for (let i = 0; i < files.length && !abort.signal.aborted; i++) {
        const picture = await upcoming;
        if (i + 1 < files.length) upcoming = decode(files[i + 1]);
        if (!picture) continue;
        decoded++;
        for (let k = 0; k < framesPerSlide && !abort.signal.aborted; k++) {
          const now = performance.now();
          // After a long pause (a decode, a busy event loop) start a new schedule instead of bursting.
          if (now - (t0 + shown * intervalMs) > 2 * intervalMs) {
            t0 = now;
            shown = 0;
          }
          const buffer = hooks.pool.acquire();
          buffer.set(picture);
          hooks.frame(buffer);
          shown++;
          await sleepUntil(t0 + shown * intervalMs);
        }
      }
      if (decoded === 0 && !abort.signal.aborted) return { success: false, detail: `${opts.name}: none of ${files.length} pictures could be decoded` };
    }
    return { success: false, detail: 'stopped' };
  };

  const ended = run().catch((err: Error) => ({ success: false, detail: err.message }));
  return {
    pids: [],
    finite: false,
    ended,
    async stop() {
      abort.abort();
      await ended;
    },
  };
}
