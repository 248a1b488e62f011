import fs from 'node:fs';
import nodePath from 'node:path';

import type { RunDir } from '../run-contract.js';

const stamp = (d: Date): string => d.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Creates `store/<test>/<timestamp>/` with `nodes/`, points `store/latest` and `store/<test>/latest`
 * at it, and opens `harness.log` (appended synchronously: a crash keeps every line written).
 */
export function createRunDir(store: string, test: string, now = new Date()): RunDir {
  const testDir = nodePath.resolve(store, test);
  fs.mkdirSync(testDir, { recursive: true });
  // mkdir without `recursive` fails on an existing directory, so two runs started in the same second
  // never share one: the loser takes the next suffix.
  let dir = nodePath.join(testDir, stamp(now));
  for (let i = 1; ; i++) {
    try {
      fs.mkdirSync(dir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      dir = nodePath.join(testDir, `${stamp(now)}-${i}`);
    }
  }
  fs.mkdirSync(nodePath.join(dir, 'nodes'));
  relink(nodePath.join(testDir, 'latest'), dir);
  relink(nodePath.resolve(store, 'latest'), dir);
  const logFd = fs.openSync(nodePath.join(dir, 'harness.log'), 'a');
  let open = true;
  return {
    dir,
    log(message) {
      if (open) fs.writeSync(logFd, `${new Date().toISOString()} ${message}\n`);
    },
    writeJson(name, value) {
      const file = nodePath.join(dir, name);
      fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
      fs.renameSync(`${file}.tmp`, file); // never a half-written results.json
    },
    close() {
      if (open) { open = false; fs.closeSync(logFd); }
    },
  };
}

function relink(link: string, target: string): void {
  try {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(nodePath.relative(nodePath.dirname(link), target), link);
  } catch {
    // A store on a filesystem without symlinks still works; only the `latest` shortcut is missing.
  }
}
