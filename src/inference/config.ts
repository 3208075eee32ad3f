import { Type, type Static } from '@sinclair/typebox';

const Provider = Type.Union([Type.Literal('tensorrt'), Type.Literal('cuda'), Type.Literal('cpu'), Type.Literal('webgpu')]);

export const InferenceConfig = Type.Object(
  {
    modelsDir: Type.String({ default: 'models', description: 'folder with <name>.onnx + <name>.json manifests' }),
    detector: Type.String({ default: 'blazeface' }),
    landmarks: Type.String({ default: 'facemesh' }),
    emotion: Type.String({ default: 'emotion' }),
    ageGender: Type.String({ default: 'faceres' }),
    providers: Type.Array(Provider, { default: ['tensorrt', 'cuda', 'cpu'], minItems: 1 }),
    intraOpThreads: Type.Integer({ default: 0, minimum: 0, description: '0 = onnxruntime default' }),
    interOpThreads: Type.Integer({ default: 0, minimum: 0 }),
    graphOptimizationLevel: Type.Union(
      [Type.Literal('disabled'), Type.Literal('basic'), Type.Literal('extended'), Type.Literal('all')],
      { default: 'all' },
    ),
    onnxruntimePath: Type.Optional(Type.String({ minLength: 1, description: 'alternative onnxruntime-node build (Jetson arm64 with CUDA/TensorRT)' })),
    detectionThreshold: Type.Number({ default: 0.5, minimum: 0, maximum: 1 }),
    emotionThreshold: Type.Number({ default: 0.3, minimum: 0, maximum: 1 }),
    genderThreshold: Type.Number({ default: 0.6, minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false, default: {} },
);
export type InferenceConfig = Static<typeof InferenceConfig>;
