/**
 * `--clock-mode system`: skews a host's own clock (as Jepsen does), which is the only way to skew a
 * Go server such as etcd. It is refused unless every host is a machine of its own — a host whose
 * kernel boot id equals the controller's or another host's shares one clock with it, and moving it
 * would move the controller's (or this whole machine's).
 *
 * An offset is relative to the host's own clock as the run found it (true time, on a host NTP keeps
 * in sync), and is applied on the host as a step relative to its clock, never as an absolute time sent
 * from the controller (that would be off by the command's latency, which under a strobe of a few ms is
 * larger than the strobe itself). The step is the kernel's own: adjtimex(ADJ_SETOFFSET), which adds
 * the offset atomically, called through perl (Debian's perl-base is essential, so every Debian and
 * Ubuntu host has it) on x86_64 and aarch64. Elsewhere GNU `date -s '±S.mmm seconds'` steps instead;
 * it reads the clock and sets it in one process, so each step loses only the time date takes between
 * the two (measured: ~30 ms a step under software emulation). The offset in force is kept in a file in the
 * run's directory on the host: a change is applied as the difference from it, so a command that is
 * sent again after a dropped connection does not step twice, and `faultline cleanup --env ssh` can put
 * the clock back after a controller died mid-run. NTP units are stopped for the run (recorded in the
 * same directory) and started again at the end, after the clock is stepped back.
 */
import { InputError } from '../../../ground/history/errors.js';
import type { ClockControl } from '../../../ground/contracts/roles.js';
import type { SshHost } from './ssh-host.js';
import { script } from './shell.js';

/** Time daemons that would undo a skew within seconds (systemd units). */
export const NTP_UNITS = ['systemd-timesyncd', 'ntp', 'ntpsec', 'chrony', 'chronyd', 'openntpd'];

/** The same daemons by process name (`comm`, at most 15 characters), found when no unit stopped them. */
const NTP_PROCESSES = ['systemd-timesyn', 'ntpd', 'ntpsec', 'chronyd', 'openntpd'];

/** In the run's directory on a host: the offset in force (ms) and the NTP units the run stopped. */
export const OFFSET_FILE = 'clock-offset';
export const NTP_FILE = 'clock-ntp';

/**
 * Stops the active NTP units, recording each before it is stopped, then prints `stopped UNIT` per unit
 * and `running NAME` per time daemon still running. Starts the offset file at 0.
 * Args: run dir, process names joined by spaces, units…
 */
export const CLOCK_PREPARE_SCRIPT = `
d="$1"; names="$2"; shift 2
echo 0 > "$d/${OFFSET_FILE}" || exit 1
: > "$d/${NTP_FILE}"
if command -v systemctl >/dev/null 2>&1; then
  for u in "$@"; do
    case "$(systemctl is-active "$u" 2>/dev/null)" in
      active|activating|reloading)
        echo "$u" >> "$d/${NTP_FILE}"
        systemctl stop "$u" || exit 1
        echo "stopped $u";;
    esac
  done
fi
for c in /proc/[0-9]*/comm; do
  n=$(cat "$c" 2>/dev/null) || continue
  for w in $names; do [ "$n" = "$w" ] && echo "running $n"; done
done
true
`;

/**
 * \`step MS\`: moves the clock by MS ms (either sign). adjtimex(2) with ADJ_SETOFFSET|ADJ_NANO (modes
 * 0x2100) and the offset as a normalised timeval at byte 72 of the 208-byte struct timex of LP64 Linux;
 * the syscall is 159 on x86_64, 171 on aarch64. GNU date where that is not available.
 */
export const STEP_FUNCTION = `
step() {
  case "$(uname -m)" in x86_64) nr=159;; aarch64) nr=171;; *) nr=;; esac
  if [ -n "$nr" ] && command -v perl > /dev/null 2>&1; then
    perl -e '
      my ($nr, $ms) = @ARGV;
      my $ns = $ms * 1000000; my $s = int($ns / 1000000000); my $r = $ns - $s * 1000000000;
      if ($r < 0) { $s -= 1; $r += 1000000000; }
      my $t = "\\0" x 208;
      substr($t, 0, 4) = pack("L", 0x2100);
      substr($t, 72, 16) = pack("qq", $s, $r);
      syscall($nr, $t) >= 0 or die "adjtimex: $!\\n";
    ' "$nr" "$1" && return 0
  fi
  sg=+; m=$1; [ "$m" -lt 0 ] && { sg=-; m=$((0 - m)); }
  date -s "$sg$((m / 1000)).$(printf %03d $((m % 1000))) seconds" > /dev/null
}
`;

/**
 * Steps the clock so that the offset in force becomes the wanted one (ms), by the difference from the
 * recorded offset; a second call with the same value does nothing. Args: run dir, wanted offset ms.
 */
export const CLOCK_SET_SCRIPT = `${STEP_FUNCTION}
f="$1/${OFFSET_FILE}"; want="$2"
cur=$(cat "$f" 2>/dev/null); cur=\${cur:-0}
d=$((want - cur))
if [ "$d" -ne 0 ]; then step "$d" || exit 1; fi
echo "$want" > "$f.tmp" && mv "$f.tmp" "$f"
`;

/**
 * Puts a host back as the run found it: steps the clock back by the offset in force, then starts the
 * NTP units the run stopped, and removes both records. Prints `clock MS` (the offset undone), `ntp UNIT`
 * and `ntp-failed UNIT`.
 * Part of the removal script (teardown and `faultline cleanup --env ssh`). Expects `$d`, the run dir.
 */
export const CLOCK_RESTORE_SNIPPET = `${STEP_FUNCTION}
if [ -f "$d/${OFFSET_FILE}" ]; then
  off=$(cat "$d/${OFFSET_FILE}" 2>/dev/null); off=\${off:-0}
  if [ "$off" -ne 0 ] 2>/dev/null; then
    step $((0 - off)) && echo 0 > "$d/${OFFSET_FILE}" && echo "clock $off"
  fi
  [ "$(cat "$d/${OFFSET_FILE}" 2>/dev/null)" = 0 ] && rm -f "$d/${OFFSET_FILE}"
fi
if [ -f "$d/${NTP_FILE}" ]; then
  while read -r u; do
    [ -n "$u" ] || continue
    if systemctl start "$u"; then echo "ntp $u"; else echo "ntp-failed $u"; fi
  done < "$d/${NTP_FILE}"
  rm -f "$d/${NTP_FILE}"
fi
`;

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
  /** The NTP units stopped on each host, for the run's log. */
  readonly stoppedUnits = new Map<string, string[]>();

  constructor(private readonly hosts: readonly SshHost[]) {}

  private host(node: string): SshHost {
    const h = this.hosts.find((x) => x.node === node);
    if (!h) throw new Error(`no host ${node}`);
    return h;
  }

  /**
   * Stops the active NTP units on every host (recorded there for `restore` and cleanup); refuses a
   * host where a time daemon still runs afterwards (one no unit stopped), since it would undo every skew.
   */
  async prepare(log: (m: string) => void = () => undefined): Promise<void> {
    const still: string[] = [];
    await Promise.all(this.hosts.map(async (h) => {
      const out = await h.execOk(script(CLOCK_PREPARE_SCRIPT, h.runDir, NTP_PROCESSES.join(' '), ...NTP_UNITS));
      const lines = out.split('\n').map((s) => s.trim());
      const stopped = lines.filter((l) => l.startsWith('stopped ')).map((l) => l.slice(8));
      this.stoppedUnits.set(h.node, stopped);
      if (stopped.length > 0) log(`--clock-mode system: stopped ${stopped.join(', ')} on ${h.node} for the run`);
      const running = [...new Set(lines.filter((l) => l.startsWith('running ')).map((l) => l.slice(8)))];
      if (running.length > 0) still.push(`${running.join(', ')} on ${h.node} (${h.conn.label})`);
    }));
    if (still.length > 0) {
      throw new InputError(`--clock-mode system refused: a time daemon that no systemd unit stopped still runs (${still.join('; ')}) and would undo every skew; stop it on the host for the run, or use --clock-mode faketime`);
    }
  }

  async setClockOffset(node: string, offsetMs: number): Promise<void> {
    if (!Number.isFinite(offsetMs)) throw new Error(`clock offset for ${node} must be a number of ms, got ${offsetMs}`);
    const h = this.host(node);
    const ms = Math.round(offsetMs);
    await h.execOk(script(CLOCK_SET_SCRIPT, h.runDir, String(ms)));
    this.offsets[node] = ms;
  }

  clockOffsets(): Record<string, number> {
    return { ...this.offsets };
  }

  /** Every clock stepped back by its offset, then the stopped NTP units started again. Never throws. */
  async restore(log: (m: string) => void): Promise<void> {
    await Promise.all(this.hosts.map(async (h) => {
      try {
        const out = await h.execOk(script(`d="$1"\n${CLOCK_RESTORE_SNIPPET}`, h.runDir));
        this.offsets[h.node] = 0;
        const lines = out.split('\n');
        const started = lines.filter((l) => l.startsWith('ntp ')).map((l) => l.slice(4));
        const failed = lines.filter((l) => l.startsWith('ntp-failed ')).map((l) => l.slice(11));
        if (started.length > 0) log(`--clock-mode system: clock of ${h.node} restored, ${started.join(', ')} started again`);
        if (failed.length > 0) log(`--clock-mode system: could not start ${failed.join(', ')} again on ${h.node}; start it there by hand`);
      } catch (err) {
        log(`restoring the clock of ${h.node} (run faultline cleanup --env ssh with the same hosts to retry): ${(err as Error).message}`);
      }
    }));
  }
}
