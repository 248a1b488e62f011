/**
 * What a server needs on hosts that are machines of their own (`--env ssh`): each command or file is
 * looked for on every host; without `--install` the first host that lacks something ends the run with
 * one sentence naming the host and the Debian package, with it the package is installed by the host's
 * apt-get (which waits for its lock: cloud hosts often run unattended upgrades at boot, and hosts
 * sharing one filesystem, like the test bed's, take turns), and the unit Debian may start with it is
 * stopped again, since the run starts its own server. A need no Debian package has (a custom target's
 * own server; Consul, which bookworm dropped) carries its own hint instead, and is refused with or
 * without `--install`, before apt runs at all.
 */
import { InputError } from '../../ground/history/errors.js';
import type { Remote } from './remote.js';

/** Something a server needs on a remote host, and the Debian package that has it. */
export interface HostNeed {
  /** A command name or path (looked up with `command -v`), or an absolute file path with `file: true`. */
  path: string;
  file?: boolean;
  /** The Debian package that has it; absent when none does (then `what` and `hint` speak for it). */
  pkg?: string;
  /** What it is, for the message (e.g. `the program of --start`); default: its Debian package. */
  what?: string;
  /** How to get it onto the host when no package has it. */
  hint?: string;
}

/** One sentence: what `where` lacks of `missing`, and how to get it there. */
function lackSentence(where: string, missing: readonly HostNeed[], installHint: string): string {
  const own = missing.filter((m) => m.pkg === undefined);
  const pkgs = [...new Set(missing.flatMap((m) => (m.pkg === undefined ? [] : [m.pkg])))];
  const items = missing.map((m) => `${m.path} (${m.what ?? `Debian package ${m.pkg}`})`).join(', ');
  const hints = [...new Set(own.flatMap((m) => (m.hint === undefined ? [] : [m.hint])))];
  const ways = [
    ...(pkgs.length > 0 ? [`install it there (apt-get install -y ${pkgs.join(' ')})${installHint}`] : []),
    ...hints,
  ];
  return `${where} lacks ${items}; ${ways.length > 0 ? ways.join('; ') : 'install it there'}`;
}

/** Prints each `c:command` / `f:file` argument that is missing. */
const PROBE = 'for n in "$@"; do case "$n" in f:*) [ -e "${n#f:}" ] || echo "$n";; c:*) command -v "${n#c:}" >/dev/null 2>&1 || echo "$n";; esac; done; true';

const INSTALL = [
  'command -v apt-get >/dev/null || { echo "no apt-get on this host" >&2; exit 127; }',
  'export DEBIAN_FRONTEND=noninteractive; w="-o DPkg::Lock::Timeout=120"',
  'apt-get $w install -y -q --no-install-recommends "$@" || { apt-get $w update -q && apt-get $w install -y -q --no-install-recommends "$@"; } || exit 1',
  'for u in etcd zookeeper; do systemctl is-active --quiet "$u" 2>/dev/null && systemctl stop "$u"; done; true',
].join('; ');

/**
 * Checks (and with `install`, installs) `needs` on every host. Every host finishes before a failure is
 * reported: a command still running on one host when the run tears down would outlive it there.
 */
export async function ensureHostNeeds(hosts: readonly Remote[], needs: readonly HostNeed[], opts: { install: boolean; log: (m: string) => void }): Promise<void> {
  const args = needs.map((n) => `${n.file ? 'f' : 'c'}:${n.path}`);
  const checks = await Promise.allSettled(hosts.map(async (host) => {
    const missingNow = async (): Promise<HostNeed[]> => {
      const out = await host.execOk(['sh', '-c', PROBE, 'sh', ...args]);
      const gone = new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
      return needs.filter((_, i) => gone.has(args[i]));
    };
    let missing = await missingNow();
    if (missing.length === 0) return;
    const where = `host ${host.node} (${host.address})`;
    // What no package has cannot be installed: say so before installing anything.
    if (!opts.install || missing.some((m) => m.pkg === undefined)) {
      throw new InputError(lackSentence(where, missing, ', point the target at it (e.g. --etcd-bin), or pass --install'));
    }
    const pkgs = [...new Set(missing.map((m) => m.pkg!))];
    opts.log(`installing ${pkgs.join(' ')} on ${host.node} with apt-get`);
    const r = await host.exec(['sh', '-c', INSTALL, 'sh', ...pkgs], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new InputError(`--install could not install ${pkgs.join(' ')} on ${where}: ${r.stderr.trim().split('\n').pop()}; install it there by hand`);
    missing = await missingNow();
    if (missing.length > 0) throw new InputError(`${where} still lacks ${missing.map((m) => m.path).join(', ')} after installing ${pkgs.join(' ')}; install it there by hand`);
  }));
  const failed = checks.find((c): c is PromiseRejectedResult => c.status === 'rejected');
  if (failed) throw failed.reason;
}
