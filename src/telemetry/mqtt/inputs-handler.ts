import type { Logger } from 'pino';
import { LogBudget } from '../../core/log-budget.ts';
import { parseCommand, parseContentSet, type Command } from './inputs.ts';

/**
 * Routes the two input topics to their parsers and reports every rejection with one log line. A flood
 * of garbage must not flood the journal either: past LOG_BUDGET lines a minute, rejections are only
 * counted and summed up in one line when the minute ends.
 */
const LOG_BUDGET = 20;
const WINDOW_MS = 60_000;
/** Commands that are accepted per minute; more are rejected (each publish_* does real work). */
const COMMAND_BUDGET = 30;

export interface InputsHandlerOptions {
  topics: { contentSet: string; command: string };
  log: Logger;
  onContent: (contentId: string | null) => void;
  onCommand: (command: Command) => void;
  now?: () => number;
}

export class InputsHandler {
  rejected = 0;
  private commandsInWindow = 0;
  private readonly logs: LogBudget;

  constructor(private readonly opts: InputsHandlerOptions) {
    this.logs = new LogBudget(LOG_BUDGET, WINDOW_MS, (suppressed) => opts.log.warn({ suppressed }, `mqtt: ${suppressed} more input(s) rejected in the last minute (not logged one by one)`), opts.now);
  }

  handle(topic: string, payload: Uint8Array): void {
    // The command budget shares the log window: both reset when a new minute begins.
    if (this.logs.roll()) this.commandsInWindow = 0;
    const { topics } = this.opts;
    if (topic === topics.contentSet) {
      const parsed = parseContentSet(payload);
      if (!parsed.ok) return this.reject(topic, payload.length, parsed.reason);
      this.opts.onContent(parsed.value);
    } else if (topic === topics.command) {
      const parsed = parseCommand(payload);
      if (!parsed.ok) return this.reject(topic, payload.length, parsed.reason);
      if (++this.commandsInWindow > COMMAND_BUDGET) return this.reject(topic, payload.length, `more than ${COMMAND_BUDGET} commands in a minute`);
      this.opts.onCommand(parsed.value);
    }
    // Other topics cannot arrive: we subscribe to exactly these two.
  }

  private reject(topic: string, bytes: number, reason: string): void {
    this.rejected += 1;
    if (this.logs.take()) this.opts.log.warn({ topic, bytes, reason }, `mqtt input rejected on ${topic}: ${reason}`);
  }
}
