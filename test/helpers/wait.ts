/**
 * Polling waits for tests. A test waits for the state it asserts, never for a fixed time: on a loaded
 * machine (the whole suite on 2 cores) a fixed sleep is sometimes too short, a poll is only slower.
 * Every wait is bounded, and its error names what it waited for and the last value it saw.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `everyMs` until `accept` holds for its value, and returns that value. A probe
 * that throws (a server not answering yet) is tried again; after `timeoutMs` it throws an error
 * naming `what`, the last value and the last probe error.
 */
export async function until<V>(what: string, probe: () => Promise<V> | V, accept: (value: V) => boolean, timeoutMs: number, everyMs = 500): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  let last: V | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(everyMs, Math.max(1, deadline - Date.now())));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}${lastErr ? ` ${lastErr}` : ''}`);
}

/** Polls `predicate` every `everyMs` until it holds; throws after `timeoutMs`, naming `what`. */
export async function waitFor(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  await until(what, predicate, (ok) => ok, timeoutMs, everyMs);
}
