/**
 * Goal: names from a scenario file or a client never reach the terminal as raw control
 * characters (issue 20: terminal escapes in names were printed raw). Method: printable()
 * on escape sequences, C1 and bidi controls; a malformed scenario whose device id carries
 * an escape sequence goes through main(): the one error line shows `\x1b`, never ESC.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { validScenario } from '../scenario/fixtures.ts';
import { recordingIo } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-printable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for raw control characters
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

describe('printable', () => {
  it('escapes control, C1 and bidi characters and keeps the rest', () => {
    expect(printable('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(printable('title\x07\x9b\u202eevil')).toBe('title\\x07\\x9b\\u202eevil');
    expect(printable('line\nnext\ttab')).toBe('line\\x0anext\\x09tab');
    expect(printable('café ✓ 日本')).toBe('café ✓ 日本');
  });

  it('keeps an escape sequence in a device id out of the error line', async () => {
    const scenario = validScenario() as unknown as { steps: { device?: string }[] };
    (scenario.steps[4] as { device: string }).device = '\x1b]0;owned\x07\x1b[2J';
    const path = join(dir, 'escape.json');
    writeFileSync(path, JSON.stringify(scenario));
    const io = recordingIo();
    expect(await main(['run', path], io)).toBe(2);
    const stderr = io.stderr.join('');
    expect(stderr).toContain('\\x1b]0;owned\\x07\\x1b[2J');
    expect(stderr.slice(0, -1)).not.toMatch(RAW_CONTROL);
  });
});
