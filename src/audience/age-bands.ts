import { ConfigError } from '../core/errors.ts';

/**
 * Age bands from their lower bounds: [18, 25, 65] gives 0-17, 18-24, 25-64, 65+. Only the band is
 * stored; the estimated age itself goes no further than the visit event.
 */
export interface AgeBands {
  readonly labels: readonly string[];
  /** The band of an age in years (fractions are floored: 17.9 is 17), or 'unknown'. */
  bandOf(years: number | undefined): string;
}

export function createAgeBands(bounds: readonly number[], path = 'audience.ageBands'): AgeBands {
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isInteger(bounds[i]) || bounds[i] < 1) {
      throw new ConfigError(`${path}[${i}]: ${bounds[i]} is not a whole number of years ≥ 1`);
    }
    if (i > 0 && bounds[i] <= bounds[i - 1]) {
      throw new ConfigError(`${path}: lower bounds must increase strictly (${bounds[i - 1]} then ${bounds[i]} at index ${i})`);
    }
  }
  const lows = [0, ...bounds];
  const labels = lows.map((low, i) => (i === lows.length - 1 ? `${low}+` : `${low}-${lows[i + 1] - 1}`));
  return {
    labels,
    bandOf(years) {
      if (years === undefined || !Number.isFinite(years) || years < 0) return 'unknown';
      const whole = Math.floor(years);
      let band = 0;
      while (band + 1 < lows.length && whole >= lows[band + 1]) band++;
      return labels[band];
    },
  };
}
