import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import type { ModelRunner, TensorData } from '../../runtime/model-runner.ts';
import { Candidates, nms } from '../../image/nms.ts';
import type { RgbImage } from '../../image/warp.ts';
import { LetterboxInput } from './letterbox-input.ts';
import { keptToFrame } from './to-frame.ts';
import type { Detection, Detector, DetectorOptions } from './types.ts';

/**
 * Ultra-Light-Fast-Generic-Face-Detector (RFB-320 / slim-320): outputs `scores` [1, N, 2]
 * (background, face; already softmaxed) and `boxes` [1, N, 4] in corner form normalised to the
 * input (prior decoding is inside the exported graph). No keypoints: the analyzer's mesh supplies them.
 */
export class UltraFaceDetector implements Detector {
  readonly name: string;
  private readonly input: LetterboxInput;
  private readonly candidates = new Candidates(0);

  constructor(runner: ModelRunner, desc: ModelDescriptor) {
    this.name = desc.name;
    this.input = new LetterboxInput(runner, desc);
  }

  async detect(image: RgbImage, opts: DetectorOptions): Promise<Detection[]> {
    const { width: w, height: h } = this.input;
    const { lb, out } = await this.input.run(image, opts.zoomOut);
    const scores = pick(out, 'scores', 2);
    const boxes = pick(out, 'boxes', 4);
    const n = scores.length / 2;
    const c = this.candidates;
    c.reset();
    for (let i = 0; i < n; i++) {
      const s = scores[i * 2 + 1];
      if (!(s >= opts.threshold)) continue;
      c.push(boxes[i * 4] * w, boxes[i * 4 + 1] * h, boxes[i * 4 + 2] * w, boxes[i * 4 + 3] * h, s);
    }
    return keptToFrame(lb, c, nms(c.boxes, c.scores, c.count, opts.nmsIou, opts.maxFaces));
  }
}

function pick(out: Record<string, TensorData>, name: string, last: number): Float32Array {
  const t = out[name] ?? Object.values(out).find((o) => o.dims[o.dims.length - 1] === last);
  if (!t) throw new Error(`ultraface: model has no "${name}" output`);
  return t.data;
}
