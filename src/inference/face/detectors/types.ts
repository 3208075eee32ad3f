import type { RgbImage } from '../../image/warp.ts';

/** One raw detection in frame pixels, before landmarks and attributes. */
export interface Detection {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /**
   * Keypoints in frame pixels. Every family that has them starts with the subject's right eye and
   * left eye (image left and right for a frontal face), then the nose tip; the rest is family-specific.
   */
  points: Array<[number, number]>;
}

export interface DetectorOptions {
  /** Minimum score (0..1) for a detection. */
  threshold: number;
  /** IoU above which the weaker of two overlapping detections is dropped. */
  nmsIou: number;
  /** Upper bound on faces per frame (bounds the attribute batches). */
  maxFaces: number;
  /** Shrink the frame inside the model input by this factor (default 1): finds faces that fill the frame. */
  zoomOut?: number;
}

export interface Detector {
  readonly name: string;
  detect(image: RgbImage, opts: DetectorOptions): Promise<Detection[]>;
}
