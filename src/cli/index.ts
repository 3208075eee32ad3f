import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../core/errors.ts';
import { glanceVersion } from '../core/version.ts';
import { registerAnalyzeCommand } from './analyze.ts';
import { registerBenchCommands } from './bench.ts';
import { registerConfigCommands } from './config.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerEvalCommands } from './eval.ts';
import { registerModelsCommands } from './models.ts';
import { registerRunCommand } from './run.ts';

/**
 * The `glance` command registry: every command family, in the order `glance --help` lists them.
 * Each family lives in its own file; a new one is one import and one entry here.
 */
const COMMAND_FAMILIES: ReadonlyArray<(program: Command) => void> = [
  registerRunCommand, // run
  registerConfigCommands, // config check | example
  registerModelsCommands, // models build | list | verify | bench
  registerAnalyzeCommand, // analyze
  registerEvalCommands, // eval emotion | age-gender | detect
  registerBenchCommands, // bench [pipeline] | capture
  registerDoctorCommand, // doctor
];

export function buildProgram(): Command {
  const program = new Command('glance')
    .description('Glance: anonymous audience analytics on the edge')
    .version(glanceVersion(), '-V, --version')
    .option('-c, --config <file>', 'configuration file (else $GLANCE_CONFIG, /etc/glance/glance.yaml, ./config/glance.yaml)')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMAND_FAMILIES) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
