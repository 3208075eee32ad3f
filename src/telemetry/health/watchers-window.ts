import type { MinuteClosed } from '../../core/types.ts';
import { minuteStartMs } from '../minute-start.ts';

const HOUR_MS = 3_600_000;

/**
 * Watchers over the last 60 closed minutes, for Home Assistant's "watchers per hour" sensor, from the
 * store's minute totals. A minute emitted again (more data after it closed) replaces its earlier count.
 */
export class WatchersWindow {
  private readonly perMinute = new Map<number, number>();

  add(closed: MinuteClosed): void {
    const start = minuteStartMs(closed.minute);
    if (!Number.isFinite(start)) return;
    this.perMinute.set(start, closed.totals.watchers);
    const newest = Math.max(...this.perMinute.keys());
    for (const key of this.perMinute.keys()) if (key <= newest - HOUR_MS) this.perMinute.delete(key);
  }

  get lastHour(): number {
    let sum = 0;
    for (const n of this.perMinute.values()) sum += n;
    return sum;
  }
}
