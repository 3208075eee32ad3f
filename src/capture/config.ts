import { Type, type Static } from '@sinclair/typebox';

export const CaptureConfig = Type.Object(
  {
    source: Type.String({ default: 'auto', description: 'auto | demo | v4l2:/dev/videoN | libcamera:N | rtsp://… | http(s)://… | file:PATH | images:DIR | gst:PIPELINE' }),
    width: Type.Integer({ default: 640, minimum: 32, maximum: 7680 }),
    height: Type.Integer({ default: 360, minimum: 32, maximum: 4320 }),
    fps: Type.Number({ default: 15, exclusiveMinimum: 0, maximum: 240 }),
    loop: Type.Boolean({ default: true, description: 'file: restart at end of file' }),
    pace: Type.Union([Type.Literal('realtime'), Type.Literal('asfast')], { default: 'realtime' }),
    ffmpegPath: Type.Optional(Type.String({ minLength: 1 })),
    stallTimeoutMs: Type.Integer({ default: 5000, minimum: 100 }),
    backoffInitialMs: Type.Integer({ default: 500, minimum: 10 }),
    backoffMaxMs: Type.Integer({ default: 30000, minimum: 10 }),
  },
  { additionalProperties: false, default: {} },
);
export type CaptureConfig = Static<typeof CaptureConfig>;
