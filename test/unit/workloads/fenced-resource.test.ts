/** The fenced-lock resource's decisions, and its HTTP service on loopback (a real server, no double). */
import { describe, expect, it } from 'vitest';
import { ResourceService } from '../../../harness/middle/workloads/fenced-resource.js';

describe('the fenced-lock resource', () => {
  it('enforcing, rejects a token below the highest seen and applies the rest in its own order', () => {
    const r = new ResourceService('enforce');
    expect([5, 5, 7, 5, 7, 9].map((t) => r.decide(t))).toEqual([
      { applied: true, seq: 1 }, { applied: true, seq: 2 }, { applied: true, seq: 3 },
      { applied: false, highest: 7 }, { applied: true, seq: 4 }, { applied: true, seq: 5 },
    ]);
    expect([r.applied, r.rejected]).toEqual([5, 1]);
  });

  it('not enforcing, applies every write', () => {
    const r = new ResourceService('off');
    expect([5, 7, 5].map((t) => r.decide(t))).toEqual([{ applied: true, seq: 1 }, { applied: true, seq: 2 }, { applied: true, seq: 3 }]);
  });

  it('answers over HTTP on loopback and stops', async () => {
    const r = new ResourceService('enforce');
    await r.start();
    try {
      expect(await r.write(3, 1000)).toEqual({ applied: true, seq: 1 });
      expect(await r.write(2, 1000)).toEqual({ applied: false, highest: 3 });
    } finally {
      await r.stop();
    }
    await expect(r.write(4, 500)).rejects.toThrow();
  });
});
