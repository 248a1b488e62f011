/**
 * What a run leaves on an SSH host, and how it is removed: the run's directory
 * (`<ssh-dir>/<run id>/<node>/`) holds `state.json` (run id, node, the address and interface the run
 * used, the controller that owns it) and `procs` (one `pid start-time what` line per daemon started,
 * appended by the spawn script before it answers). Removal — at teardown, or by `faultline cleanup
 * --env ssh` after the controller died — is one script run on the host: stop the recorded daemons
 * (only if the PID still has the recorded start time), remove the fault chains and a tbf qdisc,
 * libfaketime's shm files of those daemons, a `--clock-mode system` skew (the clock is stepped back and
 * the NTP units the run stopped are started again; see system-clock.ts), and the directory. It prints
 * one line per thing removed.
 */
import { CLOCK_RESTORE_SNIPPET } from './system-clock.js';

export interface HostState {
  runId: string;
  node: string;
  /** The host's address as the run reached it; cleanup on a shared filesystem only takes its own. */
  address: string;
  netInterface: string;
  createdAt: string;
  /** The controller: its hostname, PID and kernel boot id (a live owner means the run still goes). */
  owner: { hostname: string; pid: number; start?: number; bootId: string };
}

/**
 * Args: run dir, interface. Prints `process PID WHAT`, `rule …`, `chain …`, `qdisc …`, `shm N`,
 * `clock MS`, `ntp UNIT`, `dir …`.
 */
export const REMOVE_SCRIPT = `
d="$1"; iface="$2"
[ -d "$d" ] || exit 0
pids=""
if [ -f "$d/procs" ]; then
  while read -r pid start what; do
    [ -n "$pid" ] || continue
    now=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    if [ -n "$now" ] && [ "$state" != Z ] && { [ "$start" = 0 ] || [ "$now" = "$start" ]; }; then
      kill -s CONT "$pid" 2>/dev/null; kill -s TERM "$pid" 2>/dev/null
      pids="$pids $pid"; echo "process $pid $what"
    fi
  done < "$d/procs"
  i=0
  while [ $i -lt 100 ]; do
    alive=""
    for p in $pids; do
      s=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
      [ -n "$s" ] && [ "$s" != Z ] && alive="$alive $p"
    done
    [ -z "$alive" ] && break
    i=$((i+1)); sleep 0.02
  done
  for p in $alive; do kill -s KILL "$p" 2>/dev/null; done
  while read -r pid start what; do
    for f in "/dev/shm/faketime_shm_$pid" "/dev/shm/sem.faketime_sem_$pid"; do
      [ -e "$f" ] && [ ! -d "/proc/$pid" ] && rm -f "$f" && echo "shm $f"
    done
  done < "$d/procs"
fi
if command -v iptables >/dev/null 2>&1; then
  for pair in INPUT:FL-PART INPUT:FL-LOSS OUTPUT:FL-DELAY; do
    chain=\${pair#*:}; hook=\${pair%%:*}
    n=0; while [ $n -lt 10 ] && iptables -w -D "$hook" -j "$chain" 2>/dev/null; do n=$((n+1)); echo "rule $hook -j $chain"; done
    if iptables -w -F "$chain" 2>/dev/null && iptables -w -X "$chain" 2>/dev/null; then echo "chain $chain"; fi
  done
fi
if [ -n "$iface" ] && tc qdisc show dev "$iface" 2>/dev/null | grep -q '^qdisc tbf'; then
  tc qdisc del dev "$iface" root 2>/dev/null && echo "qdisc tbf on $iface"
fi
${CLOCK_RESTORE_SNIPPET}
# A disk-fault layer (lazy-fs) killed before it unmounted leaves a dead FUSE mount below the directory.
awk -v d="$d/" '$3 ~ /^fuse/ && index($2, d) == 1 { print $2 }' /proc/self/mounts 2>/dev/null | while read -r m; do umount -l "$m" 2>/dev/null && echo "mount $m"; done
rm -rf "$d" && echo "dir $d"
# The run's directory and the ssh dir itself go too once empty (nothing of ours is left in them).
rmdir "$(dirname "$d")" 2>/dev/null && rmdir "$(dirname "$(dirname "$d")")" 2>/dev/null
true
`;

/** Lists the state files under the ssh dir: prints `path<TAB>json` per file. Args: ssh dir. */
export const LIST_SCRIPT = `
for f in "$1"/*/*/state.json; do [ -f "$f" ] && printf '%s\\t%s\\n' "$f" "$(tr -d '\\n' < "$f")"; done
true
`;

/** What the removal printed, as summary phrases: `2 process(es)`, `3 chain(s)` … */
export function summarizeRemoval(output: string): { processes: number; chains: number; rules: number; qdiscs: number; shm: number; clockMs?: number; ntpUnits: string[]; dirs: number } {
  const words = output.split('\n').map((l) => l.trim().split(' '));
  const lines = words.map((w) => w[0]);
  const count = (w: string): number => lines.filter((l) => l === w).length;
  const clock = words.find((w) => w[0] === 'clock');
  return {
    processes: count('process'), chains: count('chain'), rules: count('rule'), qdiscs: count('qdisc'), shm: count('shm'),
    ...(clock ? { clockMs: Number(clock[1]) } : {}),
    ntpUnits: words.filter((w) => w[0] === 'ntp' && w[1]).map((w) => w[1]),
    dirs: count('dir'),
  };
}
