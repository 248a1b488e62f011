/**
 * `faultline run --target maelstrom`: any binary that speaks the Maelstrom protocol, N processes
 * behind the routed network, driven by one of the Maelstrom workloads.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { refuseUntrusted } from '../../harness/middle/hosts/trust.js';
import { InputError } from '../../harness/ground/history/errors.js';
import { flagList, flagValue } from '../../harness/ground/contracts/flags.js';
import type { TargetEntry } from '../../harness/ground/contracts/run-contract.js';
import { WORKLOADS } from '../../harness/middle/workloads/index.js';
import { checkLocalOnly, MAELSTROM_FLAGS, maelstromPlan, workloadOf, workloadOptions } from '../../harness/middle/maelstrom/plan.js';
import { GLOMERS_PRESETS } from '../../harness/middle/maelstrom/presets.js';

/** The node binary as the user named it, checked: it must exist and be executable. */
export function checkBin(bin: string | undefined): string {
  if (bin === undefined || bin.trim() === '') {
    throw new InputError('--target maelstrom needs --bin PATH, the node binary every node runs (e.g. --bin ./my-node)');
  }
  const onPath = !bin.includes('/');
  const candidates = onPath ? (process.env.PATH ?? '').split(':').filter(Boolean).map((d) => nodePath.join(d, bin)) : [nodePath.resolve(bin)];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) {
    throw new InputError(onPath
      ? `--bin ${bin} is not a command on PATH; pass the path of your node binary, e.g. --bin ./${bin}`
      : `--bin ${bin} does not exist (or is not a file); pass the path of your node binary`);
  }
  try {
    fs.accessSync(found, fs.constants.X_OK);
  } catch {
    throw new InputError(`--bin ${bin} is not executable; run chmod +x ${bin} (and give a script a #! line)`);
  }
  // A path the user named is run by whoever runs faultline (often root): it must be no one else's.
  if (!onPath) refuseUntrusted(found, '--bin', 'run');
  return onPath ? bin : found;
}

export const maelstromTarget: TargetEntry = {
  name: 'maelstrom',
  summary: 'any binary speaking the Maelstrom node protocol (JSON lines on stdin/stdout), over a routed network; no root needed',
  workloads: Object.keys(WORKLOADS),
  flags: MAELSTROM_FLAGS,
  presets: GLOMERS_PRESETS,
  preflight(req) {
    checkLocalOnly(req, 'maelstrom');
    checkBin(flagValue(req, 'bin'));
    workloadOf(req);
    workloadOptions(req, []); // reads --keys, --latency, --topology and the request timeout: a bad one is refused here
  },
  plan(req, run, ctx) {
    return maelstromPlan(req, run, ctx, checkBin(flagValue(req, 'bin')), flagList(req, 'arg', { split: false }));
  },
};
