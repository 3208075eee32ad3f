import http from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RgbImage } from '../../../inference/image/warp.ts';

/** One face as Human reports it, reduced to what the agreement table compares. */
export interface PeerFace {
  box: { x: number; y: number; width: number; height: number };
  age?: number;
  gender?: string;
  emotion?: string;
}

export interface HumanPeer {
  backend: string;
  detect(frame: RgbImage): Promise<PeerFace[]>;
  close(): Promise<void>;
}

interface HumanResult {
  face: Array<{ box: [number, number, number, number]; mesh?: Array<[number, number, number]>; age?: number; gender?: string; emotion?: Array<{ score: number; emotion: string }> }>;
}

/**
 * @vladmandic/human 3.3.6 in Node on tfjs's WebAssembly backend, doing Glance's work: face
 * detector + mesh + emotion + description (age, gender), everything else off. Its package exports
 * map does not expose the node-wasm build, so it is required by path; its model loader uses
 * fetch, which cannot read file://, so the model folder is served from a loopback HTTP server.
 */
export async function openHuman(root = process.cwd()): Promise<HumanPeer> {
  const require = createRequire(import.meta.url);
  const lib = require(path.join(root, 'node_modules/@vladmandic/human/dist/human.node-wasm.js'));
  const modelsDir = path.join(root, 'node_modules/@vladmandic/human/models');
  const server = http.createServer(async (req, res) => {
    try {
      res.end(await readFile(path.join(modelsDir, path.basename(decodeURIComponent((req.url ?? '').split('?')[0])))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const human = new lib.Human({
    backend: 'wasm',
    modelBasePath: `http://127.0.0.1:${port}/`,
    wasmPath: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'),
    debug: false,
    // No result caching between frames: every frame does the full work, as Glance's analyzer does.
    cacheSensitivity: 0,
    warmup: 'none',
    async: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 32, minConfidence: 0.5 },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: true },
      description: { enabled: true },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  try {
    await human.load();
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    backend: human.tf.getBackend(),
    async detect(frame) {
      const tensor = human.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      try {
        const r = (await human.detect(tensor)) as HumanResult;
        return r.face.map((f) => ({
          box: tightBox(f.box, f.mesh),
          age: f.age,
          gender: f.gender,
          emotion: f.emotion?.[0]?.emotion,
        }));
      } finally {
        human.tf.dispose(tensor);
      }
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Human's `box` is its enlarged mesh crop (about 1.6× the face), so matching it against a
 * detector box by IoU would miss most true pairs; the extent of its 468 mesh points is the face.
 */
function tightBox(box: [number, number, number, number], mesh: Array<[number, number, number]> | undefined): PeerFace['box'] {
  if (!mesh || mesh.length === 0) return { x: box[0], y: box[1], width: box[2], height: box[3] };
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const [x, y] of mesh) {
    x1 = Math.min(x1, x);
    y1 = Math.min(y1, y);
    x2 = Math.max(x2, x);
    y2 = Math.max(y2, y);
  }
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}
