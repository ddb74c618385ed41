/**
 * @module scenario/json-source
 * Parses JSON text and remembers where each value starts, so that a message about
 * `steps[3].device` can also say `x.json:14:17`. Syntax errors carry a line and column too
 * (JSON.parse's own messages give a character offset, or nothing, depending on the Node
 * version). The value itself comes from JSON.parse, so its semantics are the standard ones.
 */
import { formatPath } from './problems.ts';

export type JsonPath = readonly (string | number)[];

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * What is wrong with the text: `syntax` (not JSON at all), or valid JSON syntax that a
 * scenario still cannot be: a `duplicate-key` (JSON.parse would silently keep the last one)
 * or a `number-range` (a number JSON.parse would turn into Infinity).
 */
export type JsonErrorKind = 'syntax' | 'duplicate-key' | 'number-range';

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    readonly position: SourcePosition,
    readonly kind: JsonErrorKind = 'syntax',
  ) {
    super(`${reason} at line ${position.line}, column ${position.column}`);
  }
}

export interface JsonSource {
  value: unknown;
  /** Where the value at `path` starts (or its nearest located ancestor). */
  locate(path: JsonPath): SourcePosition;
}

/** Bound on nesting depth; scenario files are shallow, a deeper file is garbage. */
export const JSON_DEPTH_MAX = 64;

const key = (path: JsonPath): string => JSON.stringify(path);

export function parseJsonSource(text: string): JsonSource {
  const offsets = new Map<string, number>();
  const scanner = new Scanner(text, offsets);
  scanner.document();
  const lineStarts = [0];
  for (let index = 0; index < text.length; index++) if (text[index] === '\n') lineStarts.push(index + 1);
  const position = (offset: number): SourcePosition => positionOf(lineStarts, offset);
  return {
    value: JSON.parse(text),
    locate(path) {
      for (let length = path.length; length >= 0; length--) {
        const offset = offsets.get(key(path.slice(0, length)));
        if (offset !== undefined) return position(offset);
      }
      return { line: 1, column: 1 };
    },
  };
}

function positionOf(lineStarts: readonly number[], offset: number): SourcePosition {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
}

/** A JSON number, matched where the scanner stands (sticky), however long. */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Scanner {
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly offsets: Map<string, number>,
  ) {}

  document(): void {
    this.skipSpace();
    if (this.index >= this.text.length) this.fail('Unexpected end of input: the file is empty');
    this.value([], 0);
    this.skipSpace();
    if (this.index < this.text.length) this.fail(`Unexpected ${this.describeHere()} after the end of the JSON value`);
  }

  private fail(reason: string, at = this.index, kind: JsonErrorKind = 'syntax'): never {
    throw new JsonSyntaxError(reason, this.position(at), kind);
  }

  private position(at: number): SourcePosition {
    const lineStarts = [0];
    for (let index = 0; index < Math.min(at, this.text.length); index++) {
      if (this.text[index] === '\n') lineStarts.push(index + 1);
    }
    return positionOf(lineStarts, at);
  }

  private describeHere(): string {
    const char = this.text[this.index];
    return char === undefined ? 'end of input' : `character ${JSON.stringify(char)}`;
  }

  private skipSpace(): void {
    while (this.index < this.text.length && ' \t\n\r'.includes(this.text[this.index] as string)) this.index++;
  }

  private value(path: JsonPath, depth: number): void {
    if (depth > JSON_DEPTH_MAX) this.fail(`Nesting deeper than ${JSON_DEPTH_MAX} levels`);
    this.offsets.set(key(path), this.index);
    const char = this.text[this.index];
    if (char === '{') this.object(path, depth);
    else if (char === '[') this.array(path, depth);
    else if (char === '"') this.string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.number();
    else this.literal();
  }

  private literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return;
      }
    }
    this.fail(`Expected a JSON value but found ${this.describeHere()}`);
  }

  private object(path: JsonPath, depth: number): void {
    this.index++;
    this.skipSpace();
    if (this.text[this.index] === '}') {
      this.index++;
      return;
    }
    // Keys seen in this object, with where each starts: JSON.parse keeps the last of two.
    const seen = new Map<string, number>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.index] !== '"')
        this.fail(`Expected a property name in double quotes but found ${this.describeHere()}`);
      const keyAt = this.index;
      const name = this.string();
      const first = seen.get(name);
      if (first !== undefined) {
        const { line, column } = this.position(first);
        const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
        this.fail(
          `duplicate key ${JSON.stringify(name)} ${where} (first at line ${line}, column ${column}); JSON keeps only the last one, so remove one of them`,
          keyAt,
          'duplicate-key',
        );
      }
      seen.set(name, keyAt);
      this.skipSpace();
      if (this.text[this.index] !== ':')
        this.fail(`Expected ':' after property name "${name}" but found ${this.describeHere()}`);
      this.index++;
      this.skipSpace();
      this.value([...path, name], depth + 1);
      this.skipSpace();
      const next = this.text[this.index];
      this.index++;
      if (next === '}') return;
      if (next !== ',')
        this.fail(
          `Expected ',' or '}' in an object but found ${next === undefined ? 'end of input' : JSON.stringify(next)}`,
          this.index - 1,
        );
      this.skipSpace();
      if (this.text[this.index] === '}') this.fail('Trailing comma before }: JSON does not allow it');
    }
  }

  private array(path: JsonPath, depth: number): void {
    this.index++;
    this.skipSpace();
    if (this.text[this.index] === ']') {
      this.index++;
      return;
    }
    for (let item = 0; ; item++) {
      this.skipSpace();
      this.value([...path, item], depth + 1);
      this.skipSpace();
      const next = this.text[this.index];
      this.index++;
      if (next === ']') return;
      if (next !== ',')
        this.fail(
          `Expected ',' or ']' in an array but found ${next === undefined ? 'end of input' : JSON.stringify(next)}`,
          this.index - 1,
        );
      this.skipSpace();
      if (this.text[this.index] === ']') this.fail('Trailing comma before ]: JSON does not allow it');
    }
  }

  private string(): string {
    const start = this.index;
    this.index++;
    while (this.index < this.text.length) {
      const char = this.text[this.index] as string;
      if (char === '"') {
        this.index++;
        return JSON.parse(this.text.slice(start, this.index)) as string;
      }
      if (char === '\\') {
        const escaped = this.text[this.index + 1];
        if (escaped === undefined || !'"\\/bfnrtu'.includes(escaped)) this.fail('Invalid escape in a string');
        if (escaped === 'u' && !/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
          this.fail('Invalid \\u escape in a string');
        }
        this.index += escaped === 'u' ? 6 : 2;
        continue;
      }
      if (char < ' ') this.fail('Unescaped control character (a raw newline?) in a string');
      this.index++;
    }
    return this.fail('Unterminated string', start);
  }

  private number(): void {
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail(`Invalid number starting with ${this.describeHere()}`);
    const digits = match[0];
    if (!Number.isFinite(Number(digits))) {
      const shown = digits.length > 24 ? `${digits.slice(0, 12)}...(${digits.length} characters)` : digits;
      this.fail(`number ${shown} is out of range (beyond ±${Number.MAX_VALUE})`, this.index, 'number-range');
    }
    this.index += digits.length;
  }
}
