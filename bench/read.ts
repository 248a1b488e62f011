/**
 * History reading benchmark: prints figures, asserts nothing. Streams JSONL histories made of one
 * very long line (a single op whose value is a string of the given size, then its completion) and
 * prints MB/s at 8, 64 and 300 MB; linear reading keeps the rate flat as the line grows.
 * Run with `npm run bench:read` (`-- 8 64` picks sizes in MB), or as part of `npm run bench:check`
 * (`--read`).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import { readJsonl } from '../harness/ground/history/jsonl-reader.js';

export async function runRead(sizes: readonly number[] = [8, 64, 300]): Promise<void> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-read-'));
  console.log(`node ${process.version}, ${process.platform}/${process.arch}; reading one-line JSONL histories with readJsonl (1 MiB chunks)`);
  try {
    for (const mb of sizes) {
      const file = nodePath.join(dir, `line-${mb}mb.jsonl`);
      writeOneLine(file, mb * 1024 * 1024);
      const bytes = fs.statSync(file).size;
      const t0 = performance.now();
      let ops = 0;
      for await (const _op of readJsonl(file)) ops++;
      const s = (performance.now() - t0) / 1000;
      console.log(`${String(mb).padStart(4)} MB line: ${ops} ops in ${s.toFixed(2)} s, ${(bytes / 1024 / 1024 / s).toFixed(1)} MB/s`);
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
}
}

/** Writes `{"…","value":"xxx…"}\n` of about `bytes` bytes, then a short completion line. */
function writeOneLine(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '{"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":"');
    const block = Buffer.alloc(1024 * 1024, 'x');
    for (let left = bytes; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(left, block.length));
    fs.writeSync(fd, '"}\n{"index":1,"time":1,"process":0,"type":"ok","f":"write","value":null}\n');
  } finally {
    fs.closeSync(fd);
  }
}

// Run directly (`npm run bench:read`): sizes in MB from the command line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  await runRead(sizes.length ? sizes : undefined);
}
