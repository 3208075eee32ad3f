import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import type { ModelRunner, TensorData } from '../../runtime/model-runner.ts';
import { Candidates, nms } from '../../image/nms.ts';
import type { RgbImage } from '../../image/warp.ts';
import { LetterboxInput } from './letterbox-input.ts';
import { keptToFrame } from './to-frame.ts';
import type { Detection, Detector, DetectorOptions } from './types.ts';

/**
 * YuNet (libfacedetection, OpenCV zoo): anchor-free, per stride 8/16/32 one prediction per cell:
 * cls and obj (score = sqrt(cls·obj)), bbox [dx, dy, log w, log h] in stride units and 5 keypoints
 * (right eye, left eye, nose tip, right and left mouth corners). Input NCHW BGR 0..255.
 * The fixed 320x320 export and the dynamic ones share this decoder; for dynamic exports the input
 * size comes from the manifest (a multiple of 32).
 */
const STRIDES = [8, 16, 32];
const KEYPOINTS = 5;

export class YuNetDetector implements Detector {
  readonly name: string;
  private readonly input: LetterboxInput;
  private readonly candidates = new Candidates(KEYPOINTS);

  constructor(runner: ModelRunner, desc: ModelDescriptor) {
    this.name = desc.name;
    // The stride-32 grid must tile the input exactly.
    const round = (v: number) => Math.ceil(v / 32) * 32;
    this.input = new LetterboxInput(runner, desc, { width: round(desc.input.width), height: round(desc.input.height) });
  }

  async detect(image: RgbImage, opts: DetectorOptions): Promise<Detection[]> {
    const { width: w, height: h } = this.input;
    const { lb, out } = await this.input.run(image, opts.zoomOut);
    const c = this.candidates;
    c.reset();
    for (const s of STRIDES) {
      const cls = output(out, `cls_${s}`);
      const obj = output(out, `obj_${s}`);
      const bbox = output(out, `bbox_${s}`);
      const kps = output(out, `kps_${s}`);
      const cols = Math.floor(w / s);
      const rows = Math.floor(h / s);
      for (let row = 0; row < rows; row++) {
        for (let col = 0; col < cols; col++) {
          const i = row * cols + col;
          const score = Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
          if (!(score >= opts.threshold)) continue;
          const cx = (col + bbox[i * 4]) * s;
          const cy = (row + bbox[i * 4 + 1]) * s;
          const bw = Math.exp(bbox[i * 4 + 2]) * s;
          const bh = Math.exp(bbox[i * 4 + 3]) * s;
          const k = c.push(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, score);
          const p = k * KEYPOINTS * 2;
          for (let j = 0; j < KEYPOINTS; j++) {
            c.points[p + j * 2] = (kps[i * 10 + j * 2] + col) * s;
            c.points[p + j * 2 + 1] = (kps[i * 10 + j * 2 + 1] + row) * s;
          }
        }
      }
    }
    return keptToFrame(lb, c, nms(c.boxes, c.scores, c.count, opts.nmsIou, opts.maxFaces));
  }
}

function output(out: Record<string, TensorData>, name: string): Float32Array {
  const t = out[name];
  if (!t) throw new Error(`yunet: model has no output "${name}" (outputs: ${Object.keys(out).join(', ')})`);
  return t.data;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}
