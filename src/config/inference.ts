import { Type, type Static } from '@sinclair/typebox';
import { fraction } from './fraction.ts';

const Provider = Type.Union([Type.Literal('tensorrt'), Type.Literal('cuda'), Type.Literal('cpu'), Type.Literal('webgpu')]);

const ModelRef = (def: string, what: string) =>
  Type.String({
    default: def,
    description: `${what}: a model name in modelsDir (<name>.json manifest + <name>.onnx), or a path to a manifest .json`,
  });

export const InferenceConfig = Type.Object(
  {
    modelsDir: Type.String({ default: 'models', description: 'folder with <name>.onnx + <name>.json manifests' }),
    detector: ModelRef('blazeface', 'face detector (families: blazeface, yunet, ultraface)'),
    landmarks: Type.String({
      default: 'facemesh',
      description: 'face landmark model used for head pose, alignment and verifying detections; "none" uses the detector keypoints only',
    }),
    emotion: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })], {
      default: 'emotion',
      description: 'emotion model, or a list of models whose probabilities are averaged (an ensemble); "none" runs no emotion model',
    }),
    ageGender: ModelRef('agegender', 'age and gender model (agegender: face-api AgeGenderNet; faceres: human HSE FaceRes)'),
    providers: Type.Array(Provider, { default: ['tensorrt', 'cuda', 'cpu'], minItems: 1, description: 'execution providers, tried in order' }),
    intraOpThreads: Type.Integer({ default: 0, minimum: 0, description: '0 = onnxruntime default' }),
    interOpThreads: Type.Integer({ default: 0, minimum: 0, description: '0 = onnxruntime default' }),
    graphOptimizationLevel: Type.Union([Type.Literal('disabled'), Type.Literal('basic'), Type.Literal('extended'), Type.Literal('all')], { default: 'all', description: 'onnxruntime graph optimisation level' }),
    worker: Type.Boolean({
      default: false,
      description: 'run the models in a worker thread, so capture, MQTT and the dashboard never wait for a model run: ~25% more frames/s at 1080p and a steady event loop, for ~60 MB more RSS (README Performance)',
    }),
    analysisTimeoutMs: Type.Integer({
      default: 15000,
      minimum: 1,
      description: 'a frame whose analysis takes longer counts as a failed analysis (a hung model run); with the worker, the worker thread is ended and started again',
    }),
    maxConsecutiveFailures: Type.Integer({
      default: 10,
      minimum: 1,
      description: 'this many failed analyses in a row (errors, time-outs, a dead worker) stop the daemon with exit 1, for systemd to restart it',
    }),
    memoryArena: Type.Boolean({
      default: false,
      description: "onnxruntime's CPU memory arena and memory pattern; off measured the same speed with ~60 MB less peak RSS at 1080p (README Performance)",
    }),
    onnxruntimePath: Type.Optional(Type.String({ minLength: 1, description: 'alternative onnxruntime-node build (Jetson arm64 with CUDA/TensorRT)' })),
    detectionThreshold: fraction(0.6, 'minimum detector score for a face'),
    closeUpRetry: Type.Boolean({
      default: true,
      description: 'when a frame has no face, detect once more on the frame shrunk to half size (finds faces that fill the frame)',
    }),
    nmsIou: fraction(0.3, 'overlap (IoU) above which the weaker of two detections is dropped'),
    maxFaces: Type.Integer({ default: 32, minimum: 1, maximum: 256, description: 'most faces analysed per frame (the strongest detections win)' }),
    landmarkThreshold: fraction(0, "detections the landmark model scores below this as a face are dropped; 0 = off (the mesh's face score is unreliable on faces under ~50 px: see README Accuracy)"),
    emotionThreshold: fraction(0.3, "top emotion probability below this is reported as 'uncertain'"),
    genderThreshold: fraction(0.6, "gender probability below this is reported as 'uncertain'"),
    emotionTta: Type.Union([Type.Literal('none'), Type.Literal('flip'), Type.Literal('flip-rotate')], {
      default: 'flip-rotate',
      description: 'test-time augmentation for emotion: none; flip (also the mirrored face); flip-rotate (4 views: mirrored and turned ±8.6°); views are averaged',
    }),
    ageGenderFlip: Type.Boolean({ default: false, description: 'test-time augmentation for age and gender' }),
  },
  { additionalProperties: false, default: {} },
);
export type InferenceConfig = Static<typeof InferenceConfig>;

/** The emotion setting as a list of model references; "none" means no emotion model. */
export function emotionModels(config: Pick<InferenceConfig, 'emotion'>): string[] {
  const refs = Array.isArray(config.emotion) ? config.emotion : [config.emotion];
  return refs.filter((r) => r !== 'none');
}

/** The onnxruntime session settings of the inference config, as the model runtime takes them. */
export function runtimeSettings(c: InferenceConfig): {
  providers: InferenceConfig['providers'];
  intraOpThreads: number;
  interOpThreads: number;
  graphOptimizationLevel: InferenceConfig['graphOptimizationLevel'];
  memoryArena: boolean;
  onnxruntimePath: string | undefined;
} {
  return {
    providers: c.providers,
    intraOpThreads: c.intraOpThreads,
    interOpThreads: c.interOpThreads,
    graphOptimizationLevel: c.graphOptimizationLevel,
    memoryArena: c.memoryArena,
    onnxruntimePath: c.onnxruntimePath,
  };
}
