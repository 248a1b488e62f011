/**
 * What the disk-fault integration tests share: the FUSE mounts left below a directory, and the checks
 * of a store run under lose-unfsynced, truncate and bit-flip (each fault applied, the layer and the
 * file faults touched files, the store stayed linearizable), whatever environment it ran in.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { RunOutcome } from '../../../harness/ground/contracts/run-contract.js';
import { diskOutcomeLines, type DiskFaultOutcome } from '../../../harness/middle/faults/disk/disk-outcome.js';

/** FUSE mounts (any mount) left below `dir` (none after teardown). */
export const mountsUnder = (dir: string): string[] => fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m?.startsWith(dir));

/** A run of `--disk-faults lose-unfsynced,truncate,bit-flip`: every fault applied and touching files, linearizable; prints the outcome lines. */
export function expectThreeDiskFaultsLanded(out: RunOutcome, label: string): void {
  expect(out.results.error).toBeUndefined();
  const disk = out.results.disk as Record<string, DiskFaultOutcome>;
  console.log(`${label}, disk faults:\n  ${diskOutcomeLines(disk).join('\n  ')}`);
  for (const f of ['lose-unfsynced', 'truncate', 'bit-flip']) expect(disk[f]?.applied, f).toBeGreaterThan(0);
  // The layer dropped what the store had not synced yet; the cut and the flips hit its files.
  expect(disk['lose-unfsynced'].filesTouched).toBeGreaterThan(0);
  expect(disk.truncate.filesTouched + disk['bit-flip'].filesTouched).toBeGreaterThan(0);
  expect(out.results.checkers.linearizable.valid).toBe(true);
}
