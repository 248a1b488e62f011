/**
 * The package's own commands (package.json "bin": `faultline`, `faultline-raft`) as absolute paths of
 * this install — what `npm install -g faultline` puts on a host's PATH. A target that gives a start
 * command the same PATH on this machine finds the bundled programs here, by their public names,
 * rather than by importing another target's folder.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
/** The install's root: three folders up from harness/middle/hosts (source) or four from dist/harness/middle/hosts. */
const ROOT = nodePath.basename(nodePath.resolve(here, '../../..')) === 'dist' ? nodePath.resolve(here, '../../../..') : nodePath.resolve(here, '../../..');

/** Each bin's name and the absolute path of the script it runs (in dist/: built before a run). */
export function packageBins(): Record<string, string> {
  const pkg = JSON.parse(fs.readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.fromEntries(Object.entries(pkg.bin ?? {}).map(([name, rel]) => [name, nodePath.join(ROOT, rel)]));
}
