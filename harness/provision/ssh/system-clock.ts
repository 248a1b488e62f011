/**
 * `--clock-mode system`: skews a host's own clock (as Jepsen does), which is the only way to skew a
 * Go server such as etcd. It is refused unless every host is a machine of its own — a host whose
 * kernel boot id equals the controller's or another host's shares one clock with it, and moving it
 * would move the controller's (or this whole machine's). NTP units are stopped for the run and
 * started again at the end, after every clock is set back.
 */
import { InputError } from '../../history/errors.js';
import type { ClockControl } from '../../roles.js';
import type { SshHost } from './ssh-host.js';
import { script } from './shell.js';

/** Time daemons that would undo a skew within seconds. */
const NTP_UNITS = ['systemd-timesyncd', 'ntp', 'ntpsec', 'chrony', 'chronyd', 'openntpd'];

/** One sentence refusing system clock mode when two of the machines share a kernel, or undefined. */
export function sharedKernel(controllerBootId: string, hosts: readonly { label: string; bootId: string }[]): string | undefined {
  const same = hosts.find((h) => h.bootId === controllerBootId);
  if (same) return `--clock-mode system refused: host ${same.label} runs on the controller's own kernel (same boot_id ${controllerBootId}), so skewing its clock would skew this machine's; use --clock-mode faketime, or hosts that are machines of their own`;
  for (let i = 0; i < hosts.length; i++) {
    const twin = hosts.slice(i + 1).find((h) => h.bootId === hosts[i].bootId);
    if (twin) return `--clock-mode system refused: hosts ${hosts[i].label} and ${twin.label} share one kernel (boot_id ${twin.bootId}), so skewing one would skew both; use --clock-mode faketime, or hosts that are machines of their own`;
  }
  return undefined;
}

/** Checks the boot ids; throws the refusal as an InputError. */
export function checkSeparateKernels(controllerBootId: string, hosts: readonly { label: string; bootId: string }[]): void {
  const why = sharedKernel(controllerBootId, hosts);
  if (why) throw new InputError(why);
}

/** A ClockControl over the hosts' real clocks; `restore` puts them back and restarts NTP. */
export class SystemClock implements ClockControl {
  private readonly offsets: Record<string, number> = {};
  private readonly stoppedUnits = new Map<string, string[]>();

  constructor(private readonly hosts: readonly SshHost[]) {}

  private host(node: string): SshHost {
    const h = this.hosts.find((x) => x.node === node);
    if (!h) throw new Error(`no host ${node}`);
    return h;
  }

  /** Stops the active NTP units on every host (remembered for `restore`). */
  async prepare(): Promise<void> {
    await Promise.all(this.hosts.map(async (h) => {
      const r = await h.exec(script('for u in "$@"; do systemctl is-active --quiet "$u" 2>/dev/null && systemctl stop "$u" && echo "$u"; done; true', ...NTP_UNITS));
      this.stoppedUnits.set(h.node, r.stdout.split('\n').map((s) => s.trim()).filter(Boolean));
    }));
  }

  async setClockOffset(node: string, offsetMs: number): Promise<void> {
    // The controller's clock is the reference: the host is set to it plus the offset.
    const target = (Date.now() + offsetMs) / 1000;
    await this.host(node).execOk(['date', '-u', '-s', `@${target.toFixed(3)}`]);
    this.offsets[node] = offsetMs;
  }

  clockOffsets(): Record<string, number> {
    return { ...this.offsets };
  }

  /** Every skewed clock back to the controller's time, then NTP started again. Never throws. */
  async restore(log: (m: string) => void): Promise<void> {
    await Promise.all(this.hosts.map(async (h) => {
      try {
        if (this.offsets[h.node]) await this.setClockOffset(h.node, 0);
        const units = this.stoppedUnits.get(h.node) ?? [];
        if (units.length > 0) await h.execOk(['systemctl', 'start', ...units]);
      } catch (err) {
        log(`restoring the clock of ${h.node}: ${(err as Error).message}`);
      }
    }));
  }
}
