import type { FramePool } from './frame-pool.ts';

/**
 * One attempt at reading a source: a process pipeline or the picture slideshow. The supervisor
 * launches runs, watches their frames and restarts them; a run knows nothing about retries.
 */
export interface RunHooks {
  pool: FramePool;
  /** A whole frame of pool.frameBytes rgb24 bytes, in a buffer from the pool. */
  frame(data: Uint8Array): void;
  /** A diagnostic line from a child process (or a decoder), for the rate-limited log. */
  stderr(label: string, line: string): void;
}

export interface RunEnd {
  /** Ended by itself without error (end of a file), as opposed to a crash, a kill or a failure. */
  success: boolean;
  detail: string;
}

export interface SourceRun {
  /** Process ids of the run's children (diagnostics, tests, CPU measurement). */
  readonly pids: readonly number[];
  /** A clean end of this source is final (a file played once) rather than a failure to retry. */
  readonly finite: boolean;
  /** Settles once the run is over and every child has exited; never rejects. */
  readonly ended: Promise<RunEnd>;
  /** Ends the run (SIGTERM, SIGKILL after a grace period) and resolves when it is over. */
  stop(): Promise<void>;
}

export type Launcher = (hooks: RunHooks) => SourceRun;
