import type { ModelDescriptor } from '../../runtime/descriptor.ts';
import type { ModelRunner } from '../../runtime/model-runner.ts';
import { BlazeFaceDetector } from './blazeface.ts';
import type { Detector } from './types.ts';
import { UltraFaceDetector } from './ultraface.ts';
import { YuNetDetector } from './yunet.ts';

/** Picks the decoder for a detector model by its manifest's family. */
export function createDetector(runner: ModelRunner, desc: ModelDescriptor): Detector {
  switch (desc.family) {
    case 'blazeface':
      return new BlazeFaceDetector(runner, desc);
    case 'yunet':
      return new YuNetDetector(runner, desc);
    case 'ultraface':
      return new UltraFaceDetector(runner, desc);
    default:
      throw new Error(`no face-detector decoder for family "${desc.family}" (model ${desc.name})`);
  }
}
