/**
 * Which faults a run injects and at what interval, and the sentence saying why. A fault-injection tool
 * injects faults by default: the store targets, `custom` and the bundled raft get their standard
 * package without `--nemesis`; maelstrom keeps Maelstrom's default (no faults), since Maelstrom judges
 * its workloads that way. `--nemesis none` is the explicit way to run without faults.
 */
import { DEFAULT_INTERVAL_NS } from '../../middle/faults/nemesis/build.js';
import { parseFaultNames } from '../../middle/faults/nemesis/build.js';
import { checkScheduleFits, defaultIntervalS } from './fault-coverage.js';
import { InputError } from '../../ground/history/errors.js';

/** Targets whose runs inject the standard package when `--nemesis` is not given. */
export const STANDARD_BY_DEFAULT: readonly string[] = ['etcd', 'zookeeper', 'consul', 'custom', 'raft'];

/** A run's faults as chosen. */
export interface FaultChoice {
  /** `[]` for none; `['standard']` for the target's standard package. */
  faults: string[];
  faultIntervalS: number;
  /** The header's words: `partition,kill (--nemesis)`, `standard: … (the raft target's standard package; …)`. */
  says: string;
}

/**
 * The faults of a run on `target` from `--nemesis` (undefined when not given) and `--nemesis-interval`
 * in seconds (undefined when not given). A given interval in which no fault can start is refused
 * (InputError); a default one is chosen to fit the time limit.
 */
export function chooseFaults(target: string, nemesis: string | undefined, timeLimitS: number, intervalS: number | undefined): FaultChoice {
  const byDefault = nemesis === undefined;
  if (!byDefault && target === 'maelstrom' && parseFaultNames([nemesis]).includes('auto')) {
    throw new InputError('--nemesis auto is not offered for --target maelstrom, which keeps Maelstrom\'s own fault schedule; name the faults (e.g. --nemesis partition) instead');
  }
  const names = byDefault ? (STANDARD_BY_DEFAULT.includes(target) ? ['standard'] : []) : parseFaultNames([nemesis]).filter((f) => f !== 'none');
  const faultIntervalS = intervalS ?? (names.length > 0 ? defaultIntervalS(timeLimitS) : DEFAULT_INTERVAL_NS / 1e9);
  checkScheduleFits(names, timeLimitS, faultIntervalS);
  let says: string;
  if (names.length === 0) says = byDefault ? `none (the ${target} target's default; --nemesis standard for faults)` : 'none (--nemesis none)';
  else if (byDefault) says = `partition,kill,pause,clock where supported (the ${target} target's standard package; --nemesis none for none)`;
  else says = `${names.join(',').replace('standard', 'standard (partition,kill,pause,clock where supported)').replace('auto', 'auto (adaptive: partition,kill,pause,clock where supported, chosen as it learns)')} (--nemesis)`;
  if (names.length > 0) says += `, every ${faultIntervalS} s${intervalS === undefined ? ' (fits the time limit)' : ''}`;
  return { faults: names, faultIntervalS, says };
}
