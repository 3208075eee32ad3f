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

/** Rejects with the signal's reason if it is already aborted: used between start-up steps. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('start-up cancelled');
}
