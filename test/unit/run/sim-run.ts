/**
 * A whole run of the controller (harness/top/run/run.ts) against the in-memory target on a simulated
 * clock: the settings are parsed as `faultline run` parses them, the run writes its store as a real
 * one does, and 30 s of the run's time take milliseconds. Used by the simulated-time tests here.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { SimClock } from '../../../harness/ground/generator/clock.js';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { runTest } from '../../../harness/top/run/run.js';
import type { SignalSource } from '../../../harness/top/run/signals.js';
import type { RunConfig, RunOutcome, RunPlan } from '../../../harness/ground/contracts/run-contract.js';
import { readJsonlSync } from '../../../harness/ground/history/jsonl-reader.js';
import type { Op } from '../../../harness/ground/history/op.js';

/** A stream that keeps what the progress line prints (not a TTY: one line per 5 s of run time). */
export function captureStream(): NodeJS.WriteStream & { text(): string } {
  let text = '';
  const s = { isTTY: false, write: (chunk: string) => { text += chunk; return true; }, text: () => text };
  return s as unknown as NodeJS.WriteStream & { text(): string };
}

/** A signal source a test raises signals on; `exits` records forced exits instead of leaving. */
export class FakeSignals extends EventEmitter implements SignalSource {
  exits: number[] = [];
  said: string[] = [];
  exit(code: number): void { this.exits.push(code); }
  say(line: string): void { this.said.push(line); }
  raise(sig: 'SIGINT' | 'SIGTERM'): void { this.emit(sig, sig); }
}

export function tempStore(): string {
  return fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-sim-'));
}

export interface SimRun extends RunOutcome {
  history: Op[];
  test: Record<string, unknown>;
  clock: SimClock;
  progress: string;
}

/** `faultline run --target memory ARGS` on a simulated clock, in `store`. */
export async function simRun(args: string[], store: string, deps: { signals?: SignalSource; clock?: SimClock; onClock?: (c: SimClock) => void; onPlan?: (plan: RunPlan) => void; config?: Partial<RunConfig> } = {}): Promise<SimRun> {
  const { target, req } = parseRunRequest(['--target', 'memory', '--store', store, ...args], () => undefined);
  Object.assign(req.config, deps.config ?? {});
  await target.preflight?.(req);
  const clock = deps.clock ?? new SimClock();
  deps.onClock?.(clock);
  const out = captureStream();
  const outcome = await runTest(req.config, async (run, ctx) => { const plan = await target.plan(req, run, ctx); deps.onPlan?.(plan); return plan; }, out, { clock, signals: deps.signals ?? new FakeSignals() });
  const history = readJsonlSync(nodePath.join(outcome.dir, 'history.jsonl'));
  const test = JSON.parse(fs.readFileSync(nodePath.join(outcome.dir, 'test.json'), 'utf8')) as Record<string, unknown>;
  return { ...outcome, history, test, clock, progress: out.text() };
}
