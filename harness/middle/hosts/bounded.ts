/**
 * Time bounds on the steps that end a run. A client's close() that never resolved hung a run past
 * its time limit, and its first SIGTERM with it (watched 11 minutes): every close and teardown step
 * now gives up after a bound, logs which step it abandoned, and lets the rest of the teardown go on.
 */

/** How long one client's close() may take. */
export const CLOSE_BOUND_MS = 5_000;
/** How long one teardown step (a target's cleanup hook, the nemesis, the target) may take: a docker teardown
 * on a loaded machine takes tens of seconds, so the bound is generous; it exists for steps that never end. */
export const TEARDOWN_STEP_BOUND_MS = 120_000;

/**
 * Waits for `work` at most `ms`; on time-out (or a rejection) logs `what` and resolves undefined, so a
 * caller's teardown continues. The abandoned promise is left to settle (or not) on its own.
 */
export async function bounded<T>(work: Promise<T> | (() => Promise<T>), ms: number, what: string, log: (message: string) => void = () => undefined): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); });
  try {
    const p = typeof work === 'function' ? work() : work;
    const r = await Promise.race([p, timeout]);
    if (r === 'timeout') {
      log(`${what} did not finish within ${ms / 1000} s; abandoned so the teardown goes on`);
      return undefined;
    }
    return r as T;
  } catch (err) {
    log(`${what} failed: ${(err as Error).message}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
