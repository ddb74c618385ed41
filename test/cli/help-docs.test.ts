/**
 * Every command's --help against the README and the docs (issue 16): what a user reads in
 * one place must hold in the other.
 * Method: runs `main([...command, '--help'])` in process for every command the top-level
 * help lists, collects the long flags and the defaults each help shows, and asserts that
 * (1) every flag is documented (README, or docs/real-network.md for the real-network
 * commands), (2) every flag of a README synopsis line exists on that command, (3) the
 * defaults the README's flag table states equal the defaults the help shows, in the same
 * unit, (4) no document states another default seed count for the gate than the CLI's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATE_DEFAULTS, main } from '../../src/cli/main.ts';
import { recordingIo } from './io.ts';

const COMMANDS = [
  ['gate'],
  ['run'],
  ['fuzz'],
  ['replay'],
  ['list'],
  ['report', 'merge'],
  ['bench', 'coalescing'],
  ['serve'],
  ['proxy'],
  ['conform'],
  ['chaos'],
] as const;
const REALNET = new Set(['serve', 'proxy', 'conform', 'chaos']);
const README = readFileSync('README.md', 'utf8');
const REAL_NETWORK_DOC = readFileSync('docs/real-network.md', 'utf8');

async function help(args: readonly string[]): Promise<string> {
  const io = recordingIo();
  const code = await main([...args, '--help'], io);
  expect(code, args.join(' ')).toBe(0);
  return io.stdout.join('');
}

/** `--flag` → the text of its help entry (wrapped lines joined). */
function helpEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const start = /^\s{2}(?:-\w, )?(--[\w-]+)/.exec(line);
    if (start?.[1] !== undefined) {
      current = start[1];
      entries.set(current, line.trim());
    } else if (current !== undefined && /^\s{10,}\S/.test(line)) {
      entries.set(current, `${entries.get(current)} ${line.trim()}`);
    } else current = undefined;
  }
  entries.delete('--help');
  return entries;
}

const helps = new Map<string, Map<string, string>>();
async function entriesOf(command: readonly string[]): Promise<Map<string, string>> {
  const key = command.join(' ');
  if (!helps.has(key)) helps.set(key, helpEntries(await help(command)));
  return helps.get(key)!;
}

describe('--help and the docs', () => {
  it('the top-level help lists exactly the commands checked here', async () => {
    const text = await help([]);
    const listed = [...text.matchAll(/^\s{2}([a-z]+)\b/gm)].map((match) => match[1]);
    expect(listed.filter((name) => name !== 'help').sort()).toEqual(
      [...new Set(COMMANDS.map((command) => command[0]))].sort(),
    );
    expect(text).toContain('--version');
  });

  it('documents every flag of every command', async () => {
    const missing: string[] = [];
    for (const command of COMMANDS) {
      const doc = REALNET.has(command[0]) ? REAL_NETWORK_DOC : README;
      for (const flag of (await entriesOf(command)).keys()) {
        if (!new RegExp(`${flag}(?![\\w-])`).test(doc)) missing.push(`${command.join(' ')} ${flag}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every flag on a README synopsis line exists on that command', async () => {
    const wrong: string[] = [];
    for (const line of README.split('\n')) {
      const synopsis = /^syncstorm ((?:report |bench )?[a-z]+)\s/.exec(line);
      if (synopsis?.[1] === undefined) continue;
      const command = synopsis[1].split(' ');
      const flags = await entriesOf(command);
      for (const match of line.matchAll(/--[\w-]+/g)) if (!flags.has(match[0])) wrong.push(`${line}: ${match[0]}`);
    }
    expect(wrong).toEqual([]);
  });

  it("the README's flag table states the defaults the help shows, in the flag's unit", async () => {
    const gate = await entriesOf(['gate']);
    expect(gate.size).toBeGreaterThan(15);
    let compared = 0;
    for (const row of README.split('\n').filter((line) => line.startsWith('| `--'))) {
      const flags = [...row.split('|')[1]!.matchAll(/--[\w-]+/g)].map((match) => match[0]);
      const defaults = [...row.split('|')[2]!.matchAll(/\((\d+)\)/g)].map((match) => match[1]);
      if (defaults.length === 0) continue;
      // Rows like "`--devices <n>`, `--ops <n>` | devices per run (3), user actions per device (10)".
      expect(defaults.length, row).toBeLessThanOrEqual(flags.length);
      defaults.forEach((value, index) => {
        const entry = gate.get(flags[index]!);
        expect(entry, row).toBeDefined();
        expect(entry, row).toMatch(new RegExp(`\\(default: "?${value}"?\\)`));
        compared++;
      });
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });

  it('shows time defaults in the unit the option is given in', async () => {
    for (const command of COMMANDS) {
      for (const [flag, entry] of await entriesOf(command)) {
        const shown = /\(default: (\d+)\)/.exec(entry)?.[1];
        if (!entry.includes('<seconds>') || shown === undefined) continue;
        expect(Number(shown), `${command.join(' ')} ${flag}: ${entry}`).toBeLessThanOrEqual(3_600);
      }
    }
  });

  it("states the gate's default seed count wherever a document names one", () => {
    const documents = ['README.md', ...readdirSync('docs').map((name) => `docs/${name}`)];
    const wrong: string[] = [];
    for (const path of documents) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.includes('gate') || line.includes('--seeds')) continue;
        for (const match of line.matchAll(/(\d+) seeds/g)) {
          if (Number(match[1]) !== GATE_DEFAULTS.seeds) wrong.push(`${path}: ${line.trim()}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
