import type { TfAttr, TfNode } from './tfjs-reader.ts';

/**
 * Typed access to a TF NodeDef's attributes as tfjs-converter serialises them to JSON
 * (strings base64-encoded, int64 as decimal strings).
 */
export class Attrs {
  constructor(private readonly node: TfNode) {}

  private get(key: string): TfAttr | undefined {
    return this.node.attr?.[key];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  string(key: string, fallback = ''): string {
    const a = this.get(key);
    return a?.s !== undefined ? decodeB64(a.s) : fallback;
  }

  strings(key: string): string[] {
    return (this.get(key)?.list?.s ?? []).map(decodeB64);
  }

  int(key: string, fallback = 0): number {
    const a = this.get(key);
    return a?.i !== undefined ? Number(a.i) : fallback;
  }

  ints(key: string, fallback: number[] = []): number[] {
    const list = this.get(key)?.list?.i;
    return list ? list.map(Number) : fallback;
  }

  float(key: string, fallback = 0): number {
    const a = this.get(key);
    return typeof a?.f === 'number' ? a.f : fallback;
  }

  bool(key: string, fallback = false): boolean {
    const a = this.get(key);
    return typeof a?.b === 'boolean' ? a.b : fallback;
  }

  /** A shape attribute (Placeholder.shape): -1 for unknown dimensions, null for unknown rank. */
  shape(key: string): number[] | null {
    const s = this.get(key)?.shape;
    if (!s || s.unknownRank) return null;
    return (s.dim ?? []).map((d) => Number(d.size ?? -1));
  }
}

function decodeB64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}
