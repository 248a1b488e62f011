/**
 * Tests that need something from the machine (a package, root, a binary) skip with a reason naming
 * it on a developer's machine, but fail under CI=true: CI installs everything, so a skip there would
 * hide a broken install behind a green run.
 */
export function skipUnless(ctx: { skip: (note?: string) => void }, ok: boolean, reason: string): void {
  if (ok) return;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must install it (see .ci/run)`);
  ctx.skip(reason);
}
