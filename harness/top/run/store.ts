import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import { writeAtomic } from '../../middle/hosts/safe-files.js';
import { markStore, STORE_MARKER } from '../../../reports/store-marker.js';

import type { RunDir } from '../../ground/contracts/run-contract.js';

const stamp = (d: Date): string => d.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Creates `store/<test>/<timestamp>/` with `nodes/` and opens `harness.log` (appended synchronously:
 * a crash keeps every line written). `publish` points `store/latest` and `store/<test>/latest` at it
 * once the run starts; a run that never starts is `discard`ed and leaves nothing behind.
 */
export function createRunDir(store: string, test: string, now = new Date()): RunDir {
  if (test === '.' || test === '..' || test === '' || /[/\\]/.test(test)) {
    throw new InputError(`the test name "${test}" is not a directory name inside the store; use letters, digits, '.', '_' and '-', not "." or ".."`);
  }
  const storeDir = nodePath.resolve(store);
  const testDir = nodePath.resolve(store, test);
  const created = [storeDir, testDir].filter((d) => !fs.existsSync(d));
  fs.mkdirSync(testDir, { recursive: true });
  // The store named by --store (or the default): only a marked folder ever gets an index.html.
  const marked = markStore(storeDir);
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
  const logFd = fs.openSync(nodePath.join(dir, 'harness.log'), 'a');
  let open = true;
  return {
    dir,
    log(message) {
      if (open) fs.writeSync(logFd, `${new Date().toISOString()} ${message}\n`);
    },
    writeJson(name, value) {
      writeAtomic(nodePath.join(dir, name), `${JSON.stringify(value, null, 2)}\n`); // never a half-written results.json
    },
    close() {
      if (open) { open = false; fs.closeSync(logFd); }
    },
    publish() {
      relink(nodePath.join(testDir, 'latest'), dir);
      relink(nodePath.resolve(store, 'latest'), dir);
    },
    discard() {
      if (open) { open = false; fs.closeSync(logFd); }
      fs.rmSync(dir, { recursive: true, force: true });
      // A run that never started changes nothing in the store, its marker included.
      if (marked) fs.rmSync(nodePath.join(storeDir, STORE_MARKER), { force: true });
      for (const d of created.reverse()) {
        try {
          fs.rmdirSync(d); // only if empty: another run may have written there since
        } catch {
          // Not empty, or gone already.
        }
      }
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
