/**
 * Root builds and runs the Go test programs: go's build cache must be a private directory of the
 * user's own, never a guessable path under /tmp that another user could create first.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { goEnv } from '../../support/go-nodes.js';

describe('go build environment of the test programs', () => {
  it('keeps the build cache in a private directory of this user, outside /tmp, offline', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-go-env-'));
    const saved = process.env.GOCACHE;
    delete process.env.GOCACHE;
    try {
      const env = goEnv(dir);
      expect(env.GOPROXY).toBe('off');
      expect(env.GOCACHE!.startsWith(os.tmpdir() + nodePath.sep)).toBe(false);
      const st = fs.lstatSync(env.GOCACHE!);
      expect(st.isDirectory() && !st.isSymbolicLink()).toBe(true);
      expect(st.uid).toBe(process.getuid!());
      expect(st.mode & 0o077).toBe(0);
    } finally {
      if (saved !== undefined) process.env.GOCACHE = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
