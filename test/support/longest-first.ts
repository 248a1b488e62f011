/**
 * The order files start in: within each group (`sequence.groupOrder`), the longest first, by the
 * seconds each took in a full run of the suite (test/durations.json, written by
 * `node scripts/test-times.mjs --write-durations`). Vitest's own order runs a group's projects one
 * after another and, on a fresh clone with no cache, larger files first: the oracle files waited
 * behind the whole local tier, and the store membership files (two minutes each) started last in
 * theirs, so each group ended with one or two workers busy and the rest idle. Longest first keeps
 * every worker busy to the end of the group (the classic LPT schedule). A file the table does not
 * know yet (new) starts first: it may be long, and starting it late could only lengthen the tail.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const TABLE = nodePath.join(import.meta.dirname, '..', 'durations.json');

function readTable(): Record<string, number> {
  try {
    const t = JSON.parse(fs.readFileSync(TABLE, 'utf8')) as { seconds?: Record<string, number> };
    return t.seconds ?? {};
  } catch {
    return {};
  }
}

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const table = readTable();
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => table[nodePath.relative(root, spec.moduleId)] ?? Number.POSITIVE_INFINITY;
    const base = await super.sort(files);
    const rank = new Map(base.map((s, i) => [s, i]));
    return [...base].sort((a, b) => {
      const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (group !== 0) return group;
      const d = seconds(b) - seconds(a);
      if (d !== 0 && !Number.isNaN(d)) return d;
      return rank.get(a)! - rank.get(b)!;
    });
  }
}
