import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../core/errors.ts';
import { IMAGE_EXTENSIONS } from '../media/image-file.ts';

// Readers for the evaluation layouts (FER2013 class folders, label CSVs), with errors that name the file and line.

export function requireDir(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(`${what} ${dir}: no such folder`);
}

/** `DIR/<class>/*.jpg` → (file, class) pairs, classes in folder order. */
export function classFolders(dir: string): { classes: string[]; items: Array<{ file: string; label: string }> } {
  requireDir(dir, '--data');
  const classes = readdirSync(dir)
    .filter((d) => statSync(path.join(dir, d)).isDirectory())
    .sort();
  if (classes.length === 0) throw new DataError(`--data ${dir}: expected one folder per class (FER2013 layout), found none`);
  const items: Array<{ file: string; label: string }> = [];
  for (const c of classes) {
    for (const f of readdirSync(path.join(dir, c)).sort()) if (IMAGE_EXTENSIONS.test(f)) items.push({ file: path.join(dir, c, f), label: c });
  }
  if (items.length === 0) throw new DataError(`--data ${dir}: the class folders hold no images`);
  return { classes, items };
}

/** A small CSV reader (no quoted commas in these label files) returning objects keyed by the header. */
export function readCsv(file: string, required: string[]): Array<Record<string, string> & { _line: string }> {
  if (!existsSync(file)) throw new DataError(`${file}: no such file`);
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new DataError(`${file}: empty CSV`);
  const head = lines[0].split(',').map((h) => h.trim());
  for (const r of required) if (!head.includes(r)) throw new DataError(`${file}: missing column "${r}" (has ${head.join(', ')})`);
  return lines.slice(1).map((l, i) => {
    const cells = l.split(',');
    const row = { _line: String(i + 2) } as Record<string, string> & { _line: string };
    head.forEach((h, c) => (row[h] = (cells[c] ?? '').trim()));
    return row;
  });
}
