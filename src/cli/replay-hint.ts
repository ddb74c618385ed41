/**
 * @module cli/replay-hint
 * The "reproduce with" command printed beside a failure. It must make the same run: every
 * flag that changes a run is carried over. The flags are a list, so that a new one (say a
 * `--server`) is one line in RUN_CHANGING_FLAGS. Words that need it are quoted for a POSIX
 * shell.
 */
import { ALLOW_SCENARIO_CLIENTS_FLAG, clientRunsCode } from '../scenario/trust.ts';
import { isServerModuleSpec } from '../server/resolve.ts';
import { DEFAULT_CLIENT } from './clients.ts';

/** What the hint is built from: the command's parsed flags and the scenario's own choices. */
export interface HintContext {
  /** The command's parsed flags (commander's names: `client`, `realGlobals` …). */
  flags: Readonly<Record<string, unknown>>;
  /** The client the scenario names itself (its `client` field), if any: then --client does not apply. */
  scenarioClient?: string;
  /** The server the scenario names itself (its `server` field), if any: then --server does not apply. */
  scenarioServer?: string;
}

/** One flag that changes a run: the words it adds to the hint (none when it is not set). */
export interface RunChangingFlag {
  flag: string;
  words: (context: HintContext) => string[];
}

/** A boolean flag, carried when set. */
function switchFlag(flag: string, key: string): RunChangingFlag {
  return { flag, words: ({ flags }) => (flags[key] === true ? [flag] : []) };
}

/** A flag with a value, carried when set (for flags to come, e.g. `valueFlag('--server', 'server')`). */
export function valueFlag(flag: string, key: string): RunChangingFlag {
  return { flag, words: ({ flags }) => (typeof flags[key] === 'string' ? [flag, flags[key] as string] : []) };
}

/** Every flag that changes a run, in the order they are printed. */
export const RUN_CHANGING_FLAGS: readonly RunChangingFlag[] = [
  {
    flag: '--client',
    words: ({ flags, scenarioClient }) => {
      const client = flags.client;
      if (scenarioClient !== undefined || typeof client !== 'string' || client === DEFAULT_CLIENT) return [];
      return ['--client', client];
    },
  },
  {
    flag: '--server',
    words: ({ flags, scenarioServer }) => {
      const server = flags.server;
      if (scenarioServer !== undefined || typeof server !== 'string' || server.trim() === 'reference') return [];
      return ['--server', server];
    },
  },
  {
    // A scenario that names a client or a server running code is refused without it.
    flag: ALLOW_SCENARIO_CLIENTS_FLAG,
    words: ({ scenarioClient, scenarioServer }) =>
      (scenarioClient !== undefined && clientRunsCode(scenarioClient)) ||
      (scenarioServer !== undefined && isServerModuleSpec(scenarioServer))
        ? [ALLOW_SCENARIO_CLIENTS_FLAG]
        : [],
  },
  switchFlag('--real-globals', 'realGlobals'),
  switchFlag('--strict-time', 'strictTime'),
];

/** A word as a POSIX shell reads it back. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `syncstorm <command> <path> <flags…>`: the command that makes the same run again. */
export function reproduceCommand(command: 'replay' | 'run', path: string, context: HintContext): string {
  const words = RUN_CHANGING_FLAGS.flatMap((entry) => entry.words(context));
  return ['syncstorm', command, path, ...words].map(shellWord).join(' ');
}
