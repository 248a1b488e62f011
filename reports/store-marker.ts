/**
 * The store's marker, `<store>/.faultline-store`: `faultline run` writes it into the store it creates
 * or uses, and index.html is only ever written into a folder that carries it. Without it, `faultline
 * report <run>` would write the index into whatever folder lies two levels above the path it was
 * given (a run copied to /tmp/r1 would have put an index at /index.html).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { createExclusive } from '../harness/middle/hosts/safe-files.js';

export const STORE_MARKER = '.faultline-store';

const uid = (): number => process.getuid?.() ?? 0;

/** Marks `store` as a store (created fresh, never through a link); false when the marker was there. */
export function markStore(store: string): boolean {
  try {
    createExclusive(nodePath.join(store, STORE_MARKER), 'This folder is a Faultline store: faultline run, report and serve write index.html here.\n');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  }
}

/** Why `store` is not a marked store (undefined when it is): the marker must be our own regular file. */
export function unmarkedReason(store: string): string | undefined {
  const marker = nodePath.join(store, STORE_MARKER);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(marker);
  } catch {
    return `${store} has no ${STORE_MARKER} marker, so it is not a store that faultline run made or used`;
  }
  if (!st.isFile()) return `${marker} is not a regular file`;
  if (st.uid !== uid() && st.uid !== 0) return `${marker} is owned by uid ${st.uid}, not by uid ${uid()} that runs faultline`;
  return undefined;
}

/** The one-sentence note for a store without its marker: what was skipped and how to mark it. */
export function unmarkedNote(store: string, why: string): string {
  return `index.html not written: ${why}; if it is your store, mark it with touch ${nodePath.join(store, STORE_MARKER)} (faultline run adds the marker itself)`;
}
