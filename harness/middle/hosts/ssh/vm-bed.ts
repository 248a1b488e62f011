/**
 * A test host with a kernel of its own, for what the namespace test bed (test-bed.ts) cannot show:
 * `--clock-mode system` moving a host's real clock. One QEMU virtual machine booted from the image of
 * vm-image.ts (KVM when the CPU offers it, else TCG software emulation), reached over a tap link of
 * its own (`flvm-<id>`, a free /24 in 10.93.0.0/16: the controller is .1, the guest .2, and the guest
 * has no route beyond it), with a generated host key, a generated user key in root's authorized_keys
 * and a generated known_hosts file naming the guest by address — as the namespace test bed does, so a
 * run reaches it with `--hosts`, `--ssh-key` and `--ssh-known-hosts` like any machine.
 *
 * Everything is recorded in `/run/faultline-vm/<id>.json` before it is created; `stop()` kills the QEMU
 * process it started (by PID), removes the tap and the files, and a later start removes what a killed
 * test left (its owner's PID is gone). Not part of a run's code path: a run sees only `--hosts`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import nodePath from 'node:path';
import type { Client, ClientChannel } from 'ssh2';
import { run, runOk, type ExecResult } from '../exec.js';
import { formatSubnet, freeSubnet, gatewayIp, hostIp, parseSubnet, routedSubnets, type Subnet } from '../local/subnet.js';
import { isSameProcess, startTime, terminate } from '../process-info.js';
import { ensureVmImage, vmImageNeeds, type VmImage } from './vm-image.js';

const QEMU = 'qemu-system-x86_64';
const STATE_DIR = '/run/faultline-vm';
const SUBNET_POOL = '10.93.0.0/16';

export type Accel = 'kvm' | 'tcg';

/** What a bed's start cost, ms. */
export interface VmTimings {
  /** Building the image (0 when it was cached). */
  imageBuildMs: number;
  /** From starting QEMU until sshd answered with its banner. */
  bootToSshMs: number;
  /** From starting QEMU until systemd reported the boot finished (every unit, NTP included, started). */
  bootToReadyMs: number;
}

interface BedState {
  id: string;
  owner: number;
  ownerStart?: number;
  qemuPid?: number;
  qemuStart?: number;
  tap: string;
  /** The tap link's /24, so two beds starting together do not take the same one. */
  subnet?: string;
  dir: string;
}

export interface VmBedOptions {
  log?: (m: string) => void;
  /** Guest memory, MiB. Default 1024 (the root filesystem lives in it). */
  memoryMb?: number;
  /** Longest wait for the guest to finish booting, ms. Default 240 000 (TCG on a busy machine). */
  bootTimeoutMs?: number;
}

/**
 * KVM when /dev/kvm is usable and the CPU shows vmx or svm, else TCG (`FAULTLINE_VM_ACCEL` overrides).
 * A /dev/kvm without either flag is not enough: on such a machine here, KVM guests hung right after
 * the boot loader, forever.
 */
export function vmAccel(): Accel {
  const forced = process.env.FAULTLINE_VM_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return forced;
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    return 'tcg';
  }
  return /^flags\s*:.*\b(vmx|svm)\b/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8')) ? 'kvm' : 'tcg';
}

/** Why the VM test host cannot start here, or undefined. */
export function vmBedMissing(): string | undefined {
  const why = vmImageNeeds();
  const onPath = (bin: string): boolean => (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(nodePath.join(d, bin)));
  if (!onPath(QEMU)) why.push(`${QEMU} (qemu-system-x86)`);
  if (!onPath('ssh-keygen')) why.push('ssh-keygen (openssh-client)');
  if (!fs.existsSync('/dev/net/tun')) why.push('/dev/net/tun');
  return why.length === 0 ? undefined : `needs ${why.join(', ')} (run scripts/setup-vm.sh as root)`;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'faultline-vm-bed', '-f', file], { stdio: 'ignore' });
}

/** The SSH banner of `host:22`, or undefined when nothing answers yet. */
function banner(host: string, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: 22 });
    let got = '';
    const done = (v: string | undefined): void => { s.destroy(); resolve(v); };
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\n')) done(got.split('\n')[0].trim());
    });
    s.once('error', () => done(undefined));
    s.once('close', () => done(got.startsWith('SSH-') ? got.trim() : undefined));
    s.setTimeout(timeoutMs, () => done(undefined));
  });
}

function readStates(): { file: string; state: BedState }[] {
  if (!fs.existsSync(STATE_DIR)) return [];
  return fs.readdirSync(STATE_DIR).filter((f) => f.endsWith('.json')).flatMap((f) => {
    const file = nodePath.join(STATE_DIR, f);
    try {
      return [{ file, state: JSON.parse(fs.readFileSync(file, 'utf8')) as BedState }];
    } catch {
      return [];
    }
  });
}

/** Removes what a bed recorded: its QEMU (only the recorded process), its tap, its files. */
async function removeBed(file: string, s: BedState): Promise<void> {
  if (s.qemuPid !== undefined && isSameProcess(s.qemuPid, s.qemuStart)) await terminate(s.qemuPid, 3_000);
  await run(['ip', 'link', 'del', s.tap]);
  fs.rmSync(s.dir, { recursive: true, force: true });
  fs.rmSync(file, { force: true });
}

/** Removes the beds of tests that died without stopping them (their owner's PID is gone). */
export async function cleanupVmBeds(log: (m: string) => void = () => undefined): Promise<number> {
  let n = 0;
  for (const { file, state } of readStates()) {
    if (isSameProcess(state.owner, state.ownerStart)) continue;
    log(`removing the VM test host ${state.id} a dead test left (QEMU ${state.qemuPid ?? '-'}, ${state.tap})`);
    await removeBed(file, state);
    n++;
  }
  return n;
}

export class VmBed {
  private observer?: Client;
  private stopped = false;

  constructor(
    readonly id: string,
    /** Keys, known_hosts, the boot's initramfs, the console log (0755, root's). */
    readonly dir: string,
    readonly image: VmImage,
    readonly accel: Accel,
    /** The guest's address. */
    readonly address: string,
    /** The controller's address on the tap link. */
    readonly gateway: string,
    readonly tap: string,
    readonly timings: VmTimings,
    private readonly qemu: ChildProcess,
    private readonly stateFile: string,
    private readonly hostKeyBlob: Buffer,
  ) {}

  get keyFile(): string { return nodePath.join(this.dir, 'id_ed25519'); }
  get knownHostsFile(): string { return nodePath.join(this.dir, 'known_hosts'); }
  get addresses(): string[] { return [this.address]; }
  get qemuPid(): number { return this.qemu.pid!; }
  get consoleLog(): string { return nodePath.join(this.dir, 'console.log'); }

  /** The flags of a run against this host (as a user would type them). */
  flags(extra: Record<string, string | true> = {}): Map<string, string | true> {
    return new Map<string, string | true>(Object.entries({
      env: 'ssh', hosts: this.address, 'ssh-key': this.keyFile, 'ssh-known-hosts': this.knownHostsFile, ...extra,
    }));
  }

  /** The bed's own connection (not a run's): for observing the guest from the tests. */
  private async client(): Promise<Client> {
    if (this.observer) return this.observer;
    this.observer = await login(this.address, fs.readFileSync(this.keyFile), this.hostKeyBlob);
    this.observer.on('close', () => { this.observer = undefined; });
    return this.observer;
  }

  /** Runs a shell command on the guest as root. */
  async exec(command: string, timeoutMs = 60_000): Promise<ExecResult> {
    const c = await this.client();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`\`${command}\` on the VM took over ${timeoutMs} ms`)), timeoutMs);
      c.exec(command, (err, stream: ClientChannel) => {
        if (err) { clearTimeout(timer); reject(err); return; }
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => { stdout += d.toString(); });
        stream.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        stream.on('close', (code: number | null) => { clearTimeout(timer); resolve({ code: code ?? 255, stdout, stderr }); });
      });
    });
  }

  /**
   * A clock probe: a shell on the guest that answers each line sent with its realtime clock
   * (`$EPOCHREALTIME`, no fork), so a reading costs one round trip on an open channel. `read()`
   * resolves with the guest's clock minus the controller's at the midpoint of the round trip, and the
   * round trip: the true offset lies within ±rtt/2 of it. Take the reading with the smallest round trip.
   */
  async clockProbe(): Promise<{ read(samples?: number): Promise<{ offsetMs: number; rttMs: number; at: number }>; close(): void }> {
    const c = await this.client();
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      c.exec('exec bash -c \'while read -r _; do echo "$EPOCHREALTIME"; done\'', (err, s) => (err ? reject(err) : resolve(s)));
    });
    let buf = '';
    const waiting: ((line: string) => void)[] = [];
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        waiting.shift()?.(line);
      }
    });
    const once = async (): Promise<{ offsetMs: number; rttMs: number; at: number }> => {
      const t0 = Date.now();
      const p0 = performance.now();
      const line = await new Promise<string>((resolve) => { waiting.push(resolve); stream.write('\n'); });
      const rttMs = performance.now() - p0;
      const guestMs = Number(line.trim().replace(',', '.')) * 1000;
      return { offsetMs: guestMs - (t0 + rttMs / 2), rttMs, at: t0 + rttMs / 2 };
    };
    return {
      async read(samples = 5) {
        let best = await once();
        for (let i = 1; i < samples; i++) {
          const r = await once();
          if (r.rttMs < best.rttMs) best = r;
        }
        return best;
      },
      close: () => { stream.end(); stream.close(); },
    };
  }

  /** What runs left on the guest: files under the ssh dir, etcd processes, fault chains. */
  async leftovers(remoteDir = '/var/tmp/faultline'): Promise<string[]> {
    const r = await this.exec(`ls -A ${remoteDir} 2>/dev/null | sed 's/^/file /'; pgrep -a -x etcd | sed 's/^/process /'; iptables -w -S 2>/dev/null | grep FL- | sed 's/^/iptables /'; true`);
    return r.stdout.split('\n').filter(Boolean);
  }

  /** The last lines of the guest's console. */
  consoleTail(chars = 1_500): string {
    try {
      return fs.readFileSync(this.consoleLog, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  /** Kills the QEMU process this bed started (by PID), removes the tap and the files. Never throws. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // destroy, not end: the guest is about to vanish and would never answer a polite goodbye.
    try { this.observer?.destroy(); } catch { /* closing anyway */ }
    try {
      const s = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as BedState;
      await removeBed(this.stateFile, s);
    } catch {
      // Removed already (a cleanup of another test), or half: the QEMU PID is ours in any case.
      if (this.qemu.exitCode === null) await terminate(this.qemu.pid!, 3_000);
      await run(['ip', 'link', 'del', this.tap]);
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

async function login(host: string, privateKey: Buffer, hostKey: Buffer): Promise<Client> {
  const { Client: SshClient } = await import('ssh2');
  return new Promise((resolve, reject) => {
    const c = new SshClient();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ host, port: 22, username: 'root', privateKey, readyTimeout: 30_000, keepaliveInterval: 5_000, hostVerifier: (key: Buffer) => key.equals(hostKey) });
  });
}

/** A newc cpio archive of `files` (paths relative to `root`), as the kernel appends it to the initramfs. */
async function cpio(root: string, files: readonly string[], out: string): Promise<void> {
  await runOk(['sh', '-c', 'cd "$1" && shift 2 && printf "%s\\n" "$@" | cpio -o -H newc -R 0:0 --quiet > "$0"', out, root, '--', ...files]);
}

/** The first /24 of the pool that is neither routed on this machine nor held by a live bed. */
async function freeLink(): Promise<Subnet> {
  const routes = await runOk(['ip', '-4', 'route', 'show', 'table', 'all']);
  const held = readStates().filter(({ state }) => state.subnet && isSameProcess(state.owner, state.ownerStart)).map(({ state }) => parseSubnet(state.subnet!));
  const free = freeSubnet([...routedSubnets(routes), ...held], SUBNET_POOL);
  if (!free) throw new Error(`no free /24 is left in ${SUBNET_POOL} for the VM's link`);
  return free;
}

/** Builds (or reuses) the image, boots one VM host and waits until its boot has finished. */
export async function startVmBed(opts: VmBedOptions = {}): Promise<VmBed> {
  const log = opts.log ?? ((): void => undefined);
  const missing = vmBedMissing();
  if (missing) throw new Error(`the VM test host ${missing}`);
  await cleanupVmBeds(log);
  const { image, builtMs } = await ensureVmImage(log);

  const id = randomBytes(3).toString('hex');
  const tap = `flvm-${id}`;
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-vmbed-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(STATE_DIR, { recursive: true, mode: 0o755 });
  const stateFile = nodePath.join(STATE_DIR, `${id}.json`);
  const state: BedState = { id, owner: process.pid, ownerStart: startTime(process.pid), tap, dir };
  const save = (): void => fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  save(); // Before anything is created: a killed test is cleanable from here on.

  let qemu: ChildProcess | undefined;
  try {
    const link = await freeLink();
    state.subnet = formatSubnet(link);
    save();
    const gateway = gatewayIp(link);
    const address = hostIp(link, 0);
    await runOk(['ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await runOk(['ip', 'addr', 'add', `${gateway}/24`, 'dev', tap]);
    await runOk(['ip', 'link', 'set', tap, 'up']);

    // The boot's own files: keys, known_hosts, the address; appended to the image's root filesystem.
    const ov = nodePath.join(dir, 'overlay');
    fs.mkdirSync(nodePath.join(ov, 'etc', 'ssh'), { recursive: true });
    fs.mkdirSync(nodePath.join(ov, 'etc', 'systemd', 'network'), { recursive: true });
    fs.mkdirSync(nodePath.join(ov, 'root', '.ssh'), { recursive: true });
    const bedKey = nodePath.join(dir, 'id_ed25519');
    keygen(bedKey);
    const hostKey = nodePath.join(ov, 'etc', 'ssh', 'ssh_host_ed25519_key');
    keygen(hostKey);
    fs.copyFileSync(`${bedKey}.pub`, nodePath.join(ov, 'root', '.ssh', 'authorized_keys'));
    fs.chmodSync(nodePath.join(ov, 'root', '.ssh', 'authorized_keys'), 0o600);
    fs.writeFileSync(nodePath.join(ov, 'etc', 'systemd', 'network', '10-faultline.network'), `[Match]\nName=eth0\n\n[Network]\nAddress=${address}/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n`);
    const [type, blob] = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
    fs.writeFileSync(nodePath.join(dir, 'known_hosts'), `${address} ${type} ${blob}\n`);
    const overlayCpio = nodePath.join(dir, 'overlay.cpio');
    await cpio(ov, ['root/.ssh/authorized_keys', 'etc/ssh/ssh_host_ed25519_key', 'etc/ssh/ssh_host_ed25519_key.pub', 'etc/systemd/network/10-faultline.network'], overlayCpio);
    const initrd = nodePath.join(dir, 'initrd.img');
    fs.copyFileSync(image.rootfs, initrd);
    fs.appendFileSync(initrd, fs.readFileSync(overlayCpio));
    fs.rmSync(ov, { recursive: true, force: true });
    fs.rmSync(overlayCpio);

    const boot = async (accel: Accel): Promise<{ qemu: ChildProcess; timings: Omit<VmTimings, 'imageBuildMs'> }> => {
      const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g)!.join(':')}`;
      const args = [
        '-accel', accel, '-machine', 'pc', '-cpu', accel === 'kvm' ? 'host' : 'max', '-smp', '1', '-m', String(opts.memoryMb ?? 1024),
        '-nodefaults', '-display', 'none', '-monitor', 'none', '-no-reboot', '-serial', `file:${nodePath.join(dir, 'console.log')}`,
        '-kernel', image.kernel, '-initrd', initrd,
        '-append', 'console=ttyS0 rdinit=/sbin/init net.ifnames=0 panic=-1 quiet systemd.show_status=false',
        '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
        '-device', 'virtio-rng-pci',
      ];
      const qlog = fs.openSync(nodePath.join(dir, 'qemu.log'), 'a');
      const child = spawn(QEMU, args, { stdio: ['ignore', qlog, qlog] });
      fs.closeSync(qlog);
      await new Promise<void>((resolve, reject) => { child.once('spawn', resolve); child.once('error', reject); });
      state.qemuPid = child.pid;
      state.qemuStart = startTime(child.pid!);
      save();
      const t0 = performance.now();
      const deadline = t0 + (opts.bootTimeoutMs ?? 240_000);
      let exited = false;
      child.once('exit', () => { exited = true; });
      const failed = (why: string): Error => new Error(`the VM (${accel}) ${why}; qemu: ${fs.readFileSync(nodePath.join(dir, 'qemu.log'), 'utf8').trim().slice(-300)}; console: …${fs.existsSync(nodePath.join(dir, 'console.log')) ? fs.readFileSync(nodePath.join(dir, 'console.log'), 'utf8').slice(-800) : ''}`);
      for (;;) {
        if (exited) throw failed('exited while booting');
        if (performance.now() > deadline) throw failed(`had no sshd within ${(opts.bootTimeoutMs ?? 240_000) / 1000} s`);
        if ((await banner(address))?.startsWith('SSH-')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const bootToSshMs = performance.now() - t0;
      // Logged in, wait for systemd to finish the boot: every unit (NTP's too) has started then.
      const c = await login(address, fs.readFileSync(bedKey), Buffer.from(blob, 'base64'));
      try {
        const out = await new Promise<string>((resolve, reject) => {
          c.exec('systemctl is-system-running --wait', (err, s) => {
            if (err) { reject(err); return; }
            let o = '';
            s.on('data', (d: Buffer) => { o += d.toString(); });
            s.on('close', () => resolve(o.trim()));
          });
        });
        if (!/^(running|degraded)$/.test(out)) throw failed(`finished booting as "${out}"`);
      } finally {
        c.end();
      }
      return { qemu: child, timings: { bootToSshMs, bootToReadyMs: performance.now() - t0 } };
    };

    let accel = vmAccel();
    let booted: Awaited<ReturnType<typeof boot>>;
    try {
      booted = await boot(accel);
    } catch (err) {
      if (accel !== 'kvm') throw err;
      // A /dev/kvm that cannot run guests: software emulation instead.
      log(`KVM did not boot the VM (${(err as Error).message.slice(0, 200)}); falling back to TCG`);
      if (state.qemuPid !== undefined) await terminate(state.qemuPid, 2_000);
      accel = 'tcg';
      booted = await boot(accel);
    }
    qemu = booted.qemu;
    const bed = new VmBed(id, dir, image, accel, address, gateway, tap, { imageBuildMs: builtMs, ...booted.timings }, qemu, stateFile, Buffer.from(blob, 'base64'));
    log(`VM test host ${address} (${accel}, image ${image.hash}) up: sshd after ${(booted.timings.bootToSshMs / 1000).toFixed(1)} s, booted after ${(booted.timings.bootToReadyMs / 1000).toFixed(1)} s`);
    return bed;
  } catch (err) {
    await removeBed(stateFile, state).catch(() => undefined);
    throw err;
  }
}
