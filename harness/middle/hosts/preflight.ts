/**
 * Checks that this machine can run a target before anything starts: root, and each binary, library
 * or jar the target needs. The first thing missing ends the run with one sentence naming it and the
 * command that installs it. The probe is injected so the logic is unit-tested without changing the
 * machine.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import { run } from './exec.js';
import { FAKETIME_LIB } from './faketime.js';
import type { MachineProbe, Requirement } from '../../ground/contracts/run-contract.js';

export type { MachineProbe, Requirement } from '../../ground/contracts/run-contract.js';

/** The real machine. */
export const realProbe: MachineProbe = {
  isRoot: () => process.getuid?.() === 0,
  hasCommand(bin) {
    if (bin.includes('/')) return isExecutable(bin);
    return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((d) => d !== '' && isExecutable(nodePath.join(d, bin)));
  },
  hasFile: (path) => fs.existsSync(path),
};

function isExecutable(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.X_OK);
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `faultline setup` installs every store target's packages (harness/middle/setup/catalog.ts), in a checkout or an installed copy. */
const SETUP = 'sudo npx faultline setup --target etcd --target zookeeper';

/** A binary from a Debian package. */
export function command(bin: string, pkg: string): Requirement {
  return { what: `${bin} (Debian package ${pkg})`, present: (p) => p.hasCommand(bin), install: `apt-get install -y ${pkg} (or ${SETUP})` };
}

/** A file from a Debian package. */
export function file(path: string, pkg: string): Requirement {
  return { what: `${path} (Debian package ${pkg})`, present: (p) => p.hasFile(path), install: `apt-get install -y ${pkg} (or ${SETUP})` };
}

/** What the latency fault needs (the NFQUEUE delayer is compiled at setup). */
export const DELAY_REQUIREMENTS: readonly Requirement[] = [
  command('gcc', 'gcc'),
  file('/usr/include/libnetfilter_queue/libnetfilter_queue.h', 'libnetfilter-queue-dev'),
];

/** What each fault family needs on the machine beyond its environment and target (on real networks). */
export const FAULT_REQUIREMENTS: Readonly<Record<string, readonly Requirement[]>> = {
  latency: DELAY_REQUIREMENTS,
  bandwidth: [command('tc', 'iproute2')],
  clock: [file(FAKETIME_LIB, 'libfaketime')],
};

/** The requirements of the faults named (each once). */
export function faultRequirements(faults: readonly string[]): Requirement[] {
  return [...new Set(faults)].flatMap((f) => FAULT_REQUIREMENTS[f] ?? []);
}

/** A command's version as `pattern` finds it in its output, for `faultline doctor`. */
export function versionOf(argv: readonly string[], pattern: RegExp): () => Promise<string | undefined> {
  return async () => {
    const r = await run(argv, { timeoutMs: 5_000 }).catch(() => undefined);
    return pattern.exec(`${r?.stdout ?? ''}${r?.stderr ?? ''}`)?.[1];
  };
}

/**
 * Throws an InputError for the first unmet requirement (root first: nothing else matters without it).
 * `needsRoot` is false when the hosts are other machines (`--env ssh`): the controller only connects.
 */
export function checkRequirements(target: string, reqs: readonly Requirement[], probe: MachineProbe = realProbe, needsRoot = true): void {
  if (needsRoot && !probe.isRoot()) {
    throw new InputError(`the ${target} target needs root (network namespaces and iptables); run faultline as root, e.g. with sudo`);
  }
  for (const r of reqs) {
    if (!r.present(probe)) throw new InputError(`the ${target} target needs ${r.what}, which is missing; install it with: ${r.install}`);
  }
}
