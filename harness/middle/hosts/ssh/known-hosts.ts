/**
 * Host key verification against an OpenSSH known_hosts file, as `ssh` does it: plain and hashed
 * (`|1|salt|hmac`) host patterns, `[host]:port` for non-default ports, `*`/`?` wildcards, `!`
 * negation, and `@revoked` keys. A host with known keys none of which matches is a changed key and
 * is refused whatever the flags; a host with no known key is refused unless the user accepted new
 * keys (then it is appended, as `StrictHostKeyChecking=accept-new` does).
 */
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import { readInputFile } from '../../../ground/history/input-file.js';
import nodePath from 'node:path';

export interface KnownKey {
  /** Host patterns of the line (or one hashed pattern). */
  patterns: string[];
  type: string;
  /** The key blob (SSH wire format), base64. */
  blob: string;
  revoked: boolean;
}

export type Verdict =
  | { kind: 'match' }
  | { kind: 'unknown' }
  | { kind: 'changed'; knownTypes: string[] }
  | { kind: 'revoked' };

/** OpenSSH's `SHA256:…` fingerprint of a key blob. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The name `ssh` looks a host up by: `host`, or `[host]:port` off port 22. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text; lines it cannot read (cert authorities, garbage) are skipped. */
export function parseKnownHosts(text: string): KnownKey[] {
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let words = line.split(/\s+/);
    let revoked = false;
    if (words[0].startsWith('@')) {
      if (words[0] === '@revoked') revoked = true;
      else continue; // @cert-authority: host certificates are not supported; such a line grants nothing.
      words = words.slice(1);
    }
    if (words.length < 3) continue;
    keys.push({ patterns: words[0].split(','), type: words[1], blob: words[2], revoked });
  }
  return keys;
}

const glob = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(name);

/** True when a line's patterns name `name` (a negated pattern that matches wins). */
export function patternsMatch(patterns: readonly string[], name: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('|1|')) {
      const [, , salt, hash] = p.split('|');
      if (salt && hash && createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash) hit = true;
    } else if (p.startsWith('!')) {
      if (glob(p.slice(1), name)) return false;
    } else if (glob(p, name)) {
      hit = true;
    }
  }
  return hit;
}

/** The keys known for `name`. */
export function keysFor(known: readonly KnownKey[], name: string): KnownKey[] {
  return known.filter((k) => patternsMatch(k.patterns, name));
}

/** What known_hosts says about the key `blob` offered by `name`. */
export function verifyHostKey(known: readonly KnownKey[], name: string, blob: Buffer): Verdict {
  const mine = keysFor(known, name);
  const b64 = blob.toString('base64');
  if (mine.some((k) => k.revoked && k.blob === b64)) return { kind: 'revoked' };
  if (mine.some((k) => !k.revoked && k.blob === b64)) return { kind: 'match' };
  const live = mine.filter((k) => !k.revoked);
  return live.length === 0 ? { kind: 'unknown' } : { kind: 'changed', knownTypes: [...new Set(live.map((k) => k.type))] };
}

/** Reads a known_hosts file; a missing file knows no host. */
export function readKnownHosts(file: string): KnownKey[] {
  try {
    if (!fs.existsSync(file)) return [];
    // Capped and type-checked: /dev/zero here threw std::bad_alloc, then hung.
    return parseKnownHosts(readInputFile(file, `the known_hosts file ${file}`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Appends an accepted key, creating the file (and its 0700 directory) as ssh would. */
export function appendKnownHost(file: string, name: string, blob: Buffer): void {
  fs.mkdirSync(nodePath.dirname(file), { recursive: true, mode: 0o700 });
  const prefix = fs.existsSync(file) && !fs.readFileSync(file, 'utf8').endsWith('\n') && fs.statSync(file).size > 0 ? '\n' : '';
  fs.appendFileSync(file, `${prefix}${name} ${blobType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

/**
 * Host key algorithms to offer for a host whose known keys have these types, so the server shows a
 * key we can check (ssh2 would otherwise pick ed25519 and call a host known only by RSA "changed").
 */
export function hostKeyAlgorithms(types: readonly string[]): string[] | undefined {
  if (types.length === 0) return undefined;
  return types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
}
