/**
 * Goal: reading a scenario file never blocks, never reads an unbounded stream, and says
 * what is really wrong (issue 20). Method: a FIFO, /dev/zero, a file over the size bound, a
 * symlink loop, invalid UTF-8, duplicate keys, a 500-digit number and a bad header name in a
 * status rule each give a one-line UsageError naming the file and the problem. The FIFO and
 * /dev/zero cases would hang or grow without bound if the loader opened them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/kernel/errors.ts';
import { loadScenario, loadScenarios, parseScenario, SCENARIO_BYTES_MAX } from '../../src/scenario/load.ts';
import { validScenario } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-load-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const text = (error as UsageError).message;
    expect(text.includes('\n')).toBe((error as UsageError).multiline);
    return text;
  }
  throw new Error('expected a UsageError');
}

const valid = () => JSON.stringify(validScenario(), null, 2);

describe('reading scenario files', () => {
  it('refuses a FIFO named x.json without opening it', () => {
    const fifo = join(dir, 'x.json');
    execFileSync('mkfifo', [fifo]);
    expect(message(() => loadScenario(fifo))).toMatch(/x\.json': it is a FIFO \(named pipe\), not a regular file\./);
    // Found while walking a folder, too.
    expect(message(() => loadScenarios([dir]))).toContain('FIFO');
  });

  it('refuses /dev/zero as a device', () => {
    if (!existsSync('/dev/zero')) return;
    expect(message(() => loadScenario('/dev/zero'))).toContain("'/dev/zero': it is a device, not a regular file.");
  });

  it('refuses a file over the size bound by its size, without parsing it', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, SCENARIO_BYTES_MAX + 1); // sparse: no real disk use
    expect(message(() => loadScenario(big))).toContain(`at most ${SCENARIO_BYTES_MAX}`);
  });

  it('reports a symlink loop as a loop, not as a missing file', () => {
    const a = join(dir, 'loop-a.json');
    const b = join(dir, 'loop-b.json');
    symlinkSync(b, a);
    symlinkSync(a, b);
    const text = message(() => loadScenario(a));
    expect(text).toContain('symbolic link loop (ELOOP)');
    expect(text).not.toContain('does not exist');
    expect(message(() => loadScenarios([a]))).toContain('ELOOP');
    rmSync(a);
    rmSync(b);
  });

  it('refuses invalid UTF-8, naming the line', () => {
    const bad = join(dir, 'latin1.json');
    writeFileSync(bad, Buffer.concat([Buffer.from('{\n"name": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}')]));
    expect(message(() => loadScenario(bad))).toContain('not valid UTF-8 (first bad byte on line 2)');
  });

  it('loads a valid file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, valid());
    expect(loadScenario(path).name).toBe('fixture');
  });
});

describe('JSON a scenario cannot be', () => {
  it('rejects a duplicated key, naming it and both places', () => {
    const text = valid().replace('"profile": "calm",', '"profile": "calm",\n  "profile": "hostile",');
    const line = text.split('\n').findIndex((row) => row.includes('"hostile"')) + 1;
    const text2 = message(() => parseScenario(text, 'dup.json'));
    expect(text2).toContain(
      `Failed to load scenario 'dup.json': dup.json:${line}:3 duplicate key "profile" at the top level (first at line ${line - 1}, column 3)`,
    );
    expect(text2).not.toContain('invalid JSON');
  });

  it('rejects a duplicated key in a nested object, naming its path', () => {
    const text = valid().replace('"nth": 1', '"nth": 1, "nth": 2');
    expect(message(() => parseScenario(text, 'dup.json'))).toContain('duplicate key "nth" in networkRules[0].match');
  });

  it('reports a 500-digit number as out of range at its position, not as invalid JSON', () => {
    const text = valid().replace('"at": 1000', `"at": 1${'0'.repeat(499)}`);
    const line = text.split('\n').findIndex((row) => row.includes('"at": 1000000')) + 1;
    const text2 = message(() => parseScenario(text, 'big.json'));
    expect(text2).toContain('(500 characters) is out of range');
    expect(text2).toContain(`big.json:${line}:`);
    expect(text2).not.toContain('invalid JSON');
  });

  it('rejects a status rule with an invalid header name or value at load time', () => {
    const rule = (headers: Record<string, string>) =>
      JSON.stringify({
        ...validScenario(),
        networkRules: [{ match: {}, verdict: { type: 'status', status: 503, headers } }],
      });
    expect(message(() => parseScenario(rule({ 'Retry After': '5' }), 'h.json'))).toContain(
      'networkRules[0].verdict.headers key "Retry After" must be an HTTP header name',
    );
    expect(message(() => parseScenario(rule({ 'Retry-After': '5\r\nX: y' }), 'h.json'))).toContain(
      'must be an HTTP header value',
    );
    expect(message(() => parseScenario(rule({ 'X-Note': '€' }), 'h.json'))).toContain('must be an HTTP header value');
    expect(parseScenario(rule({ 'Retry-After': '5', 'X-Note': 'café' }), 'h.json').name).toBe('fixture');
  });
});
