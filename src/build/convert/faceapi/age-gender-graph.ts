import type { TfAttr, TfjsModelJson, TfNode, TfWeightSpec } from '../tfjs-reader.ts';

/**
 * face-api's AgeGenderNet ships weights only (a tfjs weights manifest, no graph): its architecture
 * lives in face-api's source (src/xception/TinyXception.ts, src/ageGenderNet/AgeGenderNet.ts).
 * This writes that architecture down as a TF graph over the manifest's weight names, so the same
 * converter (and the same op translators, tested for parity) turns it into ONNX. Every op below is
 * the one face-api's forward pass calls, in the same order:
 *
 *   conv_in: conv 3x3 s2 SAME + bias, relu
 *   reduction block (first one without the input relu):
 *     relu? → sepconv0 → relu → sepconv1 → maxpool 3x3 s2 SAME, + expansion conv 1x1 s2 of the input
 *   main block ×2: (relu → sepconv) ×3, + input
 *   exit: reduction block, relu(sepconv)
 *   head: avgpool 7x7 s2 VALID → [N, 512] → fc/age (regression, years), softmax(fc/gender) [male, female]
 *
 * A separable conv is tf.separableConv2d (depthwise 3x3 then pointwise 1x1, both SAME) plus bias.
 * The input is face-api's normalised tensor's source: [N, 112, 112, 3] RGB 0..255; mean subtraction
 * and /255 are the manifest's input normalisation, done when the crop is filled.
 */
export const AGE_GENDER_INPUT = 112;
const MAIN_BLOCKS = 2;

export const AGE_GENDER_OUTPUTS = { age: 'age/BiasAdd', gender: 'gender/Softmax' } as const;

export interface FaceApiGraph {
  json: TfjsModelJson;
  /** Constants the architecture adds (reshape targets), by Const node name. */
  constants: Map<string, Int32Array>;
}

export function ageGenderGraph(weightsManifest: TfjsModelJson['weightsManifest']): FaceApiGraph {
  const specs = new Map<string, TfWeightSpec>();
  for (const group of weightsManifest) for (const w of group.weights) specs.set(w.name, w);
  const g = new Graph(specs);

  const input = g.placeholder('input', [-1, AGE_GENDER_INPUT, AGE_GENDER_INPUT, 3]);
  let x = g.conv(input, 'entry_flow/conv_in', 2, true);
  x = g.reductionBlock(x, 'entry_flow/reduction_block_0', false);
  x = g.reductionBlock(x, 'entry_flow/reduction_block_1', true);
  for (let i = 0; i < MAIN_BLOCKS; i++) x = g.mainBlock(x, `middle_flow/main_block_${i}`);
  x = g.reductionBlock(x, 'exit_flow/reduction_block', true);
  x = g.relu(g.separable(x, 'exit_flow/separable_conv'), 'exit_flow/relu');
  const pooled = g.node('head/avg_pool', 'AvgPool', [x], { ksize: ints([1, 7, 7, 1]), strides: ints([1, 2, 2, 1]), padding: s('VALID'), data_format: s('NHWC') });
  const features = g.node('head/flatten', 'Reshape', [pooled, g.intConst('head/flatten/shape', [-1, g.channels('fc/age/weights', 0)])]);
  g.dense(features, 'fc/age', 'age');
  const gender = g.dense(features, 'fc/gender', 'gender');
  g.node(AGE_GENDER_OUTPUTS.gender, 'Softmax', [gender]);
  g.checkAllUsed();

  const json: TfjsModelJson = { format: 'graph-model', generatedBy: 'glance (face-api AgeGenderNet architecture)', modelTopology: { node: g.nodes }, weightsManifest };
  return { json, constants: g.constants };
}

class Graph {
  readonly nodes: TfNode[] = [];
  /** Shape constants are not in the manifest: they are kept here and added to the weight map by the reader. */
  readonly constants = new Map<string, Int32Array>();
  private readonly used = new Set<string>();

  constructor(private readonly specs: Map<string, TfWeightSpec>) {}

  node(name: string, op: string, input: string[], attr: Record<string, TfAttr> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } } } });
    return name;
  }

  /** A weight from the manifest, as a Const node named after it. */
  weight(name: string): string {
    const spec = this.specs.get(name);
    if (!spec) throw new RangeError(`face-api age/gender weights: "${name}" is missing from the weights manifest (not the AgeGenderNet weights?)`);
    if (!this.used.has(name)) {
      this.used.add(name);
      this.nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } });
    }
    return name;
  }

  /** Size of one dimension of a manifest weight. */
  channels(name: string, dim: number): number {
    const spec = this.specs.get(name);
    if (!spec) throw new RangeError(`face-api age/gender weights: "${name}" is missing from the weights manifest`);
    return spec.shape[dim];
  }

  intConst(name: string, values: number[]): string {
    this.constants.set(name, Int32Array.from(values));
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: 'DT_INT32' } } });
    return name;
  }

  relu(x: string, name: string): string {
    return this.node(name, 'Relu', [x]);
  }

  /** tf.conv2d(x, filters, stride, 'same') + bias, optionally fused with relu. */
  conv(x: string, prefix: string, stride: number, relu: boolean): string {
    return this.node(`${prefix}/conv`, '_FusedConv2D', [x, this.weight(`${prefix}/filters`), this.weight(`${prefix}/bias`)], {
      fused_ops: { list: { s: relu ? [s('BiasAdd').s!, s('Relu').s!] : [s('BiasAdd').s!] } },
      num_args: { i: '1' },
      strides: ints([1, stride, stride, 1]),
      dilations: ints([1, 1, 1, 1]),
      padding: s('SAME'),
      data_format: s('NHWC'),
    });
  }

  /** tf.separableConv2d(x, depthwise, pointwise, [1, 1], 'same') + bias. */
  separable(x: string, prefix: string): string {
    const dw = this.node(`${prefix}/depthwise`, 'DepthwiseConv2dNative', [x, this.weight(`${prefix}/depthwise_filter`)], {
      strides: ints([1, 1, 1, 1]),
      dilations: ints([1, 1, 1, 1]),
      padding: s('SAME'),
      data_format: s('NHWC'),
    });
    return this.node(`${prefix}/pointwise`, '_FusedConv2D', [dw, this.weight(`${prefix}/pointwise_filter`), this.weight(`${prefix}/bias`)], {
      fused_ops: { list: { s: [s('BiasAdd').s!] } },
      num_args: { i: '1' },
      strides: ints([1, 1, 1, 1]),
      dilations: ints([1, 1, 1, 1]),
      padding: s('VALID'),
      data_format: s('NHWC'),
    });
  }

  reductionBlock(x: string, prefix: string, activateInput: boolean): string {
    let out = activateInput ? this.relu(x, `${prefix}/relu_in`) : x;
    out = this.separable(out, `${prefix}/separable_conv0`);
    out = this.separable(this.relu(out, `${prefix}/relu0`), `${prefix}/separable_conv1`);
    out = this.node(`${prefix}/max_pool`, 'MaxPool', [out], { ksize: ints([1, 3, 3, 1]), strides: ints([1, 2, 2, 1]), padding: s('SAME'), data_format: s('NHWC') });
    return this.node(`${prefix}/add`, 'AddV2', [out, this.conv(x, `${prefix}/expansion_conv`, 2, false)]);
  }

  mainBlock(x: string, prefix: string): string {
    let out = x;
    for (let i = 0; i < 3; i++) out = this.separable(this.relu(out, `${prefix}/relu${i}`), `${prefix}/separable_conv${i}`);
    return this.node(`${prefix}/add`, 'AddV2', [out, x]);
  }

  /** matMul(x, weights) + bias. */
  dense(x: string, prefix: string, name: string): string {
    const mm = this.node(`${name}/MatMul`, 'MatMul', [x, this.weight(`${prefix}/weights`)], { transpose_a: { b: false }, transpose_b: { b: false } });
    return this.node(`${name}/BiasAdd`, 'BiasAdd', [mm, this.weight(`${prefix}/bias`)], { data_format: s('NHWC') });
  }

  /** Every manifest weight must be used: a leftover means the architecture written here is not the one trained. */
  checkAllUsed(): void {
    const unused = [...this.specs.keys()].filter((n) => !this.used.has(n));
    if (unused.length) throw new RangeError(`face-api age/gender weights: ${unused.length} weight(s) not used by the architecture: ${unused.slice(0, 5).join(', ')}`);
  }
}

function s(text: string): TfAttr {
  return { s: Buffer.from(text, 'utf8').toString('base64') };
}

function ints(values: number[]): TfAttr {
  return { list: { i: values.map(String) } };
}
