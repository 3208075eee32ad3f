import { Type, type Static } from '@sinclair/typebox';

/** The `capture` section: which source to read and how to keep it alive. See docs/capture.md. */
export const CaptureConfig = Type.Object(
  {
    source: Type.String({
      default: 'auto',
      description: 'auto | demo | v4l2:/dev/videoN | libcamera:N | rtsp://… | http(s)://… | file:PATH | images:DIR | gst:PIPELINE (docs/capture.md)',
    }),
    width: Type.Integer({ default: 640, minimum: 32, maximum: 7680, description: 'width of the frames handed to inference, pixels' }),
    height: Type.Integer({ default: 360, minimum: 32, maximum: 4320, description: 'height of the frames handed to inference, pixels' }),
    fps: Type.Number({
      default: 15,
      exclusiveMinimum: 0,
      maximum: 240,
      description: 'rate asked of cameras (v4l2, libcamera) and the frame rate of images:/demo; files and streams keep their own rate',
    }),
    fit: Type.Union([Type.Literal('pad'), Type.Literal('stretch'), Type.Literal('crop')], {
      default: 'pad',
      description: 'how a source of another aspect ratio becomes width x height: pad (letterbox, nothing lost or distorted), stretch, crop (fill, edges cut)',
    }),
    loop: Type.Boolean({ default: true, description: 'file: restart at end of file (else the source ends there)' }),
    pace: Type.Union([Type.Literal('realtime'), Type.Literal('asfast'), Type.Literal('lockstep')], {
      default: 'realtime',
      description:
        'file: deliver frames at the file’s own rate (realtime), as fast as they decode, dropping what inference misses (asfast), or each frame only once inference took the last (lockstep: every frame analysed, none decoded in vain; benchmarks)',
    }),
    slideMs: Type.Integer({ default: 3000, minimum: 0, description: 'images:/demo: how long each picture stays in view (frames repeat at fps meanwhile)' }),
    inputFormat: Type.Optional(Type.String({ minLength: 1, description: 'v4l2: pixel format asked of the camera (ffmpeg -input_format, e.g. mjpeg, yuyv422)' })),
    inputWidth: Type.Optional(Type.Integer({ minimum: 16, maximum: 16384, description: 'v4l2/libcamera: camera mode width to ask for (default: the driver’s / width)' })),
    inputHeight: Type.Optional(Type.Integer({ minimum: 16, maximum: 16384, description: 'v4l2/libcamera: camera mode height to ask for (default: the driver’s / height)' })),
    ffmpegPath: Type.Optional(Type.String({ minLength: 1, description: 'ffmpeg binary (default: ffmpeg on PATH, else the @ffmpeg-installer/ffmpeg npm binary)' })),
    startTimeoutMs: Type.Integer({ default: 15000, minimum: 100, description: 'a (re)started source with no first frame within this long is restarted (cameras and RTSP take seconds to open)' }),
    stallTimeoutMs: Type.Integer({ default: 5000, minimum: 100, description: 'a streaming source with no frame for this long is restarted' }),
    backoffInitialMs: Type.Integer({ default: 500, minimum: 10, description: 'first restart delay; doubles on each consecutive failure' }),
    backoffMaxMs: Type.Integer({ default: 30000, minimum: 10, description: 'cap of the restart delay' }),
    maxRestarts: Type.Integer({ default: 0, minimum: 0, description: 'consecutive failed restarts before giving up (state failed); 0 = retry forever' }),
  },
  { additionalProperties: false, default: {} },
);
export type CaptureConfig = Static<typeof CaptureConfig>;
