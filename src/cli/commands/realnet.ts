/**
 * @module cli/commands/realnet
 * Registers the real-network commands on the program: `serve`, `proxy`, `conform` and
 * `chaos`. Their modules load only when a command runs (as main.ts does for the others).
 */
import { type Command, Option } from 'commander';
import { CHAOS_DEFAULTS, CLIENTS_MAX } from '../../realnet/chaos/options.ts';
import { SCHEDULES } from '../../realnet/chaos/schedules.ts';
import { ADMIN_PORT_DEFAULT } from '../../realnet/proxy/index.ts';
import { SERVER_MUTANTS } from '../../realnet/server-mutants/index.ts';
import { CLIENT_SPEC_HELP, type ClientCache, DEFAULT_CLIENT } from '../clients.ts';
import type { CliIo } from '../io.ts';
import { secondsOption } from '../options.ts';
import type { ChaosFlags } from './chaos.ts';
import type { ConformFlags } from './conform.ts';
import type { ProxyFlags } from './proxy.ts';
import {
  parseAddress,
  parseHost,
  parseHttpUrl,
  parsePort,
  parseSpeed,
  seconds,
  strangerOptions,
  wholeNumber,
} from './realnet-flags.ts';
import { SERVE_DEFAULTS, type ServeFlags } from './serve.ts';

const SCHEDULE_NAMES = SCHEDULES.map((schedule) => schedule.name);

/** Adds `--token` and `--allow-remote`. */
function withStrangerOptions(command: Command, what: string): Command {
  for (const option of strangerOptions(what)) command.addOption(option);
  return command;
}

function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('serve')
    .description('serve the reference server (or a server mutant) over HTTP, with a control API; Ctrl-C stops it')
    .option('--host <host>', 'interface to listen on (loopback unless told)', parseHost, SERVE_DEFAULTS.host)
    .option('--port <port>', 'port (0: any free port)', parsePort, SERVE_DEFAULTS.port)
    .option('--seed <seed>', "seed of the server's tokens and fault draws", SERVE_DEFAULTS.seed)
    .option(
      '--speed <factor>',
      'server time runs this many times faster than the wall clock',
      parseSpeed,
      SERVE_DEFAULTS.speed,
    )
    .addOption(
      new Option('--mutant <name>', 'serve a deliberately broken server').choices(SERVER_MUTANTS.map((m) => m.name)),
    )
    .option('--no-control', 'turn the control API under /_syncstorm/ off')
    .option('--proxy-url <url>', 'also play a chaos schedule on this Toxiproxy admin API', parseHttpUrl)
    .addOption(
      new Option('--schedule <name>', 'schedule played with --proxy-url')
        .choices(SCHEDULE_NAMES)
        .default(SERVE_DEFAULTS.schedule),
    )
    .option(
      '--proxy-listen <host:port>',
      'where the proxy listens, as the proxy sees it',
      parseAddress,
      SERVE_DEFAULTS.proxyListen,
    )
    .option('--upstream <host:port>', 'this server as the proxy reaches it (default: its own address)', parseAddress)
    .addOption(
      secondsOption('--cycle <seconds>', 'length of one schedule cycle', seconds(1, 86_400), SERVE_DEFAULTS.cycleMs),
    );
  withStrangerOptions(command, 'the control API (and send it to --proxy-url)').action(async (flags: ServeFlags) => {
    const { serveCommand } = await import('./serve.ts');
    setExit(await serveCommand(flags, io));
  });
}

function registerProxy(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('proxy')
    .description('run the embedded chaos proxy: a Toxiproxy-compatible admin API for machines without Docker')
    .option('--host <host>', 'admin API interface', parseHost, '127.0.0.1')
    .option('--port <port>', 'admin API port', parsePort, ADMIN_PORT_DEFAULT)
    .option('--seed <seed>', 'seed of toxicity draws and jitter', 'proxy')
    .option('--config <file>', 'create proxies from a Toxiproxy config file (JSON list of {name, listen, upstream})');
  withStrangerOptions(command, 'the admin API').action(async (flags: ProxyFlags) => {
    const { proxyCommand } = await import('./proxy.ts');
    setExit(await proxyCommand(flags, io));
  });
}

function registerConform(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('conform')
    .description("check a server's reference-protocol promises over real HTTP (exit 0 held, 1 broken, 2 unreachable)")
    .argument('<base-url>', 'the server, e.g. http://127.0.0.1:8787')
    .option('--collection <name>', 'collection the checks write', 'notes')
    .option('--only <promises>', 'comma-separated promises to check (default: all)', (value: string) => value)
    .option('--json', 'print the report as JSON')
    .action(async (baseUrl: string, flags: ConformFlags & { only?: unknown }) => {
      const { conformCommand, parsePromiseList } = await import('./conform.ts');
      const only = typeof flags.only === 'string' ? parsePromiseList(flags.only) : undefined;
      setExit(await conformCommand(baseUrl, { ...flags, ...(only ? { only } : {}) }, io));
    });
}

function registerChaos(program: Command, io: CliIo, setExit: (code: number) => void, clients: ClientCache): void {
  const command = program
    .command('chaos')
    .description('N real clients through a chaos proxy to the served server; then the checkers and reports')
    .option('--clients <n>', 'clients (devices) in this process', wholeNumber(1, CLIENTS_MAX), CHAOS_DEFAULTS.clients)
    .option('--client <spec>', CLIENT_SPEC_HELP, DEFAULT_CLIENT)
    .addOption(
      new Option('--schedule <name>', 'chaos schedule').choices(SCHEDULE_NAMES).default(CHAOS_DEFAULTS.schedule),
    )
    .addOption(
      secondsOption('--duration <seconds>', 'length of the chaos phase', seconds(1, 3_600), CHAOS_DEFAULTS.durationMs),
    )
    .option('--seed <seed>', 'seed of the workload and the schedule', CHAOS_DEFAULTS.seed)
    .option('--ops <n>', 'user actions per client', wholeNumber(0, 10_000), CHAOS_DEFAULTS.opsPerClient)
    .option(
      '--speed <factor>',
      'client timers and server time run this many times faster than the wall clock',
      parseSpeed,
      CHAOS_DEFAULTS.speed,
    )
    .option('--proxy-url <url>', 'Toxiproxy admin API (default: the embedded proxy, in this process)', parseHttpUrl)
    .option(
      '--proxy-listen <host:port>',
      'where the proxy listens, as the proxy sees it',
      parseAddress,
      CHAOS_DEFAULTS.proxyListen,
    )
    .option(
      '--upstream <host:port>',
      'the server as the proxy reaches it (e.g. host.docker.internal:8787)',
      parseAddress,
    )
    .option('--client-url <url>', 'where the clients reach the proxy (default: from its listen address)', parseHttpUrl)
    .option('--server-host <host>', 'interface the in-process server listens on', parseHost, CHAOS_DEFAULTS.serverHost)
    .option('--server-port <port>', 'port of the in-process server (0: any)', parsePort, CHAOS_DEFAULTS.serverPort)
    .option(
      '--requests-max <n>',
      'bound on requests of all clients',
      wholeNumber(1, 10_000_000),
      CHAOS_DEFAULTS.requestsMax,
    )
    .addOption(
      secondsOption(
        '--heal <seconds>',
        'time the clients get to converge on their own after heal',
        seconds(0, 3_600),
        CHAOS_DEFAULTS.healMs,
      ),
    )
    .option('--report <dir>', 'root folder for the report (<dir>/<run>/ and <dir>/latest)')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .option('--json', 'print one JSON summary on stdout (human lines go to stderr)');
  withStrangerOptions(command, "the server's control API (and send it to --proxy-url)").action(
    async (flags: ChaosFlags) => {
      const { chaosCommand } = await import('./chaos.ts');
      setExit(await chaosCommand(flags, io, clients));
    },
  );
}

export function registerRealnetCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  clients: ClientCache,
): void {
  registerServe(program, io, setExit);
  registerProxy(program, io, setExit);
  registerConform(program, io, setExit);
  registerChaos(program, io, setExit, clients);
}
