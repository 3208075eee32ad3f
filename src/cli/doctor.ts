import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { runChecks, formatResults, type Check } from '../tools/doctor/check.ts';
import { checkNode, checkDisk, checkClock, checkCameras, checkPort, checkBrokerTcp } from '../tools/doctor/system-checks.ts';
import { checkFfmpeg, checkProviders, checkModels, checkDatabase } from '../tools/doctor/app-checks.ts';
import { exitCodeOf } from '../core/errors.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check this box: node, ffmpeg, cameras, providers, models, broker, ports, disk, database, clock')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      let config;
      try {
        config = loadConfig(cmd.optsWithGlobals<{ config?: string }>().config).config;
      } catch (err) {
        const code = exitCodeOf(err);
        if (code === undefined) throw err;
        process.stderr.write(`glance: ${(err as Error).message}\n`);
        process.exitCode = code;
        return;
      }
      const c = config;
      const checks: Check[] = [
        checkNode,
        () => checkFfmpeg(c),
        () => checkCameras(c),
        () => checkProviders(c),
        () => checkModels(c),
        ...(c.mqtt.enabled ? [c.mqtt.url ? () => checkBrokerTcp(c.mqtt.url!) : () => checkPort('mqtt embedded', c.mqtt.embedded.host, c.mqtt.embedded.port)] : []),
        ...(c.dashboard.enabled ? [() => checkPort('dashboard port', c.dashboard.host, c.dashboard.port)] : []),
        () => checkDisk(c),
        () => checkDatabase(c),
        checkClock,
      ];
      const results = await runChecks(checks);
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
