import { describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/ground/generator/index.js';

const draw = (seed: number | string, n = 8): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it.each([0, 1, 42, 2 ** 40 + 7, 'run-2024', ''])('is deterministic for seed %j', (seed) => {
    expect(draw(seed)).toEqual(draw(seed));
  });

  it('gives different streams for different seeds, including seeds that differ above bit 32', () => {
    const streams = [0, 1, 2, 2 ** 32, 2 ** 33, 'a', 'b'].map((s) => draw(s).join(','));
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('keeps int and float in range and roughly uniform', () => {
    const rng = createRng(7);
    const counts = [0, 0, 0, 0, 0];
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 10_000; i++) {
      const f = rng.float();
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
      counts[rng.int(5)]++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    for (const c of counts) expect(c).toBeGreaterThan(1800);
  });

  it('forks without advancing the parent, and forks by label independently', () => {
    const a = createRng(3);
    const b = createRng(3);
    const child = a.fork('x');
    expect(a.next()).toBe(b.next());
    expect(a.fork('x').next()).toBe(b.fork('x').next());
    expect(child.next()).not.toBe(createRng(3).fork('y').next());
    const byIndex = Array.from({ length: 20 }, (_, i) => createRng(3).fork(i).next());
    expect(new Set(byIndex).size).toBe(20);
  });

  it.each([0, -1, 1.5, NaN])('rejects int(%j)', (n) => {
    expect(() => createRng(1).int(n)).toThrow(RangeError);
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRng(Infinity)).toThrow(/finite/);
  });
});
