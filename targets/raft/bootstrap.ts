/**
 * The node's bootstrap configuration (`bootstrap.json`): the members it starts with, decided once at
 * its first init and kept, so a restart never re-decides it from whatever node list init carries
 * then (a member re-added with wiped data must not bootstrap itself into the old configuration).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { writeFileAtomic } from './durable-file.js';

const FILE = 'bootstrap.json';

/** What the file holds: the members, and an id of this data directory (a wiped node gets a new one). */
export interface Bootstrap {
  members: string[];
  dataId: string;
}

/** The bootstrap record in `dir`, or undefined before the first init. */
export function readBootstrap(dir: string): Bootstrap | undefined {
  let text: string;
  try {
    text = fs.readFileSync(nodePath.join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  const b = JSON.parse(text) as { members?: unknown; dataId?: unknown };
  return Array.isArray(b.members) ? { members: b.members.map(String), dataId: String(b.dataId ?? '') } : undefined;
}

/** Writes it durably (temp file, fsync, rename), before the node answers anyone. */
export function writeBootstrap(dir: string, b: Bootstrap): void {
  writeFileAtomic(nodePath.join(dir, FILE), JSON.stringify(b));
}
