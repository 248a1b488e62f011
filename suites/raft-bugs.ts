/**
 * The bundled Raft's bug rows (targets/raft/bug-rows.ts, shared with `npm run bench:bugs`) as matrix
 * scenarios: each switch must stay invalid, the correct Raft under the same faults must stay valid.
 */
import type { OptionValue, RunSettings, Scenario } from '../harness/top/config/define.js';
import { RUN_KEYS } from '../harness/top/config/schema.js';
import { BUG_ROWS, type BugRow } from '../targets/raft/bug-rows.js';

const NUMBER_KEYS: readonly (keyof RunSettings)[] = ['nodes', 'rate', 'concurrency', 'seed'];
const LIST_KEYS: readonly (keyof RunSettings)[] = ['faults', 'partitionShapes', 'nodeTargets'];

/** A row's extra flags as settings: common flags under their config keys, the rest as the target's options. */
export function extraSettings(extra: readonly string[] = []): RunSettings {
  const out: Record<string, unknown> = {};
  const options: Record<string, OptionValue> = {};
  for (let i = 0; i < extra.length; i += 2) {
    const flag = extra[i].replace(/^--/, '');
    const value = extra[i + 1];
    const key = (Object.keys(RUN_KEYS) as (keyof RunSettings)[]).find((k) => RUN_KEYS[k].flag === flag);
    if (key === undefined) options[flag] = value;
    else out[key] = NUMBER_KEYS.includes(key) ? Number(value) : LIST_KEYS.includes(key) ? value.split(',') : value;
  }
  return { ...out, ...(Object.keys(options).length > 0 ? { options } : {}) };
}

/** One row as a scenario of `timeLimit` seconds on `seed`, named `raft-<row>`. */
export function bugScenario(row: BugRow, timeLimit: number, seed: number, fast = false): Scenario {
  const extra = extraSettings(row.extra);
  return {
    name: `raft-${row.name ?? row.bug}`,
    expect: row.bug === 'correct' ? 'valid' : 'invalid',
    why: row.why,
    fast,
    target: 'raft', workload: 'lin-kv', nodes: 5, timeLimit, seed,
    faults: row.nemesis.split(','), faultInterval: row.interval ?? '5s',
    ...extra,
    options: { ...extra.options, ...(row.bug === 'correct' ? {} : { bug: row.bug }) },
  };
}

/** The row named `name` (its switch, or its own name where two rows share one). */
export function bugRow(name: string): BugRow {
  const row = BUG_ROWS.find((r) => (r.name ?? r.bug) === name);
  if (!row) throw new Error(`no Raft bug row ${name} in targets/raft/bug-rows.ts`);
  return row;
}

export { BUG_ROWS };
