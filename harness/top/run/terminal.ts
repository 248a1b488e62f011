/**
 * Text from a node or a history reaches the user's terminal only with its control characters made
 * visible: a node that prints ESC[2J or an OSC title sequence must not clear the screen or retitle
 * the window, and a history cannot hide a line behind a carriage return or a bidi override.
 */

// C0 controls but \t and \n, DEL, C1 controls, and the Unicode line separators and bidi overrides.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character but tab and newline written as `\xHH` or `\uHHHH`. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
