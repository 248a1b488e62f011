/**
 * Which machine set-up script serves what: declared once, here. `faultline setup` picks from this
 * list by target and environment, `faultline setup --all` (what .ci/run calls) runs all of it, and the
 * scripts themselves ship in the npm package (package.json "files") so a user's project runs the same
 * idempotent set-up as Faultline's own CI.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../ground/history/errors.js';

/** One script under scripts/: what it installs and what needs it. */
export interface SetupScript {
  /** File name under the package's scripts/ folder. */
  file: string;
  installs: string;
  /** The `--target` values that need it. */
  targets: readonly string[];
  /** The `--env` values that need it. */
  envs: readonly string[];
  /** Needed by Faultline's own test suite only (its test hosts, its browser tests): run by --all alone. */
  testsOnly?: boolean;
}

/** In the order they run: setup-run first (libfaketime), so later scripts find it present. */
export const SETUP_SCRIPTS: readonly SetupScript[] = [
  { file: 'setup-run.sh', installs: 'libfaketime (clock faults on node processes), fuse3 and libfuse3-dev (the disk faults\' FUSE layer), sudo', targets: ['raft', 'maelstrom', 'custom'], envs: [] },
  {
    file: 'setup-targets.sh',
    installs: 'etcd, ZooKeeper, a JRE, iptables, nftables, iproute2, libfaketime, the NFQUEUE delayer\'s build deps (network namespaces and faults), fuse3 and libfuse3-dev (the disk faults\' FUSE layer under the stores)',
    targets: ['etcd', 'zookeeper', 'consul', 'custom'], envs: [],
  },
  { file: 'setup-consul.sh', installs: 'Consul 1.8.7 from Debian bullseye, as /usr/local/bin/consul', targets: ['consul'], envs: [] },
  { file: 'setup-docker.sh', installs: 'docker.io and debootstrap; starts dockerd when none answers', targets: [], envs: ['docker'] },
  { file: 'setup-ssh.sh', installs: 'OpenSSH\'s server (the --env ssh test hosts)', targets: [], envs: [], testsOnly: true },
  { file: 'setup-vm.sh', installs: 'QEMU, debootstrap, cpio (the VM test host)', targets: [], envs: [], testsOnly: true },
  { file: 'setup-node-langs.sh', installs: 'Go (golang-go), Ruby and Python 3 (the Maelstrom test programs in test/nodes/)', targets: [], envs: [], testsOnly: true },
  { file: 'setup-browser.sh', installs: 'Debian\'s chromium (the report\'s browser tests)', targets: [], envs: [], testsOnly: true },
];

/** What `npm start` runs (the bundled Raft), and so what `faultline setup` without --target prepares. */
export const DEFAULT_SETUP_TARGET = 'raft';

/** Targets that need nothing installed (the in-memory KV lives in the controller): `setup --target` runs no script for them. */
export const NOTHING_TO_INSTALL: readonly string[] = ['memory'];

/** Every --target and --env value the list knows, for the refusal sentence and the unit test. */
export const SETUP_TARGETS: readonly string[] = [...new Set([...SETUP_SCRIPTS.flatMap((s) => s.targets), ...NOTHING_TO_INSTALL])];
export const SETUP_ENVS: readonly string[] = ['local', 'docker', 'ssh'];

/** The scripts a choice of targets and environments needs, in run order; `all` takes every script. */
export function selectScripts(targets: readonly string[], envs: readonly string[], all = false): SetupScript[] {
  if (all) return [...SETUP_SCRIPTS];
  for (const t of targets) {
    if (!SETUP_TARGETS.includes(t)) throw new InputError(`--target ${t} is not a target faultline setup knows; choose ${SETUP_TARGETS.join(', ')}`);
  }
  for (const e of envs) {
    if (!SETUP_ENVS.includes(e)) throw new InputError(`--env ${e} is not an environment faultline setup knows; choose ${SETUP_ENVS.join(', ')}`);
  }
  const wanted = targets.length === 0 ? [DEFAULT_SETUP_TARGET] : targets;
  return SETUP_SCRIPTS.filter((s) => !s.testsOnly && (s.targets.some((t) => wanted.includes(t)) || s.envs.some((e) => envs.includes(e))));
}

/** The one command a user types to install what `target` (and optionally `env`) needs. */
export function setupCommand(target?: string, env?: string): string {
  return ['sudo npx faultline setup', target && `--target ${target}`, env && env !== 'local' && `--env ${env}`].filter(Boolean).join(' ');
}

/**
 * The package's scripts/ folder: three folders up from harness/middle/setup (source, vitest) or four from
 * dist/harness/middle/setup (the build, in a checkout or installed under node_modules/faultline).
 */
export function scriptsDir(): string {
  const here = nodePath.dirname(fileURLToPath(import.meta.url));
  const up = nodePath.basename(nodePath.resolve(here, '../../..')) === 'dist' ? '../../../..' : '../../..';
  const dir = nodePath.resolve(here, up, 'scripts');
  if (!fs.existsSync(nodePath.join(dir, 'lib', 'apt.sh'))) {
    throw new Error(`the set-up scripts are missing from ${dir}; this install of Faultline is incomplete (package.json "files" must list scripts/)`);
  }
  return dir;
}
