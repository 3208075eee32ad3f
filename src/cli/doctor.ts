import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../core/stage.ts';
import { runChecks, formatResults, type Check } from '../doctor/check.ts';
import { checkNode, checkDisk, checkClock, checkCameras, checkPort, checkBrokerTcp } from '../doctor/system-checks.ts';
import { checkFfmpeg, checkProviders, checkModels, checkDatabase } from '../doctor/app-checks.ts';

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
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`glance: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      const c = config;
      const checks: Check[] = [
        checkNode,
        () => checkFfmpeg(c),
        () => checkCameras(c),
        () => checkProviders(c),
        () => checkModels(c),
        ...(c.mqtt.enabled
          ? [c.mqtt.url ? () => checkBrokerTcp(c.mqtt.url!) : () => checkPort('mqtt embedded', c.mqtt.embedded.host, c.mqtt.embedded.port)]
          : []),
        ...(c.dashboard.enabled ? [() => checkPort('dashboard port', c.dashboard.host, c.dashboard.port)] : []),
        () => checkDisk(c),
        () => checkDatabase(c),
        checkClock,
      ];
      const results = await runChecks(checks);
      process.stdout.write(opts.json ? JSON.stringify(results, null, 2) + '\n' : formatResults(results));
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
