import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerRunCommand } from './run.ts';
import { registerConfigCommands, registerConfigExample } from './config.ts';
import { exitCodeOf } from '../core/errors.ts';

/**
 * The `glance` command registry. Each command family lives in its own file and registers itself
 * here, so later capabilities (analyze, eval, bench, models, doctor) plug in with one line.
 */
export type Register = (program: Command) => void;

const registrations: Register[] = [registerRunCommand, registerConfigCommands, registerConfigExample];

/** Optional command families: loaded when their module exists, so a partial checkout still runs. */
const optional = ['./models.ts', './analyze.ts', './eval.ts', './bench.ts', './bench-pipeline.ts', './doctor.ts'];

export async function buildProgram(): Promise<Command> {
  const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
  const program = new Command('glance')
    .description('Glance: anonymous audience analytics on the edge')
    .version(pkg.version, '-V, --version')
    .option('-c, --config <file>', 'configuration file (else $GLANCE_CONFIG, /etc/glance/glance.yaml, ./config/glance.yaml)')
    .showHelpAfterError()
    .exitOverride();
  for (const register of registrations) register(program);
  for (const spec of optional) {
    let mod: Record<string, unknown>;
    try {
      mod = await import(spec);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(spec.slice(2))) continue;
      throw err;
    }
    for (const value of Object.values(mod)) {
      if (typeof value === 'function' && value.name.startsWith('register')) (value as Register)(program);
    }
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with code 0; usage errors are "invalid arguments" (2).
      return err.exitCode === 0 ? 0 : 2;
    }
    // Any command may fail on bad input (2) or a missing resource (3): one message, the error's own code.
    const code = exitCodeOf(err);
    if (code === undefined) throw err;
    process.stderr.write(`glance: ${(err as Error).message}\n`);
    return code;
  }
}
