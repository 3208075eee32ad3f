import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load.ts';
import { maskSecrets } from '../config/mask.ts';
import { exitCodeOf } from '../core/errors.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect and validate configuration');
  config
    .command('check [file]')
    .description('validate a config file and print the effective config (secrets masked)')
    .option('--json', 'print JSON instead of YAML')
    .action((file: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const global = cmd.optsWithGlobals<{ config?: string }>();
      try {
        const loaded = loadConfig(file ?? global.config);
        const masked = maskSecrets(loaded.config);
        process.stdout.write(opts.json ? `${JSON.stringify(masked, null, 2)}\n` : stringify(masked));
        process.stderr.write(`config ok: ${loaded.file ?? 'built-in defaults'}\n`);
        process.exitCode = 0;
      } catch (err) {
        const code = exitCodeOf(err);
        if (code === undefined) throw err;
        process.stderr.write(`glance: ${(err as Error).message}\n`);
        process.exitCode = code;
      }
    });
  config
    .command('example')
    .description('print the documented example configuration (generated from the schema)')
    .action(async () => {
      const { renderExampleConfig } = await import('../config/example.ts');
      process.stdout.write(renderExampleConfig());
    });
}
