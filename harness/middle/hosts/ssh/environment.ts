/**
 * `--env ssh`: one machine per node, reached over SSH. Provisioning connects to every host first and
 * checks everything a run needs there — the host key, the login, root or passwordless sudo, separate
 * kernels for `--clock-mode system` — before anything is started anywhere, so a refused host leaves
 * nothing running on the others. Then each host gets the run's directory and state file; teardown
 * stops what the run started there, removes its fault chains and files, and closes the connections.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { InputError } from '../../../ground/history/errors.js';
import type { ClockControl } from '../../../ground/contracts/roles.js';
import { choiceOption } from '../../../ground/contracts/flags.js';
import { findHost, typedFlagOf, type Environment, type ProvisionOptions } from '../environment.js';
import { startTime } from '../process-info.js';
import { SshConnection, type ConnectionEvent } from './connection.js';
import { sshSettings, type SshSettings } from './hosts.js';
import { REMOVE_SCRIPT, type HostState } from './host-state.js';
import { commandLine, script } from './shell.js';
import { SshHost } from './ssh-host.js';
import { checkSeparateKernels, SystemClock } from './system-clock.js';
import { coveringSubnet } from './subnet-cover.js';

export const CLOCK_MODES = ['faketime', 'system'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];
/** `--clock-mode`, declared once. */
export const CLOCK_MODE = choiceOption('clock-mode', CLOCK_MODES, '--env ssh: skew clocks with libfaketime, or the hosts\' real clocks (refused when hosts share a kernel)');

const UNTRUSTED_EXIT = 3;

/**
 * Makes the run's directory `$2` (and its `proc/`, and the state file from stdin) once every directory
 * from it up to / is owned by root or the login's uid `$1` and writable by no one else unless sticky
 * (/var/tmp): checked before and after the mkdir, as trust.ts does on this machine. Root builds and runs
 * helpers there and reads PIDs it kills from there (docs/security.md), so a directory another user owns
 * (one who made `/var/tmp/faultline` first) would let them swap those. Exit UNTRUSTED_EXIT with the
 * reason on stderr when one is not.
 */
const RUN_DIR_SCRIPT = `
trusted() {
  p="$2"
  while :; do
    if [ -e "$p" ]; then
      o=$(stat -L -c %u "$p") && m=$(stat -L -c %a "$p") || { echo "$p cannot be read" >&2; return 1; }
      if [ "$o" != 0 ] && [ "$o" != "$1" ]; then echo "$p is owned by uid $o" >&2; return 1; fi
      if [ $((0$m & 022)) -ne 0 ] && [ $((0$m & 01000)) -eq 0 ]; then echo "$p is writable by group or others and not sticky (mode $m)" >&2; return 1; fi
    fi
    [ "$p" = / ] && return 0
    p=$(dirname "$p")
  done
}
trusted "$1" "$2" || exit ${UNTRUSTED_EXIT}
mkdir -p "$2/proc" && chmod 755 "$2" "$(dirname "$2")" || exit 1
trusted "$1" "$2" || exit ${UNTRUSTED_EXIT}
cat > "$2/state.json"
`;

/** What a host said about itself right after login. */
interface HostFacts {
  uid: number;
  bootId: string;
  /** `client-ip client-port server-ip server-port`. */
  sshConnection: string[];
}

const FACTS_SCRIPT = 'echo "uid $(id -u)"; echo "boot $(cat /proc/sys/kernel/random/boot_id)"; echo "conn $SSH_CONNECTION"';

/** The controller's kernel boot id (hosts with the same one share its clock). */
export function localBootId(): string {
  return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

async function facts(conn: SshConnection): Promise<HostFacts> {
  const r = await conn.exec(FACTS_SCRIPT);
  const get = (k: string): string => new RegExp(`^${k} (.*)$`, 'm').exec(r.stdout)?.[1]?.trim() ?? '';
  const uid = Number(get('uid'));
  if (r.code !== 0 || !Number.isInteger(uid) || get('conn') === '') {
    throw new InputError(`host ${conn.label} did not answer like a Linux machine with a POSIX shell (${(r.stderr || r.stdout).trim().slice(0, 120)}); faultline needs sh, id and /proc there`);
  }
  return { uid, bootId: get('boot'), sshConnection: get('conn').split(/\s+/) };
}

export class SshEnvironment implements Environment {
  readonly kind = 'ssh';
  private torn = false;

  constructor(
    readonly runId: string,
    readonly hosts: readonly SshHost[],
    readonly controllerAddress: string,
    readonly subnet: string,
    readonly settings: SshSettings,
    readonly clock: (ClockControl & { restore(log: (m: string) => void): Promise<void> }) | undefined,
  ) {}

  host(node: string): SshHost {
    return findHost(this.hosts, node);
  }

  /** Every drop and reconnect of every host's connection, for results.json. */
  connectionEvents(): ConnectionEvent[] {
    return this.hosts.flatMap((h) => h.conn.events).sort((a, b) => a.atMs - b.atMs);
  }

  /** What the run's results record about the environment. */
  record(): Record<string, unknown> {
    return {
      kind: this.kind,
      hosts: this.hosts.map((h) => ({ node: h.node, host: h.conn.label, address: h.address, runDir: h.runDir })),
      reconnects: this.connectionEvents().filter((e) => e.event === 'reconnected').length,
      connectionEvents: this.connectionEvents(),
    };
  }

  /** Stops what still runs, removes chains, qdisc and the run directory on every host, closes the connections. */
  async teardown(log: (message: string) => void = () => undefined): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    await this.clock?.restore(log);
    await Promise.all(this.hosts.map(async (h) => {
      try {
        const out = await h.execOk(script(REMOVE_SCRIPT, h.runDir, h.netInterface), { timeoutMs: 30_000 });
        const left = out.split('\n').filter((l) => l.startsWith('process '));
        if (left.length > 0) log(`ssh teardown on ${h.node}: stopped what was still running: ${left.join(', ')}`);
      } catch (err) {
        log(`ssh teardown on ${h.node} failed (run faultline cleanup --env ssh with the same hosts): ${(err as Error).message}`);
      } finally {
        h.conn.close();
      }
    }));
  }
}

/** Connects, checks and prepares every host; see the module comment. */
export async function provisionSsh(opts: ProvisionOptions): Promise<SshEnvironment> {
  const log = opts.log ?? ((): void => undefined);
  const flags = opts.flags ?? new Map();
  const settings = sshSettings(flags);
  const clockMode: ClockMode = typedFlagOf(flags, CLOCK_MODE);
  if (settings.hosts.length !== opts.nodes.length) {
    throw new InputError(`--nodes ${opts.nodes.length} does not match the ${settings.hosts.length} host(s) given; pass --nodes ${settings.hosts.length} (or leave --nodes out), or list one host per node`);
  }
  const t0 = performance.now();
  const conns = settings.hosts.map((spec) => new SshConnection(spec, settings, log));
  const closeAll = (): void => conns.forEach((c) => c.close());
  let hosts: SshHost[];
  let controllerAddress: string;
  try {
    // Every host is checked before anything is created on any of them.
    const results = await Promise.allSettled(conns.map(async (c) => {
      await c.connect();
      const f = await facts(c);
      if (f.uid !== 0) {
        const s = await c.exec('sudo -n true');
        if (s.code !== 0) {
          throw new InputError(`host ${c.label}: user ${c.spec.user} is not root and cannot sudo without a password (sudo -n true: ${(s.stderr.trim().split('\n')[0] || `exit ${s.code}`)}); connect as root with --ssh-user root, or give ${c.spec.user} a NOPASSWD sudo rule`);
        }
      }
      return f;
    }));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    for (const e of failed) log(`ssh: ${e.message}`);
    if (failed.length > 0) {
      const first = failed.find((e) => e instanceof InputError) ?? failed[0];
      throw first instanceof InputError ? new InputError(`${first.message}${failed.length > 1 ? ` (${failed.length - 1} more host(s) failed too; see harness.log)` : ''}`) : first;
    }
    const hostFacts = results.map((r) => (r as PromiseFulfilledResult<HostFacts>).value);
    for (const [i, f] of hostFacts.entries()) {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(f.sshConnection[2] ?? '')) {
        throw new InputError(`host ${conns[i].label} was reached over IPv6 (${f.sshConnection[2]}); faultline's network faults use IPv4 iptables, so name the host by its IPv4 address`);
      }
    }
    if (clockMode === 'system') checkSeparateKernels(localBootId(), hostFacts.map((f, i) => ({ label: conns[i].label, bootId: f.bootId })));
    controllerAddress = hostFacts[0].sshConnection[0];
    const runId = randomBytes(3).toString('hex');
    hosts = await Promise.all(hostFacts.map(async (f, i) => {
      const node = opts.nodes[i];
      const sudo = f.uid !== 0;
      const runDir = nodePath.posix.join(settings.remoteDir, runId, node);
      const conn = conns[i];
      const route = await conn.exec(commandLine(['ip', '-o', 'route', 'get', f.sshConnection[0]], sudo));
      const netInterface = /\bdev (\S+)/.exec(route.stdout)?.[1] ?? 'eth0';
      const state: HostState = {
        runId, node, address: f.sshConnection[2], netInterface, createdAt: new Date().toISOString(),
        owner: { hostname: os.hostname(), pid: process.pid, start: startTime(process.pid), bootId: localBootId() },
      };
      // State file first: from here on a crash of the controller is cleanable from the host's side.
      const mk = await conn.exec(commandLine(script(RUN_DIR_SCRIPT, String(f.uid), runDir), sudo), { input: `${JSON.stringify(state, null, 2)}\n` });
      if (mk.code === UNTRUSTED_EXIT) {
        throw new InputError(`host ${conn.label}: ${mk.stderr.trim()}, so another user could swap what root runs and reads in the run directory below it; pick a --ssh-dir that only root${f.uid === 0 ? '' : ` or ${conn.spec.user}`} can write (the default /var/tmp/faultline, made by root)`);
      }
      if (mk.code !== 0) throw new InputError(`cannot create the run directory ${runDir} on host ${conn.label} (${mk.stderr.trim()}); pick a writable place with --ssh-dir`);
      return new SshHost(node, f.sshConnection[2], conn, runDir, netInterface, sudo);
    }));
    const env = new SshEnvironment(runId, hosts, controllerAddress, coveringSubnet(hosts.map((h) => h.address)), settings, clockMode === 'system' ? new SystemClock(hosts) : undefined);
    if (env.clock instanceof SystemClock) {
      try {
        await env.clock.prepare(log);
      } catch (err) {
        // Units already stopped on some hosts are started again, and the run directories go.
        await env.teardown(log);
        throw err;
      }
    }
    log(`provisioned ${hosts.length} ssh hosts for run ${runId} (${hosts.map((h) => `${h.node}=${h.conn.label}`).join(', ')}) in ${(performance.now() - t0).toFixed(0)} ms`);
    return env;
  } catch (err) {
    closeAll();
    throw err;
  }
}
