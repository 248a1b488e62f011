/**
 * Shared bits of the security replays: a root-owned bed with a private victim file (0600 in a 0700
 * folder, so `nobody` can neither read nor write it), commands run as `nobody`, and a stored run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';

export const SECRET = 'ROOT-ONLY-SECRET-7f3a91';

/** Why these replays cannot run here (they need root, runuser and the user nobody). */
export function securitySkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status !== 0) return 'needs runuser and the user nobody';
  return undefined;
}

const beds: string[] = [];
/** Removes every bed made by `bed`. */
export function removeBeds(): void {
  for (const d of beds.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A folder others may traverse (0755), holding `private/secret` (0700 folder, 0600 file). */
export function bed(label: string): { root: string; victim: string } {
  const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), `fl-sec-${label}-`));
  beds.push(root);
  fs.chmodSync(root, 0o755);
  fs.mkdirSync(nodePath.join(root, 'private'), { mode: 0o700 });
  const victim = nodePath.join(root, 'private', 'secret');
  fs.writeFileSync(victim, `${SECRET}\n`, { mode: 0o600 });
  return { root, victim };
}

/** Runs argv as nobody; returns its stdout (throws on a non-zero exit). */
export function asNobody(argv: string[]): string {
  return execFileSync('runuser', ['-u', 'nobody', '--', ...argv], { encoding: 'utf8' });
}

/** The victim's content is what the bed wrote: nothing was appended or replaced. */
export const victimUntouched = (victim: string): boolean => fs.readFileSync(victim, 'utf8') === `${SECRET}\n`;
