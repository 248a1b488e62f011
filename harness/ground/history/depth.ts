/**
 * A cap on how deeply a value read from a file may nest. JSON.parse itself reads 100,000 levels, but
 * everything after it (deep equality in the models, JSON.stringify in the reports, the EDN writer)
 * recurses, and a value nested 5,000 deep overflowed the stack there (exit 3 with a stack trace).
 * Readers check each parsed value once, here, without recursion, and refuse it in one sentence.
 */

/** Deepest nesting of arrays and objects a value read from a file may have (as the EDN reader's cap). */
export const MAX_NESTING = 1000;

/**
 * The nesting depth of `value` (0 for a scalar, 1 for `[]` or `{}`), counted with an explicit stack,
 * stopping as soon as it passes `cap` (then it returns cap + 1).
 */
export function nestingDepth(value: unknown, cap = MAX_NESTING): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > cap) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth]);
    }
  }
  return deepest;
}

/** What is wrong with a value nested past the cap (HistoryError puts `file:line:` before it). */
export const TOO_DEEP = `a value is nested more than ${MAX_NESTING} levels deep, which no history or run file needs; the file is damaged or not Faultline's — fix or remove that value`;

/** True when `value` nests deeper than MAX_NESTING. */
export function tooDeep(value: unknown): boolean {
  return nestingDepth(value) > MAX_NESTING;
}
