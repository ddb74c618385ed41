/**
 * @module report/escape
 * Escaping for every output format the reports write. Every string that came from a user
 * (run and device names, field values, messages, paths) passes through one of these before
 * it reaches a file: the trace is untrusted input as far as a report reader is concerned.
 */

/** Longest label a one-line format (Mermaid, tooltips) gets before it is cut. */
export const LABEL_LENGTH_MAX = 80;

/** True for a code point XML 1.0 can carry at all (even as a character reference). */
function isXmlChar(codePoint: number): boolean {
  if (codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd) return true;
  if (codePoint >= 0x20 && codePoint <= 0xd7ff) return true;
  if (codePoint >= 0xe000 && codePoint <= 0xfffd) return true;
  return codePoint >= 0x10000 && codePoint <= 0x10ffff;
}

/** Replaces code points XML cannot carry (control characters, lone surrogates) by a visible `\uXXXX`. */
function xmlCharsOnly(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    out += isXmlChar(codePoint) ? char : `\\u${codePoint.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Text content of an XML element. */
export function escapeXmlText(text: string): string {
  return xmlCharsOnly(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An XML attribute value (for double-quoted attributes); line breaks survive as references. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** HTML text or double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON to embed in `<script type="application/json">`: `<`, `>` and `&` become `\u003c`,
 * `\u003e`, `\u0026`, so no `</script>` or `<!--` can end or bend the block; the result is
 * still JSON that `JSON.parse` reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('[syncstorm] report data is not JSON-serialisable');
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Collapses whitespace (newlines included) to single spaces and cuts to `lengthMax` characters. */
export function oneLine(text: string, lengthMax: number = LABEL_LENGTH_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= lengthMax ? flat : `${chars.slice(0, lengthMax - 1).join('')}…`;
}

/** Characters Mermaid takes literally in message, note and participant text. */
const MERMAID_SAFE = /^[\p{L}\p{N} .,_/()?=@!*+[\]…→∅-]$/u;

/**
 * Mermaid text: one line, cut to `lengthMax`, and every character outside a small safe set
 * (quotes, `#`, `;`, `:`, `<`, `>`, `%`, braces, backticks, control characters) written as
 * Mermaid's entity code `#<decimal>;`, which it renders as the character itself.
 */
export function escapeMermaid(text: string, lengthMax: number = LABEL_LENGTH_MAX): string {
  let out = '';
  for (const char of oneLine(text, lengthMax)) {
    out += MERMAID_SAFE.test(char) ? char : `#${char.codePointAt(0)};`;
  }
  return out;
}

/** Quotes a path for a POSIX shell when it holds anything beyond plain path characters. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Longest file-name stem made from a run name. */
const FILE_STEM_LENGTH_MAX = 80;

/** A file-name stem from a run name: only `[A-Za-z0-9._-]`, no leading dot, never empty. */
export function fileStem(name: string): string {
  const stem = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, FILE_STEM_LENGTH_MAX);
  return stem === '' ? 'run' : stem;
}
