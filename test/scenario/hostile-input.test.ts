/**
 * Goal: no scenario file, however malformed or hostile, gets anything out of the loader but
 * a checked scenario or one '[syncstorm]' line naming the file (issue 20, item 7). Method:
 * 13 families x 24 seeded mutations of the valid scenarios under scenarios/ (312 files,
 * the same ones every run) are written to a temporary folder and loaded in this process:
 * each load returns a scenario that converts to a plan, or throws a UsageError whose one
 * line starts with "[syncstorm] Failed to load scenario '<file>'"; never a TypeError or a
 * stack. Every family must produce rejections. One rejected file of each of six families
 * then goes through the real binary (`syncstorm run <file>`): exit 2, one line, no "internal error".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/kernel/errors.ts';
import { scenarioToPlan } from '../../src/scenario/convert.ts';
import { displayPath, loadScenario } from '../../src/scenario/load.ts';
import { isProblemList, syncstorm } from '../cli/io.ts';
import { HOSTILE_KINDS, hostileScenarios } from './hostile-scenarios.ts';

const PER_KIND = 24;
const dir = mkdtempSync(join(tmpdir(), 'syncstorm-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = hostileScenarios('issue-20', PER_KIND).map((file) => {
  const path = join(dir, file.name);
  writeFileSync(path, file.bytes);
  return { ...file, path };
});

type Outcome = { kind: string; path: string; accepted: boolean; message: string };

function load(file: (typeof files)[number]): Outcome {
  try {
    const scenario = loadScenario(file.path);
    scenarioToPlan(scenario);
    return { kind: file.kind, path: file.path, accepted: true, message: '' };
  } catch (error) {
    if (!(error instanceof UsageError)) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${file.name} (${file.kind}) threw a non-usage error: ${detail}`);
    }
    return { kind: file.kind, path: file.path, accepted: false, message: error.message };
  }
}

describe('hostile scenario files', () => {
  const outcomes: Outcome[] = [];

  it(`loads ${HOSTILE_KINDS.length * PER_KIND} generated files: accepted, or one located line each`, () => {
    expect(files).toHaveLength(HOSTILE_KINDS.length * PER_KIND);
    for (const file of files) {
      const outcome = load(file);
      outcomes.push(outcome);
      if (outcome.accepted) continue;
      expect(outcome.message.startsWith(`[syncstorm] Failed to load scenario '${displayPath(file.path)}': `)).toBe(
        true,
      );
      // One problem: one line; several: a head line, then one `file:line:column` line each.
      for (const line of outcome.message.split('\n').slice(1))
        expect(line, file.name).toMatch(/^ {2}\S+:\d+:\d+ |^\(and /);
      expect(outcome.message).not.toMatch(/TypeError|\bat .*\.ts:\d+/);
    }
    for (const kind of HOSTILE_KINDS) {
      const rejected = outcomes.filter((outcome) => outcome.kind === kind && !outcome.accepted).length;
      expect(rejected, `rejections of ${kind}`).toBeGreaterThan(0);
    }
    // Most mutations break the file; a few (an extra digit that fits, a reordered key) do not.
    expect(outcomes.filter((outcome) => !outcome.accepted).length).toBeGreaterThan(files.length * 0.7);
  });

  it('names each family by the right problem', () => {
    const first = (kind: string) => outcomes.filter((outcome) => outcome.kind === kind && !outcome.accepted);
    expect(first('duplicate-key').every((outcome) => outcome.message.includes('duplicate key'))).toBe(true);
    expect(first('huge-number').some((outcome) => outcome.message.includes('out of range'))).toBe(true);
    expect(first('deep-nesting').some((outcome) => outcome.message.includes('Nesting deeper than'))).toBe(true);
    expect(first('bad-unicode').some((outcome) => outcome.message.includes('not valid UTF-8'))).toBe(true);
    expect(first('unknown-device').some((outcome) => outcome.message.includes('is not declared'))).toBe(true);
    expect(first('negative-time').some((outcome) => outcome.message.includes('must be >= 0'))).toBe(true);
  });

  it('the binary exits 2 with one line for a rejected file of six families', () => {
    const kinds = ['huge-number', 'deep-nesting', 'duplicate-key', 'bad-unicode', 'truncated', 'control-characters'];
    const picked = kinds.flatMap((kind) => outcomes.filter((o) => o.kind === kind && !o.accepted).slice(0, 1));
    expect(picked.length).toBe(kinds.length);
    for (const outcome of picked) {
      const { status, stdout, stderr } = syncstorm(['run', outcome.path]);
      expect(status, `${outcome.kind}: ${stderr}`).toBe(2);
      expect(stdout).toBe('');
      expect(isProblemList(stderr), stderr).toBe(true);
      expect(stderr).not.toContain('internal error');
      expect(stderr).toContain(outcome.path.split('/').pop());
    }
  });
});
