import { Worker, type WorkerOptions } from 'node:worker_threads';
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
export async function startWorkerAnalyzer(config: InferenceConfig, privacy: PrivacyConfig, log: Logger, createThread: CreateThread = newThread): Promise<WorkerAnalyzerHandle> {
  const init: WorkerInit = { config, privacy, logLevel: log.level };
  // execArgv: [] because entry.js registers tsx itself; inheriting e.g. a second --import would load it twice.
  const worker = createThread(ENTRY, { workerData: init, execArgv: [] });
  const remote = new WorkerAnalyzer(worker, log);
  await remote.ready;
  return remote;
}

/** Creates the thread; tests pass one that keeps the Worker, to end it as a crash would. */
export type CreateThread = (entry: URL, options: WorkerOptions) => Worker;
const newThread: CreateThread = (entry, options) => new Worker(entry, options);

/** The worker analyzer as its owner (the inference stage) sees it: an Analyzer whose thread can die. */
export interface WorkerAnalyzerHandle extends Analyzer {
  /** Why the thread ended when nobody closed it (an uncaught error, an exit in the thread); undefined while it runs. */
  readonly died: Error | undefined;
  /** Called once when the thread ends without end() or close(). */
  onDeath(listener: (err: Error) => void): void;
  /**
   * Ends the thread even when an analysis hangs in it: as close(), it lets the run in progress finish
   * and the thread end by itself, and only if that takes longer than graceMs terminates it. Resolves
   * true once the thread has ended, false if even terminating did not end it within graceMs (stuck in
   * native code: only the process exit helps).
   */
  end(graceMs?: number): Promise<boolean>;
}

class WorkerAnalyzer implements WorkerAnalyzerHandle {
  models: readonly LoadedModelInfo[] = [];
  readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r?: AnalyzeResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private slot: Uint8Array<SharedArrayBuffer> | undefined;
  private exited: Error | undefined;
  /** close() or end() was asked for: the thread's end is expected, not a death. */
  private ending = false;
  private deathListeners: Array<(err: Error) => void> = [];

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
        if (!this.ending) for (const listener of this.deathListeners.splice(0)) listener(this.exited!);
      });
    });
  }

  get died(): Error | undefined {
    return this.ending ? undefined : this.exited;
  }

  onDeath(listener: (err: Error) => void): void {
    this.deathListeners.push(listener);
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
   * while onnxruntime-node still holds native state in it can abort the whole process (it did, once
   * in a few runs, when a thread was terminated in the middle of a model run). terminate() is only
   * the fallback for a worker that does not end within CLOSE_GRACE_MS.
   */
  async close(): Promise<void> {
    await this.end();
  }

  async end(graceMs = CLOSE_GRACE_MS): Promise<boolean> {
    this.ending = true;
    if (this.exited) return true;
    const ended = new Promise<true>((resolve) => this.worker.once('exit', () => resolve(true)));
    // Queued behind the run in progress, if any; its reply is not awaited, the thread's end is.
    this.send({ type: 'close', id: this.nextId++ });
    if (await settlesWithin(ended, graceMs)) return true;
    this.log.warn({ graceMs }, 'inference worker did not end after close: terminating it');
    void this.worker.terminate();
    return settlesWithin(ended, graceMs);
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

/** Whether p resolves within ms. */
async function settlesWithin(p: Promise<true>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const outcome = await Promise.race([p, late]);
  clearTimeout(timer);
  return outcome;
}

function asError(e: WorkerError): Error {
  if (e.resource) return new ResourceError(e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
