/**
 * Goal: the CLI's arguments are checked before any work, and bad input ends with exit 2
 * and one line on stderr naming what and where, never a stack trace. Method: main() runs
 * in this process with a recording CliIo, for bad flags, unknown commands and clients,
 * malformed scenario files (the generated set of the scenario tests), and the list
 * catalogues.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paint } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { parseShard, shardRange } from '../../src/cli/options.ts';
import { MUTANTS } from '../../src/client/mutants/index.ts';
import { malformedScenarios } from '../scenario/fixtures.ts';
import { isOneLineMessage, isProblemList, recordingIo } from './io.ts';

const dir = mkdtempSync(join(tmpdir(), 'syncstorm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(''), stderr: io.stderr.join('') };
}

describe('bad input exits 2 with one located line', () => {
  const cases: [string[], string][] = [
    [['fuzz', '--seeds', 'many'], "Option '--seeds <count>' argument 'many' is invalid. Expected a whole number"],
    [['fuzz', '--seeds', '0'], '--seeds'],
    [['fuzz', '--devices', '-1'], '--devices'],
    [['fuzz', '--profile', 'stormy'], 'Allowed choices are calm, flaky, hostile'],
    [['fuzz', '--shard', '3/2'], 'Expected 1 <= i <= n'],
    [['fuzz', '--shard', 'half'], "Expected 'i/n'"],
    [['fuzz', '--time-limit', '-5'], '--time-limit'],
    [['gate', '--seeds', '1.5'], '--seeds'],
    [['run'], "Missing required argument 'paths'"],
    [['run', '--sedes', '3', 'x.json'], "Unknown option '--sedes'"],
    [['frobnicate'], "Unknown command 'frobnicate'. See 'syncstorm --help'."],
    [
      ['list', 'colours'],
      "list: unknown catalogue 'colours'. Choose one of clients, mutants, faults, invariants, profiles, servers.",
    ],
    [['fuzz', '--client', 'mutant:nope'], "no mutant named 'nope'"],
    [['fuzz', '--client', './missing-client.ts'], "Client module './missing-client.ts' not found"],
    [['fuzz', '--client', 'process:./no-such-client'], "Process client './no-such-client' exited"],
    [['run', 'no/such/file.json'], "Scenario path 'no/such/file.json' does not exist."],
    [['replay', 'no/such/file.json'], "Failed to load scenario 'no/such/file.json': the file does not exist."],
    [['report', 'merge', 'no/such/dir'], "report merge: 'no/such/dir' is not a folder."],
  ];
  for (const [args, expected] of cases) {
    it(`syncstorm ${args.join(' ')}`, async () => {
      const { code, stdout, stderr } = await cli(...args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(isOneLineMessage(stderr), stderr).toBe(true);
      expect(stderr).toContain(expected);
    });
  }

  it('rejects every generated malformed scenario, naming the file and the path', async () => {
    for (const [index, malformed] of malformedScenarios().entries()) {
      const path = join(dir, `bad-${index}.json`);
      writeFileSync(path, malformed.text);
      for (const command of ['run', 'replay']) {
        const { code, stderr } = await cli(command, path);
        expect(code, malformed.label).toBe(2);
        expect(isProblemList(stderr), `${malformed.label}: ${stderr}`).toBe(true);
        expect(stderr).toContain(`Failed to load scenario '${path}'`);
        // The fixtures' places are written for a file named x.json.
        const located = stderr.split(`${path}:`).join('x.json:');
        for (const mention of malformed.mentions) expect(located, malformed.label).toContain(mention);
      }
    }
  });

  it('names the scenario whose client does not resolve, before running anything', async () => {
    const good = join(dir, 'good.json');
    const bad = join(dir, 'unknown-client.json');
    const scenario = {
      name: 's',
      description: 'd',
      devices: [{ id: 'a' }],
      profile: 'calm',
      steps: [],
      expect: { violations: [] },
    };
    writeFileSync(good, JSON.stringify(scenario));
    writeFileSync(bad, JSON.stringify({ ...scenario, client: 'mutant:typo' }));
    const { code, stdout, stderr } = await cli('run', good, bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Scenario '${bad}' (client 'mutant:typo'): Client 'mutant:typo': no mutant named 'typo'`);
  });
});

describe('catalogues', () => {
  it('lists every mutant with its invariant, and the other catalogues', async () => {
    const mutants = await cli('list', 'mutants');
    expect(mutants.code).toBe(0);
    for (const mutant of MUTANTS) expect(mutants.stdout).toMatch(new RegExp(`${mutant.name} +${mutant.invariant}: `));
    const faults = await cli('list', 'faults', '--json');
    expect(Object.keys(JSON.parse(faults.stdout))).toEqual([
      'network faults',
      'server faults',
      'device faults',
      'link faults',
    ]);
    expect((await cli('list', 'invariants')).stdout).toContain('no-silent-loss');
    expect((await cli('list', 'profiles')).stdout).toContain('hostile');
    expect((await cli('list', 'clients')).stdout).toContain('reference:per-field');
  });

  it('prints help with exit 0, and usage with exit 2 when no command is given', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gate');
    const fuzzHelp = await cli('fuzz', '--help');
    expect(fuzzHelp.stdout).toContain('--shard <i/n>');
    expect((await cli()).code).toBe(2);
  });
});

describe('options', () => {
  it('splits seeds into contiguous shards that cover every seed once', () => {
    const covered: number[] = [];
    for (let index = 1; index <= 3; index++) {
      const { start, end } = shardRange(10, parseShard(`${index}/3`));
      for (let seed = start; seed < end; seed++) covered.push(seed);
    }
    expect(covered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('colours only when asked (NO_COLOR and non-terminals get plain text)', () => {
    expect(paint(false).fail('x')).toBe('x');
    expect(paint(true).fail('x')).toBe('\x1b[31mx\x1b[39m');
  });
});
