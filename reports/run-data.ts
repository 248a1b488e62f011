/**
 * Reads whatever a run directory holds, tolerating every missing or damaged file: a run that
 * crashed, was interrupted or is still being written must still get a report. Problems become
 * `warnings` shown at the top of the page instead of exceptions.
 */
import fs from 'node:fs';
import { TOO_DEEP, tooDeep } from '../harness/ground/history/depth.js';
import nodePath from 'node:path';
import { tornLastLineNote } from '../harness/ground/history/jsonl-reader.js';
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult } from '../checkers/contract.js';
import { openInDir, UnsafeFileError } from '../harness/middle/hosts/safe-files.js';

/** A log embedded in the report, cut when huge. */
export interface EmbeddedLog {
  name: string;
  size: number;
  text: string;
  /** Bytes left out of the middle, 0 when the whole log is shown. */
  omitted: number;
}

/** `results.json` as the report reads it (see RunResults in harness/top/run/run.ts). */
export interface ResultsView {
  valid?: CheckResult['valid'];
  checkers?: Record<string, CheckResult>;
  unsupportedFaults?: { fault: string; reason: string }[];
  interrupted?: string;
  error?: string;
  ops?: number;
  durationS?: number;
  [more: string]: unknown;
}

export interface RunData {
  dir: string;
  /** test.json, or undefined when missing or unreadable. */
  test?: Record<string, unknown>;
  results?: ResultsView;
  history: Op[];
  /** Lines of history.jsonl that could not be read (a torn last line after a crash, say). */
  badHistoryLines: number;
  harnessLog?: EmbeddedLog;
  nodeLogs: EmbeddedLog[];
  /** messages.jsonl, when the target journals its network. */
  messagesFile?: string;
  warnings: string[];
  /** Set for an imported history (`faultline report <history-file>`): no run, so no test.json to show. */
  imported?: { file: string; format: string; checker: string };
}

/** Per-log and total caps: logs are context, not the point of the page. */
export const LOG_CAP_BYTES = 256 * 1024;
export const LOGS_TOTAL_CAP_BYTES = 4 * 1024 * 1024;

function readJson(file: string, what: string, warnings: string[]): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) {
    warnings.push(`${what} is missing`);
    return undefined;
  }
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    // Rendering recurses into the value: one nested past the cap would overflow the stack.
    if (tooDeep(v)) {
      warnings.push(`${what} holds ${TOO_DEEP}`);
      return undefined;
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    warnings.push(`${what} does not hold a JSON object`);
  } catch (err) {
    warnings.push(`${what} could not be read: ${(err as Error).message}`);
  }
  return undefined;
}

/** Reads history.jsonl line by line, skipping lines that are not ops (counted, never fatal). */
export function readHistoryLenient(file: string, onTornLastLine: (note: string) => void = () => undefined): { ops: Op[]; bad: number } {
  const ops: Op[] = [];
  let bad = 0;
  const text = fs.readFileSync(file, 'utf8');
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const last = end < 0;
    if (last) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    lineNo++;
    if (line === '') continue;
    try {
      const op = JSON.parse(line) as Op;
      if (typeof op !== 'object' || op === null || typeof op.type !== 'string' || typeof op.f !== 'string' || tooDeep(op)) { bad++; continue; }
      if (typeof op.index !== 'number') op.index = ops.length;
      if (typeof op.time !== 'number') op.time = op.index;
      ops.push(op);
    } catch {
      // The same rule as `faultline check`: a torn last line is left out with a note, not counted bad.
      if (last) onTornLastLine(tornLastLineNote('history.jsonl', lineNo));
      else bad++;
    }
  }
  return { ops, bad };
}

/** A log's text from an open descriptor, keeping its head and tail when it is over `cap` bytes. */
function embedFd(fd: number, name: string, cap: number): EmbeddedLog {
  const size = fs.fstatSync(fd).size;
  if (size <= cap) return { name, size, text: fs.readFileSync(fd, 'utf8'), omitted: 0 };
  const half = Math.floor(cap / 2);
  const head = Buffer.alloc(half);
  const tail = Buffer.alloc(half);
  fs.readSync(fd, head, 0, half, 0);
  fs.readSync(fd, tail, 0, half, size - half);
  return { name, size, text: `${head.toString('utf8')}\n…\n${tail.toString('utf8')}`, omitted: size - 2 * half };
}

/** A log file's text, keeping its head and tail when it is over `cap` bytes. */
export function embedLog(file: string, name: string, cap = LOG_CAP_BYTES): EmbeddedLog {
  const fd = fs.openSync(file, 'r');
  try {
    return embedFd(fd, name, cap);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A node's log below `nodes/`, which the node could write while it ran: opened without following any
 * link (openInDir), so the page shows only what the node wrote there, never a file a link points at.
 */
function embedNodeLog(nodesDir: string, rel: string, cap: number): EmbeddedLog {
  const fd = openInDir(nodesDir, rel, fs.constants.O_RDONLY);
  try {
    return embedFd(fd, rel, cap);
  } finally {
    fs.closeSync(fd);
  }
}

/** Node logs: `nodes/<node>.log` or `nodes/<node>/*`, in name order; links are skipped with a warning. */
function nodeLogFiles(dir: string, warnings: string[]): string[] {
  const nodes = nodePath.join(dir, 'nodes');
  if (!fs.existsSync(nodes)) return [];
  const out: string[] = [];
  const link = (rel: string): void => { warnings.push(`nodes/${rel} is a symbolic link, which a node may have planted: not shown`); };
  for (const entry of fs.readdirSync(nodes, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isSymbolicLink()) link(entry.name);
    else if (entry.isFile()) out.push(entry.name);
    else if (entry.isDirectory()) {
      for (const f of fs.readdirSync(nodePath.join(nodes, entry.name), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (f.isSymbolicLink()) link(`${entry.name}/${f.name}`);
        else if (f.isFile()) out.push(`${entry.name}/${f.name}`);
      }
    }
  }
  return out;
}

/** Everything the report needs from `dir`; never throws for a damaged run, only for an unreadable dir. */
export function loadRun(dir: string): RunData {
  const warnings: string[] = [];
  const test = readJson(nodePath.join(dir, 'test.json'), 'test.json', warnings);
  const results = readJson(nodePath.join(dir, 'results.json'), 'results.json', warnings) as ResultsView | undefined;
  if (!results) warnings.push('without results.json there are no verdicts: the run did not finish (crashed or was killed); what was recorded is shown below');
  let history: Op[] = [];
  let badHistoryLines = 0;
  const historyFile = nodePath.join(dir, 'history.jsonl');
  if (fs.existsSync(historyFile)) {
    try {
      ({ ops: history, bad: badHistoryLines } = readHistoryLenient(historyFile, (note) => warnings.push(note)));
    } catch (err) {
      warnings.push(`history.jsonl could not be read: ${(err as Error).message}`);
    }
    if (badHistoryLines > 0) warnings.push(`${badHistoryLines} line(s) of history.jsonl are not ops and were skipped`);
  } else warnings.push('history.jsonl is missing');

  const data: RunData = { dir, history, badHistoryLines, nodeLogs: [], warnings };
  if (test) data.test = test;
  if (results) data.results = results;
  const harness = nodePath.join(dir, 'harness.log');
  let budget = LOGS_TOTAL_CAP_BYTES;
  try {
    if (fs.existsSync(harness)) {
      data.harnessLog = embedLog(harness, 'harness.log');
      budget -= data.harnessLog.text.length;
    }
  } catch (err) {
    warnings.push(`harness.log could not be read: ${(err as Error).message}`);
  }
  for (const rel of nodeLogFiles(dir, warnings)) {
    const cap = Math.max(4096, Math.min(LOG_CAP_BYTES, budget));
    try {
      // Swapped for a link or a FIFO since the listing: refused by the open, skipped with its reason.
      const log = embedNodeLog(nodePath.join(dir, 'nodes'), rel, cap);
      budget -= log.text.length;
      data.nodeLogs.push(log);
    } catch (err) {
      warnings.push(err instanceof UnsafeFileError ? `nodes/${rel} was not shown: ${err.message}` : `nodes/${rel} could not be read: ${(err as Error).message}`);
    }
  }
  const messages = nodePath.join(dir, 'messages.jsonl');
  if (fs.existsSync(messages)) data.messagesFile = messages;
  return data;
}
