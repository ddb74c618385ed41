/**
 * @module report/select
 * Picks which events a bounded view shows: the witnesses of a violation and what led up to
 * them, then a little of what followed; with no witness, the end of the run.
 */

/** A kept item and how many items were skipped right before it. */
export interface Kept<T> {
  item: T;
  /** Items left out between the previous kept item (or the start) and this one. */
  skippedBefore: number;
}

export interface Selection<T> {
  kept: Kept<T>[];
  /** Items left out after the last kept one. */
  skippedAfter: number;
  total: number;
}

/** Context after a witness costs this much more than context before it. */
const AFTER_WEIGHT = 3;

/** Distance of each index to its nearest witness (weighted), or to the end when there is none. */
function distances(seqs: readonly number[], witnesses: ReadonlySet<number>): number[] {
  const count = seqs.length;
  // No witness at all: the end of the run matters most.
  if (!seqs.some((seq) => witnesses.has(seq))) return seqs.map((_, index) => count - 1 - index);
  const distance = new Array<number>(count).fill(Number.POSITIVE_INFINITY);
  let next = Number.POSITIVE_INFINITY;
  for (let index = count - 1; index >= 0; index -= 1) {
    if (witnesses.has(seqs[index]!)) next = index;
    distance[index] = next - index;
  }
  let previous = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index += 1) {
    if (witnesses.has(seqs[index]!)) previous = index;
    distance[index] = Math.min(distance[index]!, (index - previous) * AFTER_WEIGHT);
  }
  return distance;
}

/**
 * Keeps at most `max` items (in their order): witnesses first, then the nearest items,
 * preferring what came before a witness and, on ties, later items.
 */
export function selectAround<T extends { seq: number }>(
  items: readonly T[],
  witnesses: ReadonlySet<number>,
  max: number,
): Selection<T> {
  if (!Number.isInteger(max) || max < 1)
    throw new Error(`[syncstorm] selectAround: max must be a positive integer, got ${max}`);
  const seqs = items.map((item) => item.seq);
  let chosen: number[];
  if (items.length <= max) {
    chosen = items.map((_, index) => index);
  } else {
    const distance = distances(seqs, witnesses);
    chosen = items
      .map((_, index) => index)
      .sort((a, b) => distance[a]! - distance[b]! || b - a)
      .slice(0, max)
      .sort((a, b) => a - b);
  }
  const kept: Kept<T>[] = [];
  let previous = -1;
  for (const index of chosen) {
    kept.push({ item: items[index]!, skippedBefore: index - previous - 1 });
    previous = index;
  }
  return { kept, skippedAfter: items.length - previous - 1, total: items.length };
}
