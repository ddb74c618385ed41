/**
 * Goal: loading a scenario file either yields a checked scenario or throws one UsageError
 * whose single-line message names the file, the JSON path, what was expected, and where in
 * the file it is. Method: a valid fixture loads; ~40 hand-made malformations each give
 * their located message; a fast-check property corrupts valid files at random (values
 * replaced by wrong types, keys dropped, text cut) and asserts nothing else is ever thrown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/kernel/errors.ts';
import { loadScenario, loadScenarios, PROBLEMS_SHOWN_MAX, parseScenario } from '../../src/scenario/load.ts';
import { malformedScenarios, validScenario } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(text: string, source = 'x.json'): UsageError {
  try {
    parseScenario(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('loadScenario', () => {
  it('loads a valid scenario, keeping every field the simulator needs', () => {
    const path = join(dir, 'valid.json');
    writeFileSync(path, JSON.stringify(validScenario(), null, 2));
    const scenario = loadScenario(path);
    expect(scenario).toEqual(validScenario());
  });

  it('accepts a byte-order mark and an integer seed', () => {
    const scenario = parseScenario(`\ufeff${JSON.stringify({ ...validScenario(), seed: 7 })}`, 'bom.json');
    expect(scenario.seed).toBe(7);
  });

  for (const malformed of malformedScenarios()) {
    it(`rejects ${malformed.label} with a located message`, () => {
      const error = failure(malformed.text);
      expect(error.message.startsWith("[syncstorm] Failed to load scenario 'x.json': ")).toBe(true);
      // One problem: one line; several: a head line and one line each.
      expect(error.message.includes('\n')).toBe((error as UsageError).multiline);
      for (const mention of malformed.mentions) expect(error.message).toContain(mention);
      expect(error.message).toMatch(/x\.json:\d+:\d+ /);
      expect(error.exitCode).toBe(2);
    });
  }

  it('points at the offending line and column', () => {
    const text = JSON.stringify({ ...validScenario(), profile: 'stormy' }, null, 2);
    const line = text.split('\n').findIndex((row) => row.includes('"stormy"')) + 1;
    const column = (text.split('\n')[line - 1] as string).indexOf('"stormy"') + 1;
    expect(failure(text).message).toContain(`x.json:${line}:${column} /profile: profile must be one of`);
  });

  it('lists every problem the way compilers do: file:line:column, JSON pointer, message, one line each', () => {
    const text = JSON.stringify({ ...validScenario(), name: 1, profile: 'x', devices: 'y' }, null, 2);
    const lines = failure(text).message.split('\n');
    expect(lines[0]).toBe("[syncstorm] Failed to load scenario 'x.json': 3 problems:");
    const located = lines.slice(1).map((line) => /^ {2}x\.json:(\d+):(\d+) (\/\S*): (.*)$/.exec(line));
    expect(located.every((match) => match !== null)).toBe(true);
    expect(located.map((match) => match?.[3]).sort()).toEqual(['/devices', '/name', '/profile']);
    const rows = text.split('\n');
    for (const match of located) {
      const [, line, , pointer, message] = match ?? [];
      const key = String(pointer).slice(1);
      const row = rows[Number(line) - 1] as string;
      expect(row.indexOf(`"${key}"`) + 1).toBeGreaterThan(0);
      expect(message).toMatch(new RegExp(`^${key} `));
    }
    expect(lines.join(' ')).not.toContain('more problem');
  });

  it('lists at most PROBLEMS_SHOWN_MAX problems and counts the rest', () => {
    const scenario = validScenario() as unknown as { steps: Record<string, unknown>[] };
    for (let index = 0; index < 25; index++) scenario.steps.unshift({ at: -1, do: 'sync', device: 'phone' });
    const message = failure(JSON.stringify(scenario, null, 2)).message;
    expect(message.match(/must be >= 0/g)).toHaveLength(PROBLEMS_SHOWN_MAX);
    expect(message).toContain(`(and ${25 - PROBLEMS_SHOWN_MAX} more problems, not listed)`);
    expect(message.split('\n')).toHaveLength(1 + PROBLEMS_SHOWN_MAX + 1);
    expect(message).toContain('x.json:');
  });

  it('names a missing file and a directory', () => {
    expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(
      /Failed to load scenario '.*missing\.json': the file does not exist\./,
    );
    expect(() => loadScenario(dir)).toThrow(/it is a directory/);
  });

  it('collects *.json under folders, sorted, and rejects an empty folder', () => {
    const nested = mkdtempSync(join(dir, 'set-'));
    writeFileSync(join(nested, 'b.json'), JSON.stringify({ ...validScenario(), name: 'b' }));
    writeFileSync(join(nested, 'a.json'), JSON.stringify({ ...validScenario(), name: 'a' }));
    writeFileSync(join(nested, 'notes.txt'), 'not a scenario');
    expect(loadScenarios([nested]).map((loaded) => loaded.scenario.name)).toEqual(['a', 'b']);
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(() => loadScenarios([empty])).toThrow(UsageError);
  });

  it('never throws anything but a UsageError on corrupted files, one line per problem', () => {
    const base = JSON.stringify(validScenario(), null, 2);
    const junk = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.object({ maxDepth: 1 }),
    );
    const corruptValue = fc.tuple(fc.nat(), junk).map(([pick, value]) => {
      const scenario = JSON.parse(base);
      const paths = leafPaths(scenario);
      const path = paths[pick % paths.length] as (string | number)[];
      setAt(scenario, path, value);
      return JSON.stringify(scenario, null, 2);
    });
    const cutText = fc.nat({ max: base.length - 1 }).map((end) => base.slice(0, end));
    fc.assert(
      fc.property(fc.oneof(corruptValue, cutText), (text) => {
        try {
          parseScenario(text, 'fuzzed.json');
        } catch (error) {
          if (!(error instanceof UsageError)) return false;
          return (
            error.message.startsWith("[syncstorm] Failed to load scenario 'fuzzed.json': ") &&
            error.message.includes('\n') === error.multiline &&
            error.message
              .split('\n')
              .slice(1)
              .every((line) => /^ {2}fuzzed\.json:\d+:\d+ \/|^\(and /.test(line))
          );
        }
        return true;
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([key, item]) => leafPaths(item, [...path, key]))];
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  if (path.length === 0) return;
  let target: Record<string | number, unknown> = root;
  for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, unknown>;
  target[path[path.length - 1] as string | number] = value;
}
