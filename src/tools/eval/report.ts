import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where evaluation reports go: JSON for machines, Markdown for people, both in one folder. */
export function writeReport(outDir: string, name: string, json: unknown, markdown: string): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const jsonPath = path.join(outDir, `${name}.json`);
  const mdPath = path.join(outDir, `${name}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(mdPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return { json: jsonPath, md: mdPath };
}

/** A Markdown table (also readable as plain text in a terminal). */
export function mdTable(head: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, c) => Math.max(h.length, 3, ...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return `${[line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n')}\n`;
}

export function pct(v: number, digits = 2): string {
  return `${(v * 100).toFixed(digits)}%`;
}

/** Runs an async worker over items with a progress line on stderr every `every` items. */
export function progress(label: string, total: number, every = 200): (done: number) => void {
  const t0 = Date.now();
  return (done: number) => {
    if (done % every === 0 || done === total) {
      const s = (Date.now() - t0) / 1000;
      process.stderr.write(`\r${label}: ${done}/${total} (${s.toFixed(0)} s)${done === total ? '\n' : ''}`);
    }
  };
}
