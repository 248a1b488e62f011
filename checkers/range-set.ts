/**
 * Sets of integers as sorted, disjoint, non-adjacent closed ranges: the values a counter may read,
 * given which adds surely happened and which may have. Adding an indeterminate delta `d` turns a set
 * S into S ∪ (S + d), as Maelstrom's pn-counter checker does with Guava's TreeRangeSet.
 */

/** A closed integer range `[lo, hi]`. */
export type IntRange = readonly [number, number];

/** Ranges beyond this collapse into their hull: a superset, so a check stays sound, only weaker. */
export const MAX_RANGES = 1024;

export class RangeSet {
  private constructor(
    readonly ranges: readonly IntRange[],
    /** True once the set was widened to its hull to stay small. */
    readonly approximate: boolean,
  ) {}

  /** The set holding only `n`. */
  static of(n: number): RangeSet {
    return new RangeSet([[n, n]], false);
  }

  /** This set, plus every value shifted by `delta` (an add that may or may not have happened). */
  maybeAdd(delta: number): RangeSet {
    if (delta === 0) return this;
    const all = [...this.ranges, ...this.ranges.map(([lo, hi]): IntRange => [lo + delta, hi + delta])];
    all.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [lo, hi] of all) {
      const last = merged[merged.length - 1];
      if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else merged.push([lo, hi]);
    }
    if (merged.length > MAX_RANGES) return new RangeSet([[merged[0][0], merged[merged.length - 1][1]]], true);
    return new RangeSet(merged, this.approximate);
  }

  /** This set with every value shifted by `delta` (an add that surely happened). */
  add(delta: number): RangeSet {
    return new RangeSet(this.ranges.map(([lo, hi]): IntRange => [lo + delta, hi + delta]), this.approximate);
  }

  has(n: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (n < a) hi = mid - 1;
      else if (n > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The smallest range holding the whole set. */
  hull(): IntRange {
    return [this.ranges[0][0], this.ranges[this.ranges.length - 1][1]];
  }

  /** Plain ranges for a result, at most `max` of them. */
  toJSON(max = Infinity): [number, number][] {
    return this.ranges.slice(0, max).map(([lo, hi]) => [lo, hi]);
  }
}
