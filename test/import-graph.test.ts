import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers/process.ts';

/**
 * The layering rules of docs/architecture.md, checked on the real import graph (static imports,
 * re-exports and string `import()`s): what `glance run` loads never reaches build-time or tooling
 * code, and data flows one way, capture → inference → audience → telemetry → dashboard.
 */
const src = path.join(repoRoot, 'src');
const TOOLING = ['build', 'tools', 'cli'];
/** Run-time folders in flow order: a folder may import from itself and from those before it. */
const FLOW = ['core', 'config', 'capture', 'inference', 'audience', 'telemetry', 'dashboard'];

function specifiers(file: string): string[] {
  return specifiersIn(readFileSync(file, 'utf8'));
}

/** Relative specifiers of static imports, re-exports and string import()s; comment lines are skipped. */
function specifiersIn(source: string): string[] {
  const text = source.replace(/^\s*(\/\/.*|\*.*)$/gm, '');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) found.push(m[2]);
  return found;
}

function resolve(from: string, spec: string): string {
  return path.resolve(path.dirname(from), spec);
}

/** The folder right under src/ ('main.ts' and 'app.ts' count as the process). */
function area(file: string): string {
  const rel = path.relative(src, file);
  if (rel.startsWith('..')) return `outside:${path.relative(repoRoot, file)}`;
  const first = rel.split(path.sep)[0];
  return first.endsWith('.ts') ? 'process' : first;
}

function reachable(entry: string): Map<string, string> {
  const via = new Map<string, string>([[entry, '(entry)']]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const spec of specifiers(file)) {
      const target = resolve(file, spec);
      if (via.has(target) || !/\.(ts|js)$/.test(target) || !existsSync(target)) continue;
      via.set(target, file);
      queue.push(target);
    }
  }
  return via;
}

function chain(via: Map<string, string>, file: string): string {
  const steps: string[] = [];
  for (let f: string | undefined = file; f && f !== '(entry)'; f = via.get(f)) steps.unshift(path.relative(repoRoot, f));
  return steps.join(' → ');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : /\.(ts|js)$/.test(e.name) ? [p] : [];
  });
}

test('nothing glance run loads reaches build-time or tooling code', (t) => {
  const via = reachable(path.join(src, 'main.ts'));
  t.true(via.size > 50, `the walk found only ${via.size} modules: the specifier parser is broken`);
  const bad = [...via.keys()].filter((f) => TOOLING.includes(area(f)) || area(f).startsWith('outside:'));
  t.deepEqual(
    bad.map((f) => chain(via, f)),
    [],
  );
});

test('run-time folders import only from themselves and from folders upstream in the flow', (t) => {
  const problems: string[] = [];
  for (const file of walk(src)) {
    const from = area(file);
    const rank = FLOW.indexOf(from);
    if (rank < 0) continue;
    for (const spec of specifiers(file)) {
      const to = area(resolve(file, spec));
      const toRank = FLOW.indexOf(to);
      if (toRank < 0 || toRank > rank) problems.push(`${path.relative(repoRoot, file)} imports ${spec} (${from} → ${to})`);
    }
  }
  t.deepEqual(problems, []);
});

test('the walk sees what it must: a module importing a tooling folder is caught', (t) => {
  // Guards the guard: the parser must see both static and dynamic imports.
  const sample = "import { a } from '../build/x.ts';\nconst m = await import('../tools/y.ts');\nexport * from './z.ts';\n// import('../cli/no.ts')";
  t.deepEqual(specifiersIn(sample), ['../build/x.ts', '../tools/y.ts', './z.ts']);
  t.is(area(path.join(src, 'build/convert/x.ts')), 'build');
  t.is(area(path.join(src, 'main.ts')), 'process');
});
