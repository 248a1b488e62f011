/**
 * The node's bootstrap configuration (`bootstrap.json`): the members it starts with, decided once at
 * its first init and kept, so a restart never re-decides it from whatever node list init carries
 * then (a member re-added with wiped data must not bootstrap itself into the old configuration).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { writeFileAtomic } from './durable-file.js';

const FILE = 'bootstrap.json';

/** The bootstrap members in `dir`, or undefined before the first init. */
export function readBootstrap(dir: string): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(nodePath.join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  const m = (JSON.parse(text) as { members?: unknown }).members;
  return Array.isArray(m) ? m.map(String) : undefined;
}

/** Writes it durably (temp file, fsync, rename), before the node answers anyone. */
export function writeBootstrap(dir: string, members: readonly string[]): void {
  writeFileAtomic(nodePath.join(dir, FILE), JSON.stringify({ members }));
}
