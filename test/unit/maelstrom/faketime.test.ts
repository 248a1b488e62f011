/**
 * When clock skew through libfaketime can work, and the offset text libfaketime reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKETIME_LIB, detectFaketime, offsetText } from '../../../harness/middle/maelstrom/index.js';
import { skipUnless } from '../../support/require.js';

describe('detectFaketime', () => {
  const lib = fs.existsSync(FAKETIME_LIB) ? FAKETIME_LIB : undefined;

  it('is unsupported when turned off or the library is missing, saying how to install it', () => {
    expect(detectFaketime('node', false)).toEqual({ reason: 'clock skew was turned off (faketime: false)' });
    expect(detectFaketime('node', '/nope/libfaketime.so.1')).toEqual({
      reason: 'libfaketime is not installed (/nope/libfaketime.so.1 is missing); install it with: apt-get install -y faketime libfaketime',
    });
  });

  it('refuses Go binaries and static binaries, which a preload cannot skew', (ctx) => {
    skipUnless(ctx, lib !== undefined, 'libfaketime is not installed');
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'ft-unit-'));
    const fake = Buffer.alloc(256);
    fake.writeUInt32BE(0x7f454c46, 0);
    fake.write('\xff Go buildinf:', 100, 'latin1');
    fs.writeFileSync(nodePath.join(dir, 'go-node'), fake);
    expect(detectFaketime(nodePath.join(dir, 'go-node'), undefined)).toMatchObject({ reason: expect.stringMatching(/is a Go binary; Go reads the clock through the vDSO/) });
    if (fs.existsSync('/sbin/ldconfig')) expect(detectFaketime('/sbin/ldconfig', undefined)).toMatchObject({ reason: expect.stringMatching(/statically linked/) });
    // Dynamic ELF binaries and scripts are fine.
    expect(detectFaketime(process.execPath, undefined)).toEqual({ lib });
    expect(detectFaketime('sh', undefined)).toEqual({ lib });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('offsetText', () => {
  it.each([[0, '+0.000'], [1500, '+1.500'], [-250, '-0.250'], [3_600_000, '+3600.000'], [0.4, '+0.000']])('%d ms → %s', (ms, text) => {
    expect(offsetText(ms)).toBe(text);
  });
});
