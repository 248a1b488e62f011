/** When a fault was in force, by its record (effect.ts inForceAt): one rule for the summary and the report's bands. */
import { describe, expect, it } from 'vitest';
import { inForceAt, type FaultEffect } from '../../../harness/middle/faults/nemesis/effect.js';

const effect = (inForceAfterMs?: number): FaultEffect => ({ took: true, nodes: [], ...(inForceAfterMs === undefined ? {} : { inForceAfterMs }) });

describe('inForceAt', () => {
  it('is the invocation plus inForceAfterMs, in the caller\'s unit', () => {
    expect(inForceAt(effect(250), 1e9, 2e9, 1e6)).toBe(1.25e9);
    expect(inForceAt(effect(250), 1, 2, 1e-3)).toBe(1.25);
  });

  it('never falls past the op\'s completion, and needs no completion to be known', () => {
    expect(inForceAt(effect(5000), 1e9, 2e9, 1e6)).toBe(2e9);
    expect(inForceAt(effect(5000), 1e9, undefined, 1e6)).toBe(6e9);
  });

  it('is undefined when the record does not say (older histories) or the invocation is unknown', () => {
    expect(inForceAt(effect(), 1e9, 2e9, 1e6)).toBeUndefined();
    expect(inForceAt(undefined, 1e9, 2e9, 1e6)).toBeUndefined();
    expect(inForceAt(effect(10), undefined, 2e9, 1e6)).toBeUndefined();
  });
});
