/**
 * The SSH hosts of a run, from the command line: `--hosts h1,h2` or `--hosts-file FILE` (one
 * `[user@]host[:port]` a line, `#` comments), with `--ssh-user`, `--ssh-port`, `--ssh-key`,
 * `--ssh-known-hosts` and `--ssh-accept-new-host-keys` as defaults for every host. Pure apart from
 * reading the hosts file, so every way to get it wrong is a unit-tested sentence naming the fix.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { intOption } from '../../../ground/contracts/flags.js';
import { InputError } from '../../../ground/history/errors.js';
import { typedFlagOf } from '../environment.js';
import { checkInputFile, readInputFile } from '../../../ground/history/input-file.js';

/** One host as the user wrote it, with the defaults filled in. */
export interface HostSpec {
  /** What the user wrote (for messages), e.g. `admin@db1:2222`. */
  spec: string;
  host: string;
  port: number;
  user: string;
}

/** How to reach and trust the hosts; never holds a secret itself (keys are read at connect time). */
export interface SshSettings {
  hosts: HostSpec[];
  /** Private key file; undefined: the agent (SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
  keyFile?: string;
  knownHostsFile: string;
  /** Trust-on-first-use for hosts absent from known_hosts (a changed key is refused all the same). */
  acceptNewHostKeys: boolean;
  /** Where each host keeps the run's files: `<dir>/<run id>/<node>/`. */
  remoteDir: string;
}

type Flags = ReadonlyMap<string, string | true | string[]>;

const value = (flags: Flags, name: string): string | undefined => {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new InputError(`--${name} needs a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
};

/** Parses `[user@]host[:port]` (IPv6 as `[addr]:port`); throws an InputError naming `where`. */
export function parseHostSpec(text: string, defaults: { user: string; port: number }, where: string): HostSpec {
  const spec = text.trim();
  const m = /^(?:([A-Za-z0-9._-]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(spec);
  if (!m) throw new InputError(`${where}: "${spec}" is not a host; write [user@]host[:port], e.g. root@10.0.0.5:22`);
  const port = m[3] === undefined ? defaults.port : Number(m[3]);
  if (port < 1 || port > 65535) throw new InputError(`${where}: port ${m[3]} of "${spec}" is not a TCP port (1–65535)`);
  return { spec, user: m[1] ?? defaults.user, host: m[2].replace(/^\[|\]$/g, ''), port };
}

/** The host lines of a hosts file: blank lines and `#` comments skipped. */
export function hostsFileLines(text: string): { line: number; text: string }[] {
  return text.split('\n').map((t, i) => ({ line: i + 1, text: t.replace(/#.*/, '').trim() })).filter((l) => l.text !== '');
}

/** `--ssh-port`, declared once: the port where a host names none. */
export const SSH_PORT = intOption('ssh-port', '--env ssh: port where a host names none', 22, 1, 65535,
  (text) => `--ssh-port must be a TCP port (1–65535), got "${text}"`);

/** The run's SSH settings from its flags, or an InputError naming the flag to fix. */
export function sshSettings(flags: Flags, home = os.homedir()): SshSettings {
  const port = typedFlagOf(flags, SSH_PORT);
  const defaults = { user: value(flags, 'ssh-user') ?? 'root', port };
  const list = value(flags, 'hosts');
  const file = value(flags, 'hosts-file');
  if (list !== undefined && file !== undefined) throw new InputError('--hosts and --hosts-file both name the hosts; pass only one of them');
  let hosts: HostSpec[];
  if (list !== undefined) {
    hosts = list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => parseHostSpec(s, defaults, '--hosts'));
  } else if (file !== undefined) {
    // A regular file within a cap: /dev/zero read whole hung, then ran out of memory.
    const text = readInputFile(file, `--hosts-file ${file}`);
    hosts = hostsFileLines(text).map((l) => parseHostSpec(l.text, defaults, `${file} line ${l.line}`));
  } else {
    throw new InputError('--env ssh needs its hosts: pass --hosts h1,h2,h3 or --hosts-file FILE (one [user@]host[:port] a line)');
  }
  if (hosts.length === 0) throw new InputError(`${list !== undefined ? '--hosts' : `--hosts-file ${file}`} names no host; list at least one [user@]host[:port]`);
  const seen = new Set<string>();
  for (const h of hosts) {
    const key = `${h.host}:${h.port}`;
    if (seen.has(key)) throw new InputError(`host ${key} is listed twice; each node needs a host of its own`);
    seen.add(key);
  }
  const keyFile = value(flags, 'ssh-key');
  if (keyFile !== undefined && !fs.existsSync(keyFile)) throw new InputError(`--ssh-key ${keyFile} does not exist; pass the private key file that the hosts' authorized_keys accept`);
  if (keyFile !== undefined) checkInputFile(keyFile, `--ssh-key ${keyFile}`);
  const known = value(flags, 'ssh-known-hosts');
  // A missing known_hosts is allowed (it knows no host yet); anything there must be a regular file.
  if (known !== undefined && fs.existsSync(known)) checkInputFile(known, `--ssh-known-hosts ${known}`);
  const remoteDir = value(flags, 'ssh-dir') ?? '/var/tmp/faultline';
  if (!nodePath.isAbsolute(remoteDir) || /[^\w./-]/.test(remoteDir)) throw new InputError(`--ssh-dir must be an absolute path of letters, digits, '.', '_', '-' and '/', got "${remoteDir}"`);
  return {
    hosts, keyFile,
    knownHostsFile: value(flags, 'ssh-known-hosts') ?? nodePath.join(home, '.ssh', 'known_hosts'),
    acceptNewHostKeys: flags.get('ssh-accept-new-host-keys') === true,
    remoteDir,
  };
}

/** Default private keys, in OpenSSH's order, that exist under `home`. */
export function defaultKeyFiles(home = os.homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => nodePath.join(home, '.ssh', n)).filter((f) => fs.existsSync(f));
}
