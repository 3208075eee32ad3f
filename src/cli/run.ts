import type { Command } from 'commander';
import { runDaemon } from '../main.ts';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the daemon (capture → inference → audience → telemetry → dashboard)')
    .option('--pretty', 'human-readable logs (only for a person at a terminal; journald wants JSON)')
    .action(async (opts: { pretty?: boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      process.exitCode = await runDaemon({ configPath: config, pretty: opts.pretty });
    });
}
