/**
 * An error a user causes with bad input. The CLI prints `message` as one sentence and exits 254;
 * nothing else is printed, so the message must name the cause and the fix.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A bad record in a history file: the message starts with `file:line:` so an editor can jump there. */
export class HistoryError extends InputError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly what: string,
  ) {
    super(`${file}:${line}: ${what}`);
    this.name = 'HistoryError';
  }
}

/** The message of anything thrown (an Error's message, or the value itself as text). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
