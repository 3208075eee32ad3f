import { letterbox, type Letterbox } from '../../image/letterbox.ts';
import { warpInto, type RgbImage } from '../../image/warp.ts';
import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import { inputNameOf, type ModelRunner, type TensorData } from '../../runtime/model-runner.ts';

/**
 * What every detector does before decoding: the whole frame letterboxed (not stretched, so boxes
 * keep their aspect) into the model's input, in the layout and normalisation its descriptor gives,
 * through one buffer reused frame after frame, and one run. The decoders see input pixels and map
 * their candidates back to the frame with the letterbox.
 */
export class LetterboxInput {
  readonly width: number;
  readonly height: number;
  private readonly data: Float32Array;
  private readonly dims: number[];
  private readonly inputName: string;

  /** `size` overrides the descriptor's input size, for a decoder whose model needs it rounded or square. */
  constructor(
    private readonly runner: ModelRunner,
    private readonly desc: ModelDescriptor,
    size: { width: number; height: number } = desc.input,
  ) {
    this.width = size.width;
    this.height = size.height;
    const channels = desc.input.colour === 'gray' ? 1 : 3;
    this.data = new Float32Array(channels * this.width * this.height);
    this.dims = desc.input.layout === 'nchw' ? [1, channels, this.height, this.width] : [1, this.height, this.width, channels];
    this.inputName = inputNameOf(desc, runner);
  }

  /** `zoomOut` > 1 shrinks the frame further inside the input (faces right at the camera). */
  async run(image: RgbImage, zoomOut?: number): Promise<{ lb: Letterbox; out: Record<string, TensorData> }> {
    const lb = letterbox(image.width, image.height, this.width, this.height, zoomOut);
    warpInto(image, lb.affine, this.data, 0, this.width, this.height, this.desc.input);
    const out = await this.runner.run({ [this.inputName]: { data: this.data, dims: this.dims } });
    return { lb, out };
  }
}
