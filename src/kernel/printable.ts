/**
 * @module kernel/printable
 * Text from a scenario file or a client (names, ids, messages), made safe to print on a
 * terminal: control characters (escape sequences among them, and line breaks, which would
 * split a one-line message), C1 controls and bidi controls are shown as `\x1b` or `\u202e`
 * instead of being sent raw.
 */
const UNPRINTABLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
