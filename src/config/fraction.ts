import { Type } from '@sinclair/typebox';

/**
 * A setting that is a share from 0 to 1: a score or probability threshold, an IoU overlap, a
 * margin. Several stages compare such numbers with model outputs, so they share one schema shape.
 */
export function fraction(def: number, description: string) {
  return Type.Number({ default: def, minimum: 0, maximum: 1, description });
}
