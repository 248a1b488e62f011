/**
 * The `ssh` environment: one machine per node, reached with ssh2 (`--hosts`, `--hosts-file`, the
 * `--ssh-*` flags). Its hosts, its flags (every store target accepts them), cleanup of runs a dead
 * controller left on the hosts, and what the controller needs (nothing but Node: no root, no ssh
 * client — the hosts need sshd, iptables, and the target's binaries, checked at setup).
 */
import type { EnvironmentKind } from '../environment.js';
import { cleanupSsh } from './cleanup.js';
import { CLOCK_MODE, provisionSsh } from './environment.js';
import { SSH_PORT, sshSettings } from './hosts.js';

export const sshEnvironment: EnvironmentKind = {
  name: 'ssh',
  summary: 'machines of your own over SSH (--hosts or --hosts-file; root or passwordless sudo there)',
  remote: true,
  requirements: () => [],
  flags: [
    { name: 'hosts', kind: 'value', help: '--env ssh: the hosts, one per node: [user@]host[:port],… (node i runs on host i)' },
    { name: 'hosts-file', kind: 'value', help: '--env ssh: a file with one [user@]host[:port] a line (# comments)' },
    { name: 'ssh-user', kind: 'value', help: '--env ssh: login user where a host names none (default root; others need passwordless sudo)' },
    { name: 'ssh-key', kind: 'value', help: '--env ssh: private key file (default: the agent in SSH_AUTH_SOCK, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa; passphrase from FAULTLINE_SSH_PASSPHRASE)' },
    SSH_PORT,
    { name: 'ssh-known-hosts', kind: 'value', help: '--env ssh: known_hosts file the host keys are checked against (default ~/.ssh/known_hosts)' },
    { name: 'ssh-accept-new-host-keys', kind: 'bool', help: '--env ssh: trust and record keys of hosts missing from known_hosts (a changed key is still refused)' },
    { name: 'ssh-dir', kind: 'value', help: '--env ssh: where each host keeps the run\'s files, <dir>/<run id>/<node> (default /var/tmp/faultline)' },
    CLOCK_MODE,
    { name: 'install', kind: 'bool', help: '--env ssh: install missing server packages on the hosts with apt-get' },
  ],
  defaultNodeCount: (flags) => (flags.has('hosts') || flags.has('hosts-file') ? sshSettings(flags).hosts.length : undefined),
  provision: (opts) => provisionSsh(opts),
  cleanup: (opts) => cleanupSsh(opts),
};

export { SshEnvironment, provisionSsh, localBootId, CLOCK_MODES, CLOCK_MODE } from './environment.js';
export type { ClockMode } from './environment.js';
export { SshHost } from './ssh-host.js';
export { SshConnection, PASSPHRASE_VAR } from './connection.js';
export type { ConnectionEvent } from './connection.js';
export { sshSettings, parseHostSpec, hostsFileLines, SSH_PORT } from './hosts.js';
export type { HostSpec, SshSettings } from './hosts.js';
