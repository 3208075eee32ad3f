import * as ort from 'onnxruntime-node';
import { DataType, encodeModel, floatTensor } from '../../build/convert/onnx-proto.ts';

/**
 * This machine's sustained float32 multiply-add rate through ONNX Runtime's CPU provider: one
 * n×n×n MatMul model, built with the project's own ONNX writer, run repeatedly for `seconds`.
 * That is the best case any conv net can hope for here (GEMM is what convolutions become).
 */
export interface GemmRate {
  n: number;
  runs: number;
  macsPerS: number;
}

export function matMulModel(n: number): Uint8Array {
  const b = new Float32Array(n * n).map((_, i) => ((i * 7919) % 97) / 97 - 0.5);
  return encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: 'glance-bench',
    producerVersion: '1',
    graph: {
      name: 'gemm',
      nodes: [{ opType: 'MatMul', name: 'mm', inputs: ['a', 'b'], outputs: ['c'] }],
      initializers: [floatTensor('b', [n, n], b)],
      inputs: [{ name: 'a', elemType: DataType.FLOAT, shape: [n, n] }],
      outputs: [{ name: 'c', elemType: DataType.FLOAT, shape: [n, n] }],
    },
  });
}

export async function measureGemmRate(opts: { n?: number; seconds?: number; intraOpThreads?: number } = {}): Promise<GemmRate> {
  const n = opts.n ?? 512;
  const session = await ort.InferenceSession.create(matMulModel(n), opts.intraOpThreads ? { intraOpNumThreads: opts.intraOpThreads } : {});
  try {
    const a = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
    for (let i = 0; i < 3; i++) await session.run({ a });
    let runs = 0;
    const t0 = performance.now();
    const until = t0 + (opts.seconds ?? 2) * 1000;
    while (performance.now() < until && runs < 100_000) {
      await session.run({ a });
      runs++;
    }
    const s = (performance.now() - t0) / 1000;
    return { n, runs, macsPerS: (runs * n * n * n) / s };
  } finally {
    await session.release();
  }
}
