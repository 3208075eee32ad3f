import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { PrivacyConfig } from '../../config/privacy.ts';
import type { Analyzer, AnalyzeResult, LoadedModelInfo } from '../analyzer.ts';
import type { InferenceConfig } from '../../config/inference.ts';
import type { Face } from '../../core/types.ts';
import type { RgbImage } from '../image/warp.ts';
import type { FromWorker, ToWorker, WorkerError, WorkerInit } from './protocol.ts';
import { ResourceError } from '../../core/errors.ts';

const ENTRY = new URL('./entry.js', import.meta.url);
const CLOSE_GRACE_MS = 3000;

/**
 * An Analyzer whose models run in a worker thread (analyzer-worker.ts). The frame is copied into
 * a SharedArrayBuffer slot (0.1 ms at 640x360, ~1 ms at 1080p), so the caller may reuse its buffer
 * as soon as analyzeTimed() has been called. One request at a time, as the inference stage makes
 * them. Resolves once the worker's models are loaded; a model that cannot load rejects with the
 * worker's ResourceError, so the daemon still exits 3 naming the file.
 */
export async function startWorkerAnalyzer(config: InferenceConfig, privacy: PrivacyConfig, log: Logger): Promise<Analyzer> {
  const init: WorkerInit = { config, privacy, logLevel: log.level };
  // execArgv: [] because entry.js registers tsx itself; inheriting e.g. a second --import would load it twice.
  const worker = new Worker(ENTRY, { workerData: init, execArgv: [] });
  const remote = new WorkerAnalyzer(worker, log);
  await remote.ready;
  return remote;
}

class WorkerAnalyzer implements Analyzer {
  models: readonly LoadedModelInfo[] = [];
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r?: AnalyzeResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private slot: Uint8Array<SharedArrayBuffer> | undefined;
  private exited: Error | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          this.models = msg.models;
          resolve();
        } else if (msg.type === 'failed') {
          reject(asError(msg.error));
        } else if (msg.type === 'log') {
          this.relayLog(msg.record);
        } else {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.type === 'done') p?.resolve(msg.result);
          else p?.reject(asError(msg.error));
        }
      });
      worker.on('error', (err) => {
        this.log.error({ err }, 'inference worker failed');
        reject(err);
        this.failAll(err);
      });
      worker.on('exit', (code) => {
        const err = new Error(`inference worker exited (code ${code})`);
        reject(err);
        this.failAll(err);
      });
    });
  }

  async analyze(frame: RgbImage): Promise<Face[]> {
    return (await this.analyzeTimed(frame)).faces;
  }

  async analyzeTimed(frame: RgbImage): Promise<AnalyzeResult> {
    const bytes = frame.width * frame.height * 3;
    if (frame.data.length < bytes) throw new RangeError(`frame data holds ${frame.data.length} bytes, ${frame.width}x${frame.height} rgb24 needs ${bytes}`);
    if (!this.slot || this.slot.length < bytes) {
      this.slot = new Uint8Array(new SharedArrayBuffer(bytes));
      this.send({ type: 'slot', buffer: this.slot.buffer });
    }
    this.slot.set(frame.data.subarray(0, bytes));
    const result = await this.request((id) => ({ type: 'analyze', id, width: frame.width, height: frame.height }));
    return result!;
  }

  classifyEmotionCrops(): Promise<Float32Array> {
    return Promise.reject(new Error('classifyEmotionCrops runs in-process only (glance eval); the worker analyzer serves frames'));
  }

  async warmUp(): Promise<void> {
    await this.request((id) => ({ type: 'warmUp', id }));
  }

  /**
   * Asks the worker to release its sessions and lets its thread end by itself: terminating a thread
   * while onnxruntime-node still holds native state in it can abort the whole process. terminate()
   * is only the fallback for a worker that does not end within CLOSE_GRACE_MS.
   */
  async close(): Promise<void> {
    if (this.exited) return;
    const ended = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.request((id) => ({ type: 'close', id })).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
    const outcome = await Promise.race([ended, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.log.warn({ graceMs: CLOSE_GRACE_MS }, 'inference worker did not end after close: terminating it');
      await this.worker.terminate();
    }
  }

  private request(make: (id: number) => ToWorker): Promise<AnalyzeResult | undefined> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(make(id));
    });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private failAll(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Writes a worker's log record through the stage's logger, at its level. */
  private relayLog(record: Record<string, unknown>): void {
    const { level, msg, ...fields } = record as { level: number; msg?: string } & Record<string, unknown>;
    const method = level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : level >= 20 ? 'debug' : 'trace';
    this.log[method](fields, msg ?? '');
  }
}

function asError(e: WorkerError): Error {
  if (e.resource) return new ResourceError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
