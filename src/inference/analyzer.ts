import type { Logger } from 'pino';
import type { PrivacyConfig } from '../config/privacy.ts';
import { createRegionFilter } from '../core/ignore-regions.ts';
import { round1, round2, round3 } from '../core/numbers.ts';
import type { Box, Face } from '../core/types.ts';
import { eyeAngle, type FaceFrame } from './image/align.ts';
import { AgeGenderEstimator, genderResult } from './face/attributes/age-gender.ts';
import { averageInto, EmotionClassifier, emotionResult } from './face/attributes/emotion.ts';
import { emotionModels, runtimeSettings, type InferenceConfig } from '../config/inference.ts';
import { resolveDescriptor, type ModelDescriptor } from './runtime/descriptor.ts';
import { createDetector } from './face/detectors/index.ts';
import type { Detection, Detector } from './face/detectors/types.ts';
import { FaceMesh, meshFrame, meshLandmarks, type MeshResult } from './face/landmarks.ts';
import type { ModelRunner } from './runtime/model-runner.ts';
import { openModel } from './runtime/open-model.ts';
import { poseFromKeypoints, poseFromMesh } from './face/pose.ts';
import type { RgbImage } from './image/warp.ts';

/**
 * RGB frame in, faces out: detect → drop faces in ignore regions → landmarks (pose, alignment,
 * verification) → attributes for faces large enough, each attribute model run once per frame on
 * all faces. Usable outside the daemon (analyze CLI, eval, benchmarks).
 */
const CLOSE_UP_THRESHOLD = 0.75;

export interface AnalyzeResult {
  faces: Face[];
  /** Milliseconds per model on this frame. */
  timingsMs: Record<string, number>;
}

export interface LoadedModelInfo {
  name: string;
  task: string;
  family: string;
  provider: string;
  file: string;
}

export interface Analyzer {
  analyze(frame: RgbImage): Promise<Face[]>;
  analyzeTimed(frame: RgbImage): Promise<AnalyzeResult>;
  /** Emotion probabilities (n × 7, canonical order) for images that already are face crops. */
  classifyEmotionCrops(images: readonly RgbImage[]): Promise<Float32Array>;
  /** One run of every model, so the first real frame does not pay for lazy initialisation. */
  warmUp(): Promise<void>;
  readonly models: readonly LoadedModelInfo[];
  close(): Promise<void>;
}

export interface AnalyzerOptions {
  /** Opens a model; defaults to ONNX Runtime with the configured providers. Tests and tools may swap it. */
  openRunner?: (desc: ModelDescriptor) => Promise<ModelRunner>;
  /** Skip the attribute models (detection-only evaluation and benchmarks). */
  detectOnly?: boolean;
}

export async function createAnalyzer(config: InferenceConfig, privacy: PrivacyConfig, log: Logger, opts: AnalyzerOptions = {}): Promise<Analyzer> {
  const open = opts.openRunner ?? ((desc: ModelDescriptor) => openModel(desc, runtimeSettings(config), log));
  const runners: ModelRunner[] = [];
  const infos: LoadedModelInfo[] = [];
  const load = async (desc: ModelDescriptor): Promise<ModelRunner> => {
    const runner = await open(desc);
    runners.push(runner);
    infos.push({ name: desc.name, task: desc.task, family: desc.family, provider: runner.provider, file: desc.file });
    return runner;
  };
  try {
    const detDesc = resolveDescriptor(config.detector, config.modelsDir, 'face-detector');
    const detector = createDetector(await load(detDesc), detDesc);
    let mesh: FaceMesh | undefined;
    if (config.landmarks && config.landmarks !== 'none') {
      const d = resolveDescriptor(config.landmarks, config.modelsDir, 'face-landmarks');
      mesh = new FaceMesh(await load(d), d);
    }
    const emotions: EmotionClassifier[] = [];
    // privacy.emotion false: the emotion model is never even loaded.
    if (privacy.emotion && !opts.detectOnly) {
      for (const ref of emotionModels(config)) {
        const d = resolveDescriptor(ref, config.modelsDir, 'emotion');
        emotions.push(new EmotionClassifier(await load(d), d, config.emotionTta));
      }
    }
    let ageGender: AgeGenderEstimator | undefined;
    if (config.ageGender && config.ageGender !== 'none' && !opts.detectOnly) {
      const d = resolveDescriptor(config.ageGender, config.modelsDir, 'age-gender');
      ageGender = new AgeGenderEstimator(await load(d), d, config.ageGenderFlip);
    }
    return new FaceAnalyzer(config, privacy, detector, mesh, emotions, ageGender, runners, infos);
  } catch (err) {
    await Promise.allSettled(runners.map((r) => r.close()));
    throw err;
  }
}

class FaceAnalyzer implements Analyzer {
  private readonly insideIgnored: ((box: Box) => boolean) | undefined;

  constructor(
    private readonly config: InferenceConfig,
    private readonly privacy: PrivacyConfig,
    private readonly detector: Detector,
    private readonly mesh: FaceMesh | undefined,
    private readonly emotions: EmotionClassifier[],
    private readonly ageGender: AgeGenderEstimator | undefined,
    private readonly runners: ModelRunner[],
    readonly models: LoadedModelInfo[],
  ) {
    this.insideIgnored = privacy.ignoreRegions.length > 0 ? createRegionFilter(privacy.ignoreRegions) : undefined;
  }

  async analyze(frame: RgbImage): Promise<Face[]> {
    return (await this.analyzeTimed(frame)).faces;
  }

  async analyzeTimed(frame: RgbImage): Promise<AnalyzeResult> {
    checkFrame(frame);
    const timingsMs: Record<string, number> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timingsMs[name] = (timingsMs[name] ?? 0) + round2(performance.now() - t0);
      }
    };
    const c = this.config;
    const detOpts = { threshold: c.detectionThreshold, nmsIou: c.nmsIou, maxFaces: c.maxFaces };
    let dets = await timed(this.detector.name, () => this.detector.detect(frame, detOpts));
    // Nothing found: a face may fill the frame (someone right at a kiosk camera), which detectors
    // trained on smaller faces score low. Look once more with the frame shrunk to half size, with a
    // stricter threshold: real close-ups score 0.8+ there, dog faces and textures about 0.6-0.7.
    if (dets.length === 0 && c.closeUpRetry) {
      const retry = { ...detOpts, threshold: Math.max(c.detectionThreshold, CLOSE_UP_THRESHOLD), zoomOut: 2 };
      dets = await timed(this.detector.name, () => this.detector.detect(frame, retry));
    }
    // Privacy first: faces in ignored regions go before any other model sees them.
    if (this.insideIgnored) dets = dets.filter((d) => !this.insideIgnored!(toBox(d)));

    let meshes: MeshResult[] | undefined;
    if (this.mesh && dets.length > 0) {
      const frames = dets.map(detectorFrame);
      meshes = await timed(this.mesh.name, () => this.mesh!.run(frame, frames));
      const keep = meshes.map((m) => m.faceScore >= c.landmarkThreshold);
      dets = dets.filter((_, i) => keep[i]);
      meshes = meshes.filter((_, i) => keep[i]);
    }

    const faces: Face[] = [];
    const faceFrames: FaceFrame[] = [];
    for (let i = 0; i < dets.length; i++) {
      const d = dets[i];
      const m = meshes?.[i];
      const face: Face = { box: roundBox(toBox(d)), score: round3(d.score), landmarks: [] };
      if (m) {
        face.landmarks = meshLandmarks(m.points).map(roundPoint);
        face.pose = poseFromMesh(m.points);
        faceFrames.push(meshFrame(m.points));
      } else {
        face.landmarks = d.points.map(roundPoint);
        if (d.points.length >= 3) face.pose = poseFromKeypoints(d.points[0], d.points[1], d.points[2]);
        faceFrames.push(detectorFrame(d));
      }
      faces.push(face);
    }

    // Attributes only for faces large enough to judge (privacy.minFaceSize).
    const eligible: number[] = [];
    for (let i = 0; i < faces.length; i++) {
      if (Math.min(faces[i].box.width, faces[i].box.height) >= this.privacy.minFaceSize) eligible.push(i);
    }
    if (eligible.length > 0) {
      const frames = eligible.map((i) => faceFrames[i]);
      if (this.emotions.length > 0) {
        const all: Float32Array[] = [];
        for (const model of this.emotions) all.push(await timed(model.name, () => model.classify(frame, frames)));
        const probs = averageInto(all[0], all.slice(1));
        eligible.forEach((fi, k) => (faces[fi].emotion = emotionResult(probs, k, c.emotionThreshold)));
      }
      if (this.ageGender) {
        const model = this.ageGender;
        const r = await timed(model.name, () => model.estimate(frame, frames));
        eligible.forEach((fi, k) => {
          faces[fi].age = { years: round1(r.years[k]), low: r.low[k], high: r.high[k] };
          faces[fi].gender = genderResult(r.male[k], c.genderThreshold);
        });
      }
    }
    return { faces, timingsMs };
  }

  async classifyEmotionCrops(images: readonly RgbImage[]): Promise<Float32Array> {
    if (this.emotions.length === 0) throw new Error('no emotion model loaded (privacy.emotion is false or detect-only mode)');
    const all: Float32Array[] = [];
    for (const model of this.emotions) all.push(await model.classifyCrops(images));
    return averageInto(all[0], all.slice(1));
  }

  async warmUp(): Promise<void> {
    // A mid-grey frame with no face runs the detector; a fake face frame runs every other model once.
    const frame: RgbImage = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) };
    await this.detector.detect(frame, { threshold: 0.99, nmsIou: 0.3, maxFaces: 1 });
    const faceFrame: FaceFrame = { cx: 160, cy: 120, size: 100, angle: 0 };
    await this.mesh?.run(frame, [faceFrame]);
    for (const model of this.emotions) await model.classify(frame, [faceFrame]);
    await this.ageGender?.estimate(frame, [faceFrame]);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.runners.map((r) => r.close()));
  }
}

/** The crop frame a detection implies: its box, squared, rotated level on its eye keypoints. */
export function detectorFrame(d: Detection): FaceFrame {
  const w = d.x2 - d.x1;
  const h = d.y2 - d.y1;
  const angle = d.points.length >= 2 ? eyeAngle(d.points[0], d.points[1]) : 0;
  return { cx: (d.x1 + d.x2) / 2, cy: (d.y1 + d.y2) / 2, size: Math.max(w, h), angle };
}

function checkFrame(frame: RgbImage): void {
  if (!(frame.width > 0 && frame.height > 0) || frame.data.length < frame.width * frame.height * 3) {
    throw new RangeError(`frame ${frame.width}x${frame.height} needs ${frame.width * frame.height * 3} bytes of rgb24, got ${frame.data.length}`);
  }
}

function toBox(d: Detection): Box {
  return { x: d.x1, y: d.y1, width: d.x2 - d.x1, height: d.y2 - d.y1 };
}

function roundBox(b: Box): Box {
  return { x: round1(b.x), y: round1(b.y), width: round1(b.width), height: round1(b.height) };
}

function roundPoint(p: readonly [number, number]): [number, number] {
  return [round1(p[0]), round1(p[1])];
}
