/**
 * k-anonymity for breakdowns leaving the store. A cell is one combination of breakdown keys in one
 * time bucket; its "people" are its passers-by. Rule (docs/metrics.md):
 *  1. every cell with fewer than k passers-by is merged into one 'other' cell;
 *  2. if that 'other' cell still has fewer than k, the smallest remaining cells are merged into it
 *     too (secondary suppression), until it reaches k, so subtracting the visible cells from a total
 *     never reveals a small group;
 *  3. if even all cells together have fewer than k, no cell is returned (the breakdown is suppressed;
 *     totals without breakdown are not cells and stay visible).
 */
export const OTHER = 'other';

export interface CountedCell {
  passersBy: number;
  watchers: number;
  dwellS: number;
  attentionS: number;
}

export function applyKAnonymity<T extends CountedCell>(
  cells: readonly T[],
  k: number,
  /** Builds the 'other' cell from the merged sums. */
  makeOther: (sums: CountedCell) => T,
  /** Orders cells of equal size when choosing which to merge, so answers are deterministic. */
  tieBreak: (a: T, b: T) => number = () => 0,
): T[] {
  if (k <= 1) return [...cells];
  const small = cells.filter((c) => c.passersBy < k);
  if (small.length === 0) return [...cells];
  const big = cells.filter((c) => c.passersBy >= k).sort((a, b) => a.passersBy - b.passersBy || tieBreak(a, b));
  const merged = [...small];
  let people = sum(small).passersBy;
  while (people < k && big.length > 0) {
    const next = big.shift()!;
    merged.push(next);
    people += next.passersBy;
  }
  if (people < k) return [];
  const keep = cells.filter((c) => !merged.includes(c));
  return [...keep, makeOther(sum(merged))];
}

function sum(cells: readonly CountedCell[]): CountedCell {
  const out = { passersBy: 0, watchers: 0, dwellS: 0, attentionS: 0 };
  for (const c of cells) {
    out.passersBy += c.passersBy;
    out.watchers += c.watchers;
    out.dwellS += c.dwellS;
    out.attentionS += c.attentionS;
  }
  return out;
}
