/**
 * Goal: campaigns show progress the way the medium wants it: one line redrawn in place on
 * a terminal, plain lines (one per tenth, one per failure) in CI logs, colour only when
 * enabled. Method: drive Progress with a recording CliIo in both modes.
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.ts';
import { LINE_EVERY_RUNS, ShrinkProgress } from '../../src/cli/shrink-progress.ts';
import type { Plan } from '../../src/sim/plan.ts';
import { recordingIo } from './io.ts';

describe('Progress', () => {
  it('prints plain lines when stderr is not a terminal', () => {
    const io = recordingIo();
    const progress = new Progress(io, 'fuzz', 20);
    for (let done = 1; done <= 20; done++)
      progress.update(done, done >= 7 ? 1 : 0, done === 7 ? '✗ seed 7: boom' : undefined);
    progress.finish();
    const lines = io.stderr.join('').trimEnd().split('\n');
    expect(lines[0]).toBe('fuzz: 20 seeds');
    expect(lines).toContain('✗ seed 7: boom');
    expect(lines.filter((line) => /^fuzz: \d+\/20 seeds/.test(line))).toHaveLength(10);
    expect(io.stderr.join('')).not.toContain('\r');
  });

  it('redraws one line on a terminal, with notes above it', () => {
    const io = { ...recordingIo(), interactive: true, color: true };
    const stderr: string[] = [];
    io.err = (text: string) => void stderr.push(text);
    const progress = new Progress(io, 'fuzz', 4);
    progress.update(1, 0);
    progress.update(2, 1, 'note');
    progress.finish();
    const text = stderr.join('');
    expect(text).toContain('\r\x1b[2Kfuzz [######..................] 1/4');
    expect(text).toContain('\r\x1b[2Knote\n');
    expect(text).toContain('\x1b[31m1 failed\x1b[39m');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('estimates the time left from the pace so far, and drops the estimate at the end', () => {
    // recordingIo's clock moves 10 ms per reading: the pace is a fixed number of ms per seed.
    const io = recordingIo();
    const progress = new Progress(io, 'fuzz', 10);
    for (let done = 1; done <= 10; done++) progress.update(done, 0);
    const lines = io.stderr.join('').trimEnd().split('\n');
    expect(lines[1]).toMatch(/^fuzz: 1\/10 seeds, 0 failed, 0\.0 s, ETA 0\.\d s$/);
    expect(lines.at(-1)).toMatch(/^fuzz: 10\/10 seeds, 0 failed, \d+\.\d s$/);
  });
});

/** A plan of `steps` steps and `rules` network rules (only the sizes matter here). */
function planOf(steps: number, rules: number): Plan {
  return {
    steps: new Array(steps).fill({}),
    networkRules: new Array(rules).fill({}),
    serverRules: [],
  } as unknown as Plan;
}

describe('ShrinkProgress', () => {
  it('says how many candidates were tried and the smallest failing size, every few candidates in CI logs', () => {
    const io = recordingIo();
    const shrink = new ShrinkProgress(io, 'shrinking seed 7 (no-duplicates)', planOf(40, 6));
    for (let runs = 1; runs <= 2 * LINE_EVERY_RUNS; runs++) {
      // Every third candidate still fails and is smaller; the others pass and change nothing.
      shrink.update(planOf(60 - runs, runs % 3 === 0 ? 2 : 9), runs % 3 === 0, runs);
    }
    shrink.finish();
    const lines = io.stderr.join('').trimEnd().split('\n');
    expect(lines[0]).toBe('shrinking seed 7 (no-duplicates): 40 steps, 6 fault rules...');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^shrinking seed 7 \(no-duplicates\): 25 candidates tried, now 36 steps, 2 fault rules, /);
    expect(lines[2]).toContain(`${2 * LINE_EVERY_RUNS} candidates tried, now 12 steps, 2 fault rules`);
  });

  it('redraws one line per candidate on a terminal', () => {
    const io = { ...recordingIo(), interactive: true };
    const shrink = new ShrinkProgress(io, 'shrinking seed 3 (durability)', planOf(10, 1));
    shrink.update(planOf(5, 1), true, 1);
    shrink.update(planOf(2, 0), false, 2);
    shrink.finish();
    const text = io.stderr.join('');
    expect(text).toContain('\r\x1b[2Kshrinking seed 3 (durability): 2 candidates tried, now 5 steps, 1 fault rules');
    expect(text.endsWith('\n')).toBe(true);
  });
});
