import type { Logger } from 'pino';
import type { Stage } from './stage.ts';
import { StartupCancelled } from './errors.ts';

/**
 * Starts stages in order and stops those that started in reverse, each stop in its own try/catch so a
 * failing stop never keeps the others from releasing their resources. If start-up fails or is
 * cancelled, the stages already started are stopped before the error is rethrown.
 */
export class StageRunner {
  private readonly started: Stage[] = [];

  constructor(
    private readonly stages: readonly Stage[],
    private readonly log: Logger,
  ) {}

  async start(signal: AbortSignal): Promise<void> {
    try {
      for (const stage of this.stages) {
        if (signal.aborted) throw abortError(signal);
        this.log.debug({ stage: stage.name }, 'starting stage');
        this.started.push(stage);
        await stage.start(signal);
        if (signal.aborted) throw abortError(signal);
        this.log.info({ stage: stage.name }, 'stage started');
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    while (this.started.length > 0) {
      const stage = this.started.pop()!;
      try {
        await stage.stop();
        this.log.info({ stage: stage.name }, 'stage stopped');
      } catch (err) {
        this.log.error({ err, stage: stage.name }, 'stage failed to stop cleanly');
      }
    }
  }
}

function abortError(signal: AbortSignal): Error {
  if (signal.reason instanceof StartupCancelled) return signal.reason;
  return new StartupCancelled('start-up cancelled', { cause: signal.reason });
}
