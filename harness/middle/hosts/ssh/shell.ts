/**
 * Shell text sent to SSH hosts: quoting (a command reaches the host as one string, so every argument
 * is single-quoted and nothing is re-parsed), `sudo -n` for a user that is not root, and the scripts
 * that run there — starting a daemon detached from the session, signalling it, waiting for its exit.
 * Pure, so the exact text is unit-tested; the scripts are POSIX sh (dash on Debian).
 */

/** `arg` as one single-quoted shell word. */
export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line for argv, under `sudo -n` (never prompts: a missing sudo rule fails at once) when not root. */
export function commandLine(argv: readonly string[], sudo: boolean): string {
  return (sudo ? 'sudo -n -- ' : '') + argv.map(quote).join(' ');
}

/** `sh -c SCRIPT sh ARGS…` as argv: scripts get their values as positional parameters, never spliced in. */
export function script(text: string, ...args: string[]): string[] {
  return ['sh', '-c', text, 'sh', ...args];
}

/**
 * Starts a daemon detached from the SSH session (its own session via setsid, every fd redirected),
 * so a dropped connection neither kills it nor hangs the channel. A wrapper shell waits for it and
 * writes its exit status to `<id>.rc` (so exits are seen at once and no zombie lingers); the daemon's
 * own PID goes to `<id>.pid`, and a line `pid start-time what` to the host's `procs` record before the
 * script answers. Idempotent per id: a retry after a dropped connection returns the same PID.
 * Args: procs-dir, id, log file, what, cwd, argv…
 */
export const SPAWN_SCRIPT = `
d="$1"; id="$2"; log="$3"; what="$4"; cwd="$5"; shift 5
if [ -s "$d/$id.pid" ]; then cat "$d/$id.pid"; exit 0; fi
mkdir -p "$d"
cd "$cwd" || exit 126
setsid sh -c '
  d="$1"; id="$2"; log="$3"; shift 3
  "$@" >> "$log" 2>&1 < /dev/null &
  c=$!
  echo "$c" > "$d/$id.pid.tmp" && mv "$d/$id.pid.tmp" "$d/$id.pid"
  wait "$c"
  echo $? > "$d/$id.rc.tmp" && mv "$d/$id.rc.tmp" "$d/$id.rc"
' sh "$d" "$id" "$log" "$@" > /dev/null 2>&1 < /dev/null &
i=0
while [ ! -s "$d/$id.pid" ]; do
  i=$((i+1)); [ $i -gt 500 ] && { echo "the daemon wrapper did not start" >&2; exit 1; }
  sleep 0.01
done
pid=$(cat "$d/$id.pid")
start=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
echo "$pid \${start:-0} $what" >> "$d/../procs"
echo "$pid"
`;

/**
 * Sends a signal unless the process already exited (its PID may belong to a stranger by now); for KILL
 * and TERM waits up to \`ms\` for the exit and prints the status. Args: signal, pid, rc file, ms.
 */
export const SIGNAL_SCRIPT = `
[ -e "$3" ] && { cat "$3"; exit 0; }
kill -s "$1" "$2" 2>/dev/null
case "$1" in KILL|TERM) ;; *) exit 0;; esac
i=0; n=$(($4 / 10))
while [ ! -e "$3" ] && [ $i -lt $n ]; do sleep 0.01; i=$((i+1)); done
cat "$3" 2>/dev/null
true
`;

/** CONT+TERM, KILL after the grace period, then the exit status. Args: pid, rc file, grace ms. */
export const STOP_SCRIPT = `
[ -e "$2" ] && { cat "$2"; exit 0; }
kill -s CONT "$1" 2>/dev/null; kill -s TERM "$1" 2>/dev/null
i=0; n=$(($3 / 10))
while [ ! -e "$2" ] && [ $i -lt $n ]; do sleep 0.01; i=$((i+1)); done
if [ ! -e "$2" ]; then
  kill -s KILL "$1" 2>/dev/null
  i=0; while [ ! -e "$2" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
fi
cat "$2" 2>/dev/null
true
`;

/** Prints `id status` for every id whose rc file exists. Args: procs dir, ids… */
export const EXITED_SCRIPT = `
d="$1"; shift
for id in "$@"; do [ -e "$d/$id.rc" ] && echo "$id $(cat "$d/$id.rc")"; done
true
`;

/** A wrapper's exit status as Node reports a child's: 128+n is death by signal n. */
export function exitOf(status: number, signalName: (n: number) => NodeJS.Signals | undefined): { code: number | null; signal: NodeJS.Signals | null } {
  if (status > 128 && status < 128 + 65) {
    const sig = signalName(status - 128);
    if (sig) return { code: null, signal: sig };
  }
  return { code: status, signal: null };
}
