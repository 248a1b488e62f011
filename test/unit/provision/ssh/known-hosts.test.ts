import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendKnownHost, blobType, fingerprint, hostKeyAlgorithms, hostKeyName, parseKnownHosts, readKnownHosts, verifyHostKey } from '../../../../harness/middle/hosts/ssh/known-hosts.js';

/** A key blob as the wire carries it: string type, then key bytes. */
function blob(type: string, body: Buffer): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

const A = blob('ssh-ed25519', Buffer.alloc(32, 1));
const B = blob('ssh-ed25519', Buffer.alloc(32, 2));
const R = blob('ssh-rsa', Buffer.alloc(64, 3));
const line = (pat: string, k: Buffer): string => `${pat} ${blobType(k)} ${k.toString('base64')}`;

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('fingerprints like ssh-keygen -l (SHA256, base64 without padding)', () => {
    expect(fingerprint(A)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(blobType(A)).toBe('ssh-ed25519');
  });

  it('names non-default ports as [host]:port', () => {
    expect(hostKeyName('h', 22)).toBe('h');
    expect(hostKeyName('h', 2222)).toBe('[h]:2222');
  });

  it.each([
    ['a plain match', [line('db1,10.0.0.5', A)], 'db1', A, 'match'],
    ['a hashed match', [line(hashed('db1'), A)], 'db1', A, 'match'],
    ['a port match', [line('[db1]:2222', A)], '[db1]:2222', A, 'match'],
    ['the port-22 line does not cover another port', [line('db1', A)], '[db1]:2222', A, 'unknown'],
    ['a wildcard', [line('*.example.org', A)], 'db1.example.org', A, 'match'],
    ['a negated wildcard', [line('*.example.org,!db1.example.org', A)], 'db1.example.org', A, 'unknown'],
    ['a changed key', [line('db1', A)], 'db1', B, 'changed'],
    ['one of two known keys', [line('db1', R), line('db1', A)], 'db1', A, 'match'],
    ['an unknown host', [line('db2', A)], 'db1', A, 'unknown'],
    ['a revoked key', [`@revoked ${line('*', A)}`, line('db1', A)], 'db1', A, 'revoked'],
    ['cert authorities grant nothing', [`@cert-authority ${line('*', A)}`], 'db1', A, 'unknown'],
  ] as [string, string[], string, Buffer, string][])('%s', (_, lines, name, key, kind) => {
    expect(verifyHostKey(parseKnownHosts(`# comment\n\n${lines.join('\n')}\n`), name, key).kind).toBe(kind);
  });

  it('names the known key types of a changed host, and offers those algorithms', () => {
    const v = verifyHostKey(parseKnownHosts(line('db1', R)), 'db1', A);
    expect(v).toEqual({ kind: 'changed', knownTypes: ['ssh-rsa'] });
    expect(hostKeyAlgorithms(['ssh-rsa'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithms([])).toBeUndefined();
  });

  it('appends an accepted key that then matches, creating the file', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-kh-'));
    const file = nodePath.join(dir, '.ssh', 'known_hosts');
    try {
      expect(readKnownHosts(file)).toEqual([]);
      appendKnownHost(file, '[h]:2200', A);
      expect(verifyHostKey(readKnownHosts(file), '[h]:2200', A).kind).toBe('match');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
