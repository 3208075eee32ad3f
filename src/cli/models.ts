import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { runtimeSettings, type InferenceConfig } from '../config/inference.ts';
import { acceptsBatch, benchModel } from '../tools/bench/model-bench.ts';
import { buildModels, findHumanPackage } from '../build/models/build.ts';
import { listManifests, sourceOf } from '../build/models/inventory.ts';
import { manifestSource, modelFileOf } from '../inference/runtime/manifest.ts';
import { verifyModel } from '../build/models/verify.ts';
import { createSession, type SkippedProvider } from '../inference/runtime/session.ts';
import { openModel } from '../inference/runtime/open-model.ts';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, exitCodeOf, ResourceError } from '../core/errors.ts';

/**
 * `glance models build | list | verify | bench`. Output is for a person (a table on stdout);
 * --json gives the same data for scripts. Exit codes: 0 ok, 2 bad config, 3 a model failed.
 */
export interface ModelsCommandContext {
  out?: (text: string) => void;
  err?: (text: string) => void;
}

interface CommonOpts {
  modelsDir?: string;
  json?: boolean;
}

export function registerModelsCommands(program: Command, ctx: ModelsCommandContext = {}): void {
  const out = ctx.out ?? ((t: string) => process.stdout.write(t));
  const err = ctx.err ?? ((t: string) => process.stderr.write(t));
  const models = program.command('models').description('build, inspect, verify and benchmark the ONNX models');

  /** Runs an action with the inference config; maps config and resource errors to exit codes. */
  const action =
    <O extends CommonOpts>(fn: (opts: O, inference: InferenceConfig) => Promise<number>) =>
    async (opts: O, cmd: Command) => {
      try {
        const { config } = cmd.optsWithGlobals<{ config?: string }>();
        const inference = loadConfig(config).config.inference;
        if (opts.modelsDir) inference.modelsDir = opts.modelsDir;
        process.exitCode = await fn(opts, inference);
      } catch (e) {
        const code = exitCodeOf(e);
        if (code === undefined) throw e;
        err(`glance: ${(e as Error).message}\n`);
        process.exitCode = code;
      }
    };

  models
    .command('build')
    .description('convert the TFJS models in @vladmandic/human into models/*.onnx (skips up-to-date models)')
    .option('--force', 'rebuild even when the hashes match')
    .option('--if-sources', 'do nothing, quietly, when @vladmandic/human is not installed (for npm postinstall)')
    .option('--models-dir <dir>', 'output folder (default: inference.modelsDir)')
    .option('--from <dir>', 'the @vladmandic/human package folder (default: found from the project)')
    .action(
      action<CommonOpts & { force?: boolean; ifSources?: boolean; from?: string }>(async (opts, inference) => {
        const humanDir = opts.from ? (existsSync(join(opts.from, 'package.json')) ? opts.from : null) : findHumanPackage();
        if (!humanDir) {
          if (opts.ifSources) return 0;
          throw new ResourceError(`@vladmandic/human is not installed${opts.from ? ` in ${opts.from}` : ''}, so there is nothing to convert: run npm ci`);
        }
        const t0 = performance.now();
        const results = await buildModels({ modelsDir: inference.modelsDir, force: opts.force, humanDir });
        if (opts.json) out(`${JSON.stringify(results, null, 2)}\n`);
        else {
          for (const r of results) out(`${r.name.padEnd(10)} ${r.status.padEnd(10)} ${mb(r.bytes).padStart(8)}  ${Math.round(r.ms)} ms\n`);
          out(`models in ${inference.modelsDir} (${Math.round(performance.now() - t0)} ms)\n`);
        }
        return 0;
      }),
    );

  models
    .command('list')
    .description('list the models with task, execution provider, size, source and licence')
    .option('--models-dir <dir>', 'folder with <name>.json manifests (default: inference.modelsDir)')
    .option('--json', 'JSON output')
    .action(
      action<CommonOpts>(async (opts, inference) => {
        const rows: Array<Record<string, string>> = [];
        const skippedAll = new Map<string, string>();
        let failed = 0;
        for (const e of listManifests(inference.modelsDir)) {
          if (!e.manifest) {
            failed++;
            rows.push({ name: e.name, task: '?', provider: 'error', size: '', source: '', licence: '', problem: e.error.message });
            continue;
          }
          const m = e.manifest;
          const file = modelFileOf(m, e.file);
          const size = fileSize(file);
          let provider = 'missing';
          let problem = '';
          if (size !== null) {
            try {
              const s = await createSession(file, m, { ...runtimeSettings(inference), manifestFile: e.file });
              provider = s.provider;
              recordSkipped(skippedAll, s.skipped);
              await s.session.release();
            } catch (x) {
              provider = 'error';
              problem = (x as Error).message;
              failed++;
            }
          } else {
            problem = `${file} is missing (glance models build)`;
            failed++;
          }
          rows.push({ name: m.name, task: m.task, provider, size: size === null ? '-' : mb(size), source: sourceOf(m), licence: m.licence.spdx, problem });
        }
        if (opts.json) {
          out(`${JSON.stringify({ modelsDir: inference.modelsDir, models: rows, skippedProviders: Object.fromEntries(skippedAll) }, null, 2)}\n`);
        } else {
          out(table(rows, ['name', 'task', 'provider', 'size', 'source', 'licence']));
          for (const r of rows) if (r.problem) out(`\n${r.name}: ${r.problem}\n`);
          if (skippedAll.size) {
            out('\nskipped execution providers:\n');
            for (const [p, reason] of skippedAll) out(`  ${p}: ${reason}\n`);
          }
          if (rows.length === 0) out(`no model manifests in ${inference.modelsDir} (run glance models build)\n`);
        }
        return failed ? 3 : 0;
      }),
    );

  models
    .command('verify')
    .description('check each model: .onnx and source hashes, manifest against the model, one inference')
    .option('--models-dir <dir>', 'folder with <name>.json manifests (default: inference.modelsDir)')
    .option('--json', 'JSON output')
    .action(
      action<CommonOpts>(async (opts, inference) => {
        const entries = listManifests(inference.modelsDir);
        const reports = [];
        for (const e of entries) {
          if (!e.manifest) {
            reports.push({ name: e.name, ok: false, checks: [{ check: 'manifest', ok: false, detail: e.error.message }] });
            continue;
          }
          reports.push(await verifyModel(e.file, e.manifest, runtimeSettings(inference)));
        }
        if (opts.json) out(`${JSON.stringify(reports, null, 2)}\n`);
        else {
          for (const r of reports) {
            out(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}\n`);
            for (const c of r.checks) out(`     ${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}\n`);
          }
          if (entries.length === 0) out(`no model manifests in ${inference.modelsDir} (run glance models build)\n`);
        }
        return entries.length > 0 && reports.every((r) => r.ok) ? 0 : 3;
      }),
    );

  models
    .command('bench')
    .description('median inference latency per model on this machine, batch 1 and 8')
    .option('--models-dir <dir>', 'folder with <name>.json manifests (default: inference.modelsDir)')
    .option('--runs <n>', 'timed runs per model and batch size', '20')
    .option('--batch <list>', 'comma-separated batch sizes', '1,8')
    .option('--json', 'JSON output')
    .action(
      action<CommonOpts & { runs: string; batch: string }>(async (opts, inference) => {
        const runs = Number(opts.runs);
        const batches = opts.batch.split(',').map(Number);
        if (!Number.isInteger(runs) || runs < 1 || batches.some((b) => !Number.isInteger(b) || b < 1)) {
          throw new ConfigError('--runs and --batch take positive integers');
        }
        const rows: Array<Record<string, string>> = [];
        const results = [];
        for (const e of listManifests(inference.modelsDir)) {
          if (!e.manifest) throw new ResourceError(e.error.message);
          const model = await openModel(manifestSource(e.file, e.manifest), runtimeSettings(inference));
          try {
            for (const batch of batches) {
              if (!acceptsBatch(model, batch)) {
                rows.push({ model: model.name, provider: model.provider, batch: String(batch), median: 'fixed batch', p90: '', 'per item': '' });
                continue;
              }
              const r = await benchModel(model, batch, runs);
              results.push({ model: model.name, provider: model.provider, ...r });
              rows.push({ model: model.name, provider: model.provider, batch: String(batch), median: ms(r.medianMs), p90: ms(r.p90Ms), 'per item': ms(r.perItemMs) });
            }
          } finally {
            await model.close();
          }
        }
        if (opts.json) out(`${JSON.stringify(results, null, 2)}\n`);
        else out(`${table(rows, ['model', 'provider', 'batch', 'median', 'p90', 'per item'])}(${runs} timed runs each, intraOpThreads=${inference.intraOpThreads || 'default'})\n`);
        return 0;
      }),
    );
}

function recordSkipped(into: Map<string, string>, skipped: readonly SkippedProvider[]): void {
  for (const s of skipped) if (!into.has(s.provider)) into.set(s.provider, s.reason);
}

function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

function table(rows: Array<Record<string, string>>, cols: string[]): string {
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(width[i]))
      .join('  ')
      .trimEnd()}\n`;
  return line(cols) + rows.map((r) => line(cols.map((c) => r[c] ?? ''))).join('');
}
