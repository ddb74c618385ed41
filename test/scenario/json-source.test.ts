/**
 * Goal: JSON positions are right, so messages can say "line 14, column 17". Method: locate
 * values of a small document by path; check syntax errors carry the right line and column;
 * a fast-check property checks the scanner accepts exactly what JSON.parse accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonSource } from '../../src/scenario/json-source.ts';

describe('parseJsonSource', () => {
  const text = '{\n  "a": [1, {"b": "x"}],\n  "c": null\n}';

  it('locates values by path, falling back to the nearest ancestor', () => {
    const source = parseJsonSource(text);
    expect(source.value).toEqual({ a: [1, { b: 'x' }], c: null });
    expect(source.locate(['a'])).toEqual({ line: 2, column: 8 });
    expect(source.locate(['a', 1, 'b'])).toEqual({ line: 2, column: 18 });
    expect(source.locate(['c'])).toEqual({ line: 3, column: 8 });
    expect(source.locate(['a', 1, 'missing'])).toEqual({ line: 2, column: 12 });
    expect(source.locate([])).toEqual({ line: 1, column: 1 });
  });

  it('reports syntax errors with line and column', () => {
    const cases: [string, number, number][] = [
      ['{\n  "a": 1,\n}', 3, 1],
      ['{"a" 1}', 1, 6],
      ['[1, 2', 1, 6],
      ['{"a": tru}', 1, 7],
      ['{} {}', 1, 4],
      ['"\\q"', 1, 2],
    ];
    for (const [input, line, column] of cases) {
      try {
        parseJsonSource(input);
        expect.unreachable(`accepted ${input}`);
      } catch (error) {
        expect(error).toBeInstanceOf(JsonSyntaxError);
        expect((error as JsonSyntaxError).position, input).toEqual({ line, column });
      }
    }
  });

  it('accepts exactly what JSON.parse accepts', () => {
    const accepts = (input: string, parse: (s: string) => unknown) => {
      try {
        parse(input);
        return true;
      } catch {
        return false;
      }
    };
    const documents = fc.oneof(
      fc.json(),
      fc.json().map((json) => json.slice(0, Math.max(0, json.length - 1))),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', '-', 'e', ' ', '\n', 't', '\\', 'u') }),
    );
    fc.assert(
      fc.property(documents, (input) => accepts(input, parseJsonSource) === accepts(input, JSON.parse)),
      { numRuns: 2000, seed: 7 },
    );
  });
});
