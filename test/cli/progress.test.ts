/**
 * Goal: campaigns show progress the way the medium wants it: one line redrawn in place on
 * a terminal, plain lines (one per tenth, one per failure) in CI logs, colour only when
 * enabled. Method: drive Progress with a recording CliIo in both modes.
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.ts';
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
});
