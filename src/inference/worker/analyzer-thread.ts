import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { createAnalyzer, type Analyzer } from '../analyzer.ts';
import type { FromWorker, ToWorker, WorkerError, WorkerInit } from './protocol.ts';
import { ResourceError } from '../../core/errors.ts';

/**
 * The analyzer in its own thread, so model runs (onnxruntime-node runs a session synchronously)
 * and the JS crop work never hold up the main thread's event loop: capture reading, MQTT, HTTP.
 * Log records go to the main thread, which writes them through the stage's logger.
 */
const port = parentPort!;
const init = workerData as WorkerInit;
const post = (msg: FromWorker): void => port.postMessage(msg);

const log = pino(
  { level: init.logLevel, base: null, timestamp: false, serializers: { err: pino.stdSerializers.err } },
  { write: (line: string) => post({ type: 'log', level: 0, record: JSON.parse(line) as Record<string, unknown> }) },
);

function toError(err: unknown): WorkerError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, resource: err instanceof ResourceError };
}

let analyzer: Analyzer;
try {
  analyzer = await createAnalyzer(init.config, init.privacy, log);
  post({ type: 'ready', models: [...analyzer.models] });
} catch (err) {
  post({ type: 'failed', error: toError(err) });
  process.exit(0);
}

let slot: Uint8Array = new Uint8Array(0);
// One message at a time, in order: a close never releases sessions under a run still in flight.
let queue = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'slot') {
    slot = new Uint8Array(msg.buffer);
    return;
  }
  try {
    if (msg.type === 'analyze') {
      const bytes = msg.width * msg.height * 3;
      const result = await analyzer.analyzeTimed({ width: msg.width, height: msg.height, data: slot.subarray(0, bytes) });
      post({ type: 'done', id: msg.id, result });
    } else if (msg.type === 'warmUp') {
      await analyzer.warmUp();
      post({ type: 'done', id: msg.id });
    } else if (msg.type === 'close') {
      await analyzer.close();
      post({ type: 'done', id: msg.id });
      // With the port closed the thread has nothing left to do and ends by itself.
      port.close();
    }
  } catch (err) {
    post({ type: 'error', id: msg.id, error: toError(err) });
  }
}
