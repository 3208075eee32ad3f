import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import type { ModelRunner, TensorData } from '../../runtime/model-runner.ts';
import { Candidates, nms } from '../../image/nms.ts';
import type { RgbImage } from '../../image/warp.ts';
import { LetterboxInput } from './letterbox-input.ts';
import { keptToFrame } from './to-frame.ts';
import type { Detection, Detector, DetectorOptions } from './types.ts';

/**
 * BlazeFace (MediaPipe; the back-camera 256 px model shipped in @vladmandic/human), decoded as
 * human's src/face/blazeface.ts does: SSD anchors at strides 16 (2 per cell) and 32 (6 per cell),
 * each anchor regressing [cx, cy, w, h] plus 6 keypoints in input pixels relative to the anchor
 * centre, and a logit. Keypoints: right eye, left eye, nose, mouth, right ear, left ear.
 *
 * The frame is letterboxed rather than stretched (human pads to a square too), so boxes stay square.
 */
const KEYPOINTS = 6;
const VALUES = 4 + KEYPOINTS * 2;

export function blazefaceAnchors(size: number): Float32Array {
  const strides = [size / 16, size / 8];
  const perCell = [2, 6];
  const out: number[] = [];
  for (let s = 0; s < strides.length; s++) {
    const stride = strides[s];
    const cells = Math.floor((size + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell[s]; n++) out.push(stride * (gx + 0.5), stride * (gy + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

export class BlazeFaceDetector implements Detector {
  readonly name: string;
  private readonly input: LetterboxInput;
  private readonly anchors: Float32Array;
  private readonly count: number;
  private readonly candidates = new Candidates(KEYPOINTS);

  constructor(runner: ModelRunner, desc: ModelDescriptor) {
    this.name = desc.name;
    // The anchor grid is square: the input's width sets both sides.
    const size = desc.input.width;
    this.input = new LetterboxInput(runner, desc, { width: size, height: size });
    this.anchors = blazefaceAnchors(size);
    this.count = this.anchors.length / 2;
  }

  async detect(image: RgbImage, opts: DetectorOptions): Promise<Detection[]> {
    const { lb, out } = await this.input.run(image, opts.zoomOut);
    const { logits, regs } = this.split(out);
    // Threshold on the logit so the sigmoid runs only for the few candidates.
    const minLogit = Math.log(opts.threshold / (1 - opts.threshold));
    const c = this.candidates;
    c.reset();
    for (let i = 0; i < this.count; i++) {
      const logit = logits[i];
      if (!(logit > minLogit)) continue;
      const r = i * VALUES;
      const ax = this.anchors[i * 2];
      const ay = this.anchors[i * 2 + 1];
      const cx = regs[r] + ax;
      const cy = regs[r + 1] + ay;
      const hw = regs[r + 2] / 2;
      const hh = regs[r + 3] / 2;
      const k = c.push(cx - hw, cy - hh, cx + hw, cy + hh, 1 / (1 + Math.exp(-logit)));
      const p = k * KEYPOINTS * 2;
      for (let j = 0; j < KEYPOINTS; j++) {
        c.points[p + j * 2] = regs[r + 4 + j * 2] + ax;
        c.points[p + j * 2 + 1] = regs[r + 5 + j * 2] + ay;
      }
    }
    return keptToFrame(lb, c, nms(c.boxes, c.scores, c.count, opts.nmsIou, opts.maxFaces));
  }

  /**
   * Brings the outputs into one anchor order (stride 16 anchors first, then stride 32). The TFJS
   * model has four outputs (classificators and regressors per stride); some exports concatenate
   * them into one [1, 896, 17] tensor. Outputs are told apart by size, as human does.
   */
  private logitsBuf = new Float32Array(0);
  private regsBuf = new Float32Array(0);

  private split(out: Record<string, TensorData>): { logits: Float32Array; regs: Float32Array } {
    const tensors = Object.values(out);
    if (tensors.length === 1) {
      const t = tensors[0].data;
      if (t.length !== this.count * (VALUES + 1)) throw new Error(`blazeface: output has ${t.length} values, expected ${this.count * (VALUES + 1)}`);
      if (this.logitsBuf.length !== this.count) {
        this.logitsBuf = new Float32Array(this.count);
        this.regsBuf = new Float32Array(this.count * VALUES);
      }
      for (let i = 0; i < this.count; i++) {
        this.logitsBuf[i] = t[i * (VALUES + 1)];
        this.regsBuf.set(t.subarray(i * (VALUES + 1) + 1, (i + 1) * (VALUES + 1)), i * VALUES);
      }
      return { logits: this.logitsBuf, regs: this.regsBuf };
    }
    if (tensors.length !== 4) throw new Error(`blazeface: expected 4 outputs (or 1 concatenated), got ${tensors.length}`);
    const sorted = tensors.map((t) => t.data).sort((a, b) => a.length - b.length);
    // By size: cls(384) < cls(512) < reg(384x16) < reg(512x16); stride 16 (512 anchors) comes first.
    const [cls32, cls16, reg32, reg16] = sorted;
    if (this.logitsBuf.length !== this.count) {
      this.logitsBuf = new Float32Array(this.count);
      this.regsBuf = new Float32Array(this.count * VALUES);
    }
    if (cls16.length + cls32.length !== this.count) throw new Error(`blazeface: ${cls16.length + cls32.length} anchors in the output, expected ${this.count}`);
    this.logitsBuf.set(cls16, 0);
    this.logitsBuf.set(cls32, cls16.length);
    this.regsBuf.set(reg16, 0);
    this.regsBuf.set(reg32, reg16.length);
    return { logits: this.logitsBuf, regs: this.regsBuf };
  }
}
