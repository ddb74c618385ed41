/**
 * @module cli/main
 * The `syncstorm` command. Exit codes: 0 everything held (or failed as expected), 1 an
 * invariant failed or an expected violation did not happen, 2 bad input: an unreadable
 * scenario, an unknown client, a bad flag; then one line on stderr, never a stack trace.
 */
import { Command, CommanderError, Option } from 'commander';
import { isUsageError, USAGE_EXIT_CODE } from '../kernel/errors.ts';
import { ALLOW_SCENARIO_CLIENTS_FLAG } from '../scenario/trust.ts';
import { PROFILES } from '../sim/profiles.ts';
import { removeStaleScratch } from '../sim/scratch-dir.ts';
import { HEAP_MB_DEFAULT } from '../sim/supervisor.ts';
import { CLIENT_SPEC_HELP, CLIENT_SPECS, ClientCache, DEFAULT_CLIENT } from './clients.ts';
import type { BenchFlags } from './commands/bench.ts';
import type { FuzzFlags } from './commands/fuzz.ts';
import type { GateFlags } from './commands/gate.ts';
import { LISTS } from './commands/list.ts';
import { registerRealnetCommands } from './commands/realnet.ts';
import type { ReplayFlags } from './commands/replay.ts';
import type { RunFlags } from './commands/run.ts';
import { type CliIo, printable, processIo } from './io.ts';
import {
  parseDevices,
  parseMemoryLimit,
  parseOps,
  parseSeedStart,
  parseSeeds,
  parseShard,
  parseTimeLimit,
  parseWorkers,
  SCENARIO_TIME_LIMIT_MS_DEFAULT,
  secondsOption,
} from './options.ts';
import { checkOutputFlags, REPORTS_ROOT_DEFAULT } from './output-paths.ts';
import { useFastScratch } from './scratch.ts';
import { syncstormVersion } from './version.ts';

/** Defaults of `fuzz`: a campaign that finds every mutant's bug within 200 seeds. */
export const FUZZ_DEFAULTS = { seeds: 100, seedStart: 1, devices: 3, ops: 10, profile: 'flaky' } as const;
/** Defaults of `gate`: modest, so CI stays within a few minutes on 2 cores. */
export const GATE_DEFAULTS = {
  seeds: 100,
  seedStart: 1,
  devices: 3,
  ops: 10,
  profile: 'flaky',
} as const;
/** Outer guard on shrinking one failure, s: far above a normal shrink, which is bounded by counts. */
export const SHRINK_TIME_LIMIT_S_DEFAULT = 1_200;

const EXIT_FAILED = 1;
/** Commands that write a report folder even without --report (to reports/). */
const WRITES_REPORTS = new Set(['gate', 'fuzz', 'chaos', 'coalescing', 'merge']);
const PROFILE_NAMES = Object.keys(PROFILES);

function reportOptions(command: Command): Command {
  return command
    .option('--report <dir>', 'root folder for the report (<dir>/<run>/ and <dir>/latest)')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .option('--json', 'print one JSON summary on stdout (human lines go to stderr)');
}

function campaignOptions(
  command: Command,
  defaults: typeof FUZZ_DEFAULTS | typeof GATE_DEFAULTS,
  seedsZeroOk: boolean,
): Command {
  const seeds = seedsZeroOk ? (value: string) => (value.trim() === '0' ? 0 : parseSeeds(value)) : parseSeeds;
  return command
    .option('--client <spec>', CLIENT_SPEC_HELP, DEFAULT_CLIENT)
    .option('--seeds <count>', `seeds to run${seedsZeroOk ? ' (0: none)' : ''}`, seeds, defaults.seeds)
    .option('--seed-start <n>', 'first seed', parseSeedStart, defaults.seedStart)
    .option('--devices <count>', 'devices per run', parseDevices, defaults.devices)
    .option('--ops <count>', 'user actions per device', parseOps, defaults.ops)
    .addOption(new Option('--profile <name>', 'fault profile').choices(PROFILE_NAMES).default(defaults.profile))
    .option('--workers <count>', 'worker processes (default: one per core)', parseWorkers)
    .option('--time-limit <seconds>', 'stop handing out seeds after this long', parseTimeLimit)
    .addOption(
      secondsOption(
        '--shrink-time-limit <seconds>',
        'outer guard on shrinking one failure (shrinking is bounded by counts)',
        parseTimeLimit,
        SHRINK_TIME_LIMIT_S_DEFAULT * 1000,
      ),
    )
    .option('--shard <i/n>', "run only this shard's share of the seeds (and scenarios)", parseShard);
}

/**
 * `--real-globals` and `--strict-time` (docs/virtual-time.md). They reach every run through
 * the environment, so worker and child processes see them too.
 */
function timeOptions(command: Command): Command {
  return command
    .option(
      '--real-globals',
      "leave the client's own timers, Date and Math.random real (each use is reported as a leak)",
    )
    .option('--strict-time', 'fail a run whose device code used real time or randomness (violation time-leak)');
}

/** Before a command runs: its time flags, as the environment the simulations read. */
function applyTimeFlags(command: Command): void {
  const flags = command.opts<{ realGlobals?: boolean; strictTime?: boolean }>();
  if (flags.realGlobals) process.env.SYNCSTORM_REAL_GLOBALS = '1';
  if (flags.strictTime) process.env.SYNCSTORM_STRICT_TIME = '1';
}

/** `--allow-scenario-clients`: scenario files may name clients that run code (see scenario/trust.ts). */
const ALLOW_SCENARIO_CLIENTS_OPTION = [
  ALLOW_SCENARIO_CLIENTS_FLAG,
  'let scenario files name clients that run code (module paths, process:<command>); only for files you trust',
] as const;

/** `--server`: the server slot (server/resolve.ts); scenarios that name a server keep theirs. */
const SERVER_OPTION = [
  '--server <spec>',
  "server the clients sync with: reference | mutant:<name> | <module path> (see 'syncstorm list servers'); for scenarios that name none",
] as const;

/**
 * Bounds on every run of client code (each in a supervised child process): wall time from
 * the moment the client starts (`--scenario-time-limit` is its older name) and heap.
 */
function runLimitOptions(command: Command): Command {
  return command
    .option(
      '--run-time-limit <seconds>',
      `wall time one run (scenario, seed, shrink candidate) may take from its client's start before it is stopped and reported as client-timeout (default: ${SCENARIO_TIME_LIMIT_MS_DEFAULT / 1000})`,
      parseTimeLimit,
    )
    .option('--scenario-time-limit <seconds>', 'older name of --run-time-limit', parseTimeLimit)
    .option(
      '--memory-limit <MB>',
      `heap of each child process that runs client code; a run that exhausts it is reported as client-out-of-memory (default: ${HEAP_MB_DEFAULT})`,
      parseMemoryLimit,
    );
}

function buildProgram(io: CliIo, setExit: (code: number) => void, clients: ClientCache): Command {
  const program = new Command('syncstorm')
    .description('Deterministic network-chaos simulator and conformance suite for offline-first sync engines.')
    .version(syncstormVersion(), '-V, --version', "print syncstorm's version")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError(true)
    .helpCommand(true)
    // Output paths are checked before any command starts its work (a gate can take minutes).
    .hook('preAction', (_program, action) =>
      checkOutputFlags(action.opts(), WRITES_REPORTS.has(action.name()) ? { report: REPORTS_ROOT_DEFAULT } : {}),
    )
    .hook('preAction', (_program, command) => applyTimeFlags(command));

  runLimitOptions(
    campaignOptions(timeOptions(reportOptions(program.command('gate'))), GATE_DEFAULTS, true)
      .description('run every scenario and a fuzz campaign: the one command for CI')
      .option(
        '--scenarios <dir>',
        "scenario folder to run instead of the default plan: syncstorm's bundled test plan plus ./scenarios when it exists",
      )
      .option(...SERVER_OPTION)
      .option(...ALLOW_SCENARIO_CLIENTS_OPTION),
  ).action(async (flags: GateFlags) => {
    const { gateCommand } = await import('./commands/gate.ts');
    setExit(await gateCommand(flags, io, clients));
  });

  runLimitOptions(
    timeOptions(reportOptions(program.command('run')))
      .description('run scenario files (folders are searched for *.json)')
      .argument('<paths...>', 'scenario files or folders')
      .option('--client <spec>', `client for scenarios that name none: ${CLIENT_SPECS}`, DEFAULT_CLIENT)
      .option('--shard <i/n>', "run only this shard's share of the files", parseShard)
      .option(...SERVER_OPTION)
      .option(...ALLOW_SCENARIO_CLIENTS_OPTION),
  ).action(async (paths: string[], flags: RunFlags) => {
    const { runCommand } = await import('./commands/run.ts');
    setExit(await runCommand(paths, flags, io, clients));
  });

  runLimitOptions(campaignOptions(timeOptions(reportOptions(program.command('fuzz'))), FUZZ_DEFAULTS, false))
    .description('draw runs from seeds; shrink each failure into a repro scenario')
    .option(...SERVER_OPTION)
    .action(async (flags: FuzzFlags) => {
      const { fuzzCommand } = await import('./commands/fuzz.ts');
      setExit(await fuzzCommand(flags, io, clients));
    });

  runLimitOptions(
    timeOptions(program.command('replay'))
      .description('run one scenario and print its trace hash')
      .argument('<scenario>', 'scenario file')
      .option('--client <spec>', `client if the scenario names none: ${CLIENT_SPECS}`, DEFAULT_CLIENT)
      .option('--trace <file>', 'write the trace as JSON lines')
      .option('--json', 'print the result as JSON')
      .option(...SERVER_OPTION)
      .option(...ALLOW_SCENARIO_CLIENTS_OPTION),
  ).action(async (path: string, flags: ReplayFlags) => {
    const { replayCommand } = await import('./commands/replay.ts');
    setExit(await replayCommand(path, flags, io, clients));
  });

  program
    .command('list')
    .description(`list a catalogue: ${LISTS.join(' | ')}`)
    .argument('<what>', LISTS.join(' | '))
    .option('--json', 'print JSON')
    .action(async (what: string, flags: { json?: boolean }) => {
      const { listCommand } = await import('./commands/list.ts');
      setExit(listCommand(what, flags, io));
    });

  const report = program.command('report').description('work with report folders');
  report
    .command('merge')
    .description('merge the reports of sharded runs (--shard i/n) into one')
    .argument('<dirs...>', 'report folders (reports/<run>)')
    .option('--report <dir>', 'root folder for the merged report')
    .option('--json', 'print the merged JSON summary on stdout')
    .action(async (dirs: string[], flags: { report?: string; json?: boolean }) => {
      const { reportMergeCommand } = await import('./commands/report.ts');
      setExit(reportMergeCommand(dirs, flags, io));
    });

  const bench = program.command('bench').description('benchmarks: coalescing');
  bench
    .command('coalescing')
    .description('what outbox coalescing and batching save, per workload (every run also checked)')
    .option(
      '--client <spec>',
      "'reference' (its six strategies) or any other client spec (benchmarked as is)",
      DEFAULT_CLIENT,
    )
    .option('--seed <seed>', 'seed of every run', '1')
    .option('--workload <names>', 'comma-separated workloads (default: all)')
    .option('--report <dir>', 'root folder: writes <dir>/bench/bench.json and index.html (default: reports)')
    .option('--json', 'print bench.json on stdout (the table goes to stderr)')
    .action(async (flags: BenchFlags) => {
      const { benchCoalescingCommand } = await import('./commands/bench.ts');
      setExit(await benchCoalescingCommand(flags, io, clients));
    });
  registerRealnetCommands(program, io, setExit, clients);
  return program;
}

/** The first line of a commander message, in our format. */
function commanderMessage(error: CommanderError, argv: readonly string[], program: Command): string {
  let text = error.message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  if (!/[.?!)]$/.test(text)) text += '.';
  const command = argv.find((arg) => !arg.startsWith('-'));
  const known = program.commands.some((sub) => sub.name() === command);
  const help = known ? `syncstorm ${command} --help` : 'syncstorm --help';
  return `[syncstorm] ${text.charAt(0).toUpperCase()}${text.slice(1)} See '${help}'.`;
}

/** Runs the CLI on `args` (without node and script); returns the exit code. */
export async function main(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  useFastScratch();
  let exitCode = 0;
  // Children that loaded a user's client for a look are stopped when the command ends.
  const clients = new ClientCache();
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    clients,
  );
  try {
    if (args.length === 0) {
      program.outputHelp();
      return USAGE_EXIT_CODE;
    }
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      io.err(`${printable(commanderMessage(error, args, program))}\n`);
      return USAGE_EXIT_CODE;
    }
    if (isUsageError(error)) {
      const lines = error.multiline ? error.message.split('\n') : [error.message.replace(/\s*\n\s*/g, ' ')];
      io.err(lines.map((line) => `${printable(line)}\n`).join(''));
      return USAGE_EXIT_CODE;
    }
    const detail =
      error instanceof Error
        ? process.env.SYNCSTORM_DEBUG
          ? error.stack
          : `${error.name}: ${error.message}`
        : String(error);
    io.err(`[syncstorm] internal error (a bug in syncstorm, please report it): ${printable(detail ?? '')}\n`);
    return EXIT_FAILED;
  } finally {
    clients.close();
    // Scratch folders of workers that were killed (time limits, out of memory) go now.
    removeStaleScratch();
  }
}
