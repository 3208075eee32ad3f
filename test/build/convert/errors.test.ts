import test from 'ava';
import { convertTfjs, ConvertError } from '../../../src/build/convert/convert.ts';
import { parseTfjsArtifacts } from '../../../src/build/convert/tfjs-reader.ts';
import { attr, synthModel } from './support/tfjs.ts';

/** Conversion failures name the model, the node and the op. */

test('unsupported ops are all listed with a node each', (t) => {
  const { json, weightData } = synthModel({
    input: { name: 'x', shape: [1, 4] },
    nodes: [
      { name: 'layer/erf', op: 'Erf', input: ['x'] },
      { name: 'layer/cumsum', op: 'Cumsum', input: ['layer/erf'] },
      { name: 'layer/erf2', op: 'Erf', input: ['layer/cumsum'] },
    ],
    outputs: ['layer/erf2'],
  });
  const err = t.throws(() => convertTfjs(parseTfjsArtifacts(json, weightData, 'mymodel')), { instanceOf: ConvertError });
  t.is(err.message, 'model mymodel: unsupported TFJS ops: Erf (node "layer/erf"), Cumsum (node "layer/cumsum")');
});

test('an op whose shape input is computed, not constant, names the node', (t) => {
  const { json, weightData } = synthModel({
    input: { name: 'x', shape: [1, 4] },
    nodes: [
      { name: 'shape', op: 'Relu', input: ['x'] },
      { name: 'r', op: 'Reshape', input: ['x', 'shape'] },
    ],
    outputs: ['r'],
  });
  t.throws(() => convertTfjs(parseTfjsArtifacts(json, weightData, 'm2')), {
    instanceOf: ConvertError,
    message: 'model m2: node "r" (Reshape): input 1 (shape) must be a constant, got the computed tensor shape',
  });
});

test('NCHW data_format and unknown fused activations are refused', (t) => {
  const conv = (shape: number[], extra: Record<string, ReturnType<typeof attr.str>>) =>
    synthModel({
      input: { name: 'x', shape },
      consts: [
        { name: 'w', shape: [1, 1, 3, 2], data: new Float32Array(6) },
        { name: 'b', shape: [2], data: new Float32Array(2) },
      ],
      nodes: [{ name: 'c', op: '_FusedConv2D', input: ['x', 'w', 'b'], attr: { strides: attr.ints([1, 1, 1, 1]), padding: attr.str('VALID'), ...extra } }],
      outputs: ['c'],
    });
  const a = conv([1, 3, 4, 4], { data_format: attr.str('NCHW'), fused_ops: attr.strs(['BiasAdd']) });
  t.throws(() => convertTfjs(parseTfjsArtifacts(a.json, a.weightData, 'm3')), { message: /model m3: node "c" \(_FusedConv2D\): data_format NCHW is not supported/ });
  const b = conv([1, 4, 4, 3], { fused_ops: attr.strs(['BiasAdd', 'Gelu']) });
  t.throws(() => convertTfjs(parseTfjsArtifacts(b.json, b.weightData, 'm4')), { message: /model m4: node "c" \(_FusedConv2D\): unsupported fused activation "Gelu"/ });
});

test('a Const without weights and a dangling input are reported', (t) => {
  const { json, weightData } = synthModel({ input: { name: 'x', shape: [1, 2] }, nodes: [{ name: 'y', op: 'Add', input: ['x', 'k'] }], outputs: ['y'] });
  json.modelTopology.node.push({ name: 'k', op: 'Const', attr: {} });
  t.throws(() => convertTfjs(parseTfjsArtifacts(json, weightData, 'm5')), { message: 'model m5: node "k" (Const) has no entry in the weights manifest' });
  const d = synthModel({ input: { name: 'x', shape: [1, 2] }, nodes: [{ name: 'y', op: 'Add', input: ['x', 'nowhere'] }], outputs: ['y'] });
  t.throws(() => convertTfjs(parseTfjsArtifacts(d.json, d.weightData, 'm6')), { message: 'model m6: the graph references node "nowhere", which does not exist' });
});
