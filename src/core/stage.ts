/**
 * The lifecycle every pipeline stage follows. A constructor only stores its inputs;
 * all resources are acquired in start() and released in stop(), so app.ts can start
 * stages in order, stop them in reverse, and cancel a start-up half way with the signal.
 */
export interface Stage {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** Thrown when a required resource (model, camera, port, data directory) is unavailable: exit code 3. */
export class ResourceError extends Error {
  override name = 'ResourceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown for invalid configuration or arguments: exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, readonly problems: string[] = [message]) {
    super(message);
  }
}

/** Rejects with the signal's reason if it is already aborted: used between start-up steps. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('start-up cancelled');
}
