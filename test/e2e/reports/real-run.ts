/**
 * Real runs for the report tests: `faultline run --target maelstrom` parsed by the CLI's own parser
 * and executed in-process by runTest, against real node processes from test/nodes (or the broken
 * local-kv node beside this file), into a temporary store.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { runTest } from '../../../harness/top/run/run.js';
import { type RunOutcome } from '../../../harness/ground/contracts/run-contract.js';

const HERE = nodePath.dirname(fileURLToPath(import.meta.url));
export const LIN_KV_PROXY = nodePath.resolve(HERE, '../../nodes/lin-kv-proxy.mjs');
export const LOCAL_KV = nodePath.resolve(HERE, 'nodes/local-kv.mjs');

/** A temporary store; remove it with `fs.rmSync(store, {recursive: true})`. */
export function tempStore(label: string): string {
  return fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-report-${label}-`));
}

/** Runs `faultline run <argv> --store <store>` in-process; the progress line is discarded. */
export async function realRun(store: string, argv: string[]): Promise<RunOutcome> {
  const { target, req } = parseRunRequest([...argv, '--store', store]);
  await target.preflight?.(req);
  const sink = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
  return runTest(req.config, (run, ctx) => target.plan(req, run, ctx), sink);
}
